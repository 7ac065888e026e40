"""The WSGI servers fakesapcc runs on: one place, used by ``fakesapcc serve`` and the test
harness alike.

``fakesapcc serve`` answers plain HTTP on granian (a server with a Rust core: HTTP parsing and
the connections are native; chosen by measurement, see the README's "Speed"), or on waitress
with ``--server waitress``. In process (the pytest plugin, ``FakeSAPCC(live=True)``) it is
waitress, which serves from any thread (granian must own the main thread and its signals).
Waitress speaks no TLS, so HTTPS runs on cheroot (CherryPy's threaded pure-Python server) with
its builtin ``ssl`` adapter. All sit behind one interface: ``.effective_port`` is known at
construction, ``.run()`` serves until ``.close()`` (from any thread, or from a signal handler on
the serving thread).
"""
from __future__ import annotations

import logging
import socket
import tempfile
import threading
import time
from typing import Any

from flask import Flask

from .api.harness import DROPPED
from .tls import SELF_SIGNED, TLS, Certificate, certificate_hosts, check_pair, self_signed

log = logging.getLogger("fakesapcc")


SERVERS = ("granian", "waitress")


def make_server(app: Flask, host: str, port: int, threads: int = 8,
                tls: TLS = None, kind: str = "waitress") -> Server:
    """A production-grade server, not yet serving: call ``.run()`` to serve and ``.close()`` to
    stop; ``.effective_port`` is the bound port. ``tls`` is None (HTTP), ``"self-signed"``, a
    ``(cert_file, key_file)`` pair or a ``tls.Certificate``; ``kind`` (HTTP only) is one of
    ``SERVERS``."""
    if tls is not None:
        return HTTPSServer(app, host, port, threads, tls)
    if kind == "granian":
        return GranianServer(app, host, port, threads)
    return HTTPServer(app, host, port, threads)


class HTTPServer:
    """waitress, whose own ``close()`` only closes the listening socket: its loop then runs on
    while any keep-alive connection (a browser's) stays open, and a close from a signal handler
    ends it with EBADF. Here ``close()`` has the loop close every socket from within."""

    scheme = "http"

    def __init__(self, app: Flask, host: str, port: int, threads: int) -> None:
        from waitress import trigger
        from waitress.server import create_server

        self._map: dict = {}
        self._server = create_server(app, map=self._map, host=host, port=port, threads=threads,
                                     ident="fakesapcc")
        self._trigger = trigger.trigger(self._map)  # wakes the loop to run a closure in it
        self.effective_port: int = int(getattr(self._server, "effective_port", 0)
                                       or self._server.effective_listen[0][1])
        self._lock = threading.Lock()
        self._loop_thread: int | None = None
        self._closed = False
        self._started: list[Any] = []

    def on_start(self, fn: Any) -> None:
        """Run ``fn`` (in this process) as the server starts serving."""
        self._started.append(fn)

    def run(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._loop_thread = threading.get_ident()
        for fn in self._started:
            fn()
        try:
            self._server.run()
        finally:
            self._server.task_dispatcher.shutdown()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop = self._loop_thread
        if loop is None:  # never served
            self._close_all()
            self._server.task_dispatcher.shutdown()
        elif threading.get_ident() == loop:  # a signal handler: the loop must turn to stop
            threading.Thread(target=self._trigger.pull_trigger, args=(self._close_all,),
                             name="fakesapcc-stop", daemon=True).start()
        else:
            self._trigger.pull_trigger(self._close_all)

    def _close_all(self) -> None:
        from waitress import wasyncore

        wasyncore.close_all(self._map)  # the listener, every connection, the trigger


class GranianServer:
    """granian in this one process: its Rust core (HTTP parsing, the connections) on a thread of
    its own, the app on ``threads`` blocking threads, as many requests in flight as threads
    (more queue in the Rust core, where they cost no GIL time). This is granian's thread-worker
    server with one worker (``MTServer``, its layout for free-threaded Python); on a GIL build
    granian's default is a main process that forks worker processes, which holds the app's
    code and, unless it never imports the app, the app twice (about 50 MiB more for the same
    figures: see the README's "Speed"). ``.run()`` must be called on the main thread: granian
    takes SIGINT and SIGTERM there. What ``on_start`` registers runs once the server answers."""

    scheme = "http"

    def __init__(self, app: Flask, host: str, port: int, threads: int) -> None:
        from granian.constants import Interfaces
        from granian.log import LogLevels

        self.effective_port = _bindable(host, port)
        self._server: Any = _one_process_server()(
            "fakesapcc", address=host, port=self.effective_port, interface=Interfaces.WSGI,
            workers=1, blocking_threads=threads, backpressure=threads, websockets=False,
            log_level=LogLevels.warning, log_dictconfig=_granian_logging())
        self._app = app
        self._host = host
        self._started: list[Any] = []
        self._closed = False

    def on_start(self, fn: Any) -> None:
        self._started.append(fn)

    def run(self) -> None:
        if self._closed:
            return
        try:
            self._server.serve(target_loader=self._load, wrap_loader=False)
        except SystemExit as exc:  # granian's own exit, after its worker stopped unasked
            if exc.code:
                raise OSError(f"the granian worker stopped (exit {exc.code})") from None

    def _load(self) -> Flask:  # before granian listens
        threading.Thread(target=self._when_serving, name="fakesapcc-start", daemon=True).start()
        return self._app

    def _when_serving(self) -> None:
        """Run the ``on_start`` functions once the server answers (granian calls ``_load``
        before it listens: a ready line printed earlier would send clients to a port that
        refuses them)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self._host, self._host)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self._closed:
            try:
                socket.create_connection((host, self.effective_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.005)
        for fn in self._started:
            fn()

    def close(self) -> None:
        """Stop serving (from any thread): what SIGTERM does, the serve loop ends."""
        self._closed = True
        self._server.signal_handler_interrupt()


def _one_process_server() -> type:
    """granian's ``MTServer`` for a GIL build: its worker is a thread of this process. (It
    checks that the GIL is off, which only a free-threaded build needs, and warns that
    free-threading is experimental: neither applies to one worker thread beside the main
    thread, which the GIL serves as it serves waitress' threads.)"""
    from granian.server.common import AbstractServer
    from granian.server.mt import MTServer

    class OneProcess(MTServer):
        def _check_gil(self) -> None:
            pass

        def serve(self, *args: Any, **kwargs: Any) -> None:
            AbstractServer.serve(self, *args, **kwargs)

    return OneProcess


class _QuietDrops(logging.Filter):
    """A connection a fault rule dropped is no application error: granian's log leaves it out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return DROPPED not in record.getMessage()


def _granian_logging() -> dict[str, Any]:
    """granian's log to stderr (stdout carries the ready line), without dropped connections."""
    from granian.log import LOGGING_CONFIG

    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
               "formatter": "generic", "filters": ["drops"]}
    return {"filters": {"drops": {"()": _QuietDrops}},
            "handlers": {**LOGGING_CONFIG["handlers"], "console": handler}}


def _bindable(host: str, port: int) -> int:
    """The port granian will bind (a free one for 0), checked free now so that a port in use
    fails at construction, as waitress's and cheroot's do."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return int(probe.getsockname()[1])


class HTTPSServer:
    """cheroot over TLS, bound at construction (like waitress's ``create_server``)."""

    scheme = "https"

    def __init__(self, app: Flask, host: str, port: int, threads: int, tls: TLS) -> None:
        from cheroot import wsgi
        from cheroot.ssl.builtin import BuiltinSSLAdapter

        self.certificate: Certificate | None = None
        if tls == SELF_SIGNED:
            self.certificate = self_signed(certificate_hosts(host))
            log.info("HTTPS with a throwaway self-signed certificate for %s (SHA-256 %s)",
                     ", ".join(certificate_hosts(host)), self.certificate.fingerprint)
        elif isinstance(tls, Certificate):
            self.certificate = tls
        if self.certificate is not None:
            with tempfile.TemporaryDirectory(prefix="fakesapcc-tls-") as folder:
                cert_file, key_file = self.certificate.write(folder)
                check_pair(cert_file, key_file)
                adapter = BuiltinSSLAdapter(str(cert_file), str(key_file))  # loads both now
        elif isinstance(tls, tuple) and len(tls) == 2:
            check_pair(*tls)
            adapter = BuiltinSSLAdapter(str(tls[0]), str(tls[1]))
        else:
            raise ValueError(f"not a TLS setting: {tls!r}")
        self._server = wsgi.Server((host, port), app, numthreads=threads, max=threads,
                                   server_name="fakesapcc", request_queue_size=128)
        self._server.ssl_adapter = adapter
        self._server.error_log = _log  # connection-level events, to the server's log
        self._server.prepare()  # binds, listens and starts the worker threads
        self.effective_port: int = self._server.socket.getsockname()[1]
        self._serving_thread: int | None = None
        self._started: list[Any] = []

    def on_start(self, fn: Any) -> None:
        """Run ``fn`` (in this process) as the server starts serving."""
        self._started.append(fn)

    def run(self) -> None:
        """Serve until ``close()``; the worker threads stop with it."""
        self._serving_thread = threading.get_ident()
        for fn in self._started:
            fn()
        try:
            self._server.serve()
        finally:
            self._server.stop()

    def close(self) -> None:
        """Stop serving. From the serving thread itself (a signal handler), the stop runs
        beside it, since cheroot's stop waits for the serving loop to turn."""
        if threading.get_ident() == self._serving_thread:
            threading.Thread(target=self._server.stop, name="fakesapcc-stop",
                             daemon=True).start()
        else:
            self._server.stop()


def _log(msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
    log.log(level, "%s", msg, exc_info=traceback)


Server = HTTPServer | HTTPSServer | GranianServer
