"""The WSGI server fakesapcc runs on: one place, used by ``fakesapcc serve`` and the test
harness alike."""
from __future__ import annotations

from typing import Any

from flask import Flask


def make_server(app: Flask, host: str, port: int, threads: int = 8) -> Any:
    """A production-grade threaded server (waitress), bound but not yet serving: call
    ``.run()`` to serve and ``.close()`` to stop; ``.effective_port`` is the bound port."""
    from waitress.server import create_server

    return create_server(app, host=host, port=port, threads=threads, ident="fakesapcc")
