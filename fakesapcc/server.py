"""The WSGI server fakesapcc runs on: one place, used by ``fakesapcc serve`` and the test
harness alike.

Plain HTTP (the default) runs on waitress. Waitress speaks no TLS, so HTTPS runs on cheroot
(CherryPy's threaded pure-Python server) with its builtin ``ssl`` adapter. Both sit behind one
interface: bound at construction, ``.run()`` serves until ``.close()`` (from any thread, or from a
signal handler on the serving thread), ``.effective_port`` is the bound port.
"""
from __future__ import annotations

import logging
import tempfile
import threading

from flask import Flask

from .tls import SELF_SIGNED, TLS, Certificate, certificate_hosts, check_pair, self_signed

log = logging.getLogger("fakesapcc")


def make_server(app: Flask, host: str, port: int, threads: int = 8,
                tls: TLS = None) -> HTTPServer | HTTPSServer:
    """A production-grade threaded server, bound but not yet serving: call ``.run()`` to serve
    and ``.close()`` to stop; ``.effective_port`` is the bound port. ``tls`` is None (HTTP),
    ``"self-signed"``, a ``(cert_file, key_file)`` pair or a ``tls.Certificate``."""
    if tls is None:
        return HTTPServer(app, host, port, threads)
    return HTTPSServer(app, host, port, threads, tls)


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

    def run(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._loop_thread = threading.get_ident()
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

    def run(self) -> None:
        """Serve until ``close()``; the worker threads stop with it."""
        self._serving_thread = threading.get_ident()
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
