"""The app factory: a thin HTTP layer over a Runtime.

Every response passes through ``_after_request``; every failure through ``errors``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import orjson
from flask import Flask, Response
from werkzeug.routing import Rule
from flask.json.provider import DefaultJSONProvider

from .api import cors, errors, harness, limits
from .clock import Clock
from .config import Config, build_config
from .runtime import Runtime
from .db import Db


class JSONProvider(DefaultJSONProvider):
    """Responses written by orjson (measured about ten times faster than the standard
    library's on a product's DTO); an integer beyond 64 bits, which orjson refuses, falls back
    to the standard library. Request bodies are read by the standard library, as Jackson reads
    them for SAP: an integer keeps every digit (orjson would make it a float), ``NaN`` and
    ``Infinity`` are not JSON, and a document nested too deeply is unreadable (400), not a
    server error."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self._encode(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if isinstance(s, (bytes, bytearray)):  # as json.loads reads bytes
            s = s.decode(json.detect_encoding(s), "surrogatepass")
        try:
            decoder = json.JSONDecoder(**{"parse_constant": _not_json, **kwargs}) if kwargs \
                else _DECODER
            return decoder.decode(s)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._encode(obj), mimetype=self.mimetype)

    def _encode(self, obj: Any) -> bytes:
        try:
            return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:  # an integer beyond 64 bits
            return super().dumps(obj).encode()


_CONVERTER = re.compile(r"<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\(.*?\))?:)?[a-zA-Z_][a-zA-Z0-9_]*>")


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_not_json)  # one for every request body


class _Rule(Rule):
    """A URL rule whose URL builders (``url_for``'s, which no request of fakesapcc needs) are
    compiled on first use: werkzeug compiles two per rule when the rule is added, which was
    most of the app's start-up. And a rule's path is parsed a segment at a time, each segment
    once per map: werkzeug's parse restarts at every slash, and the ~340 rules share their
    segments (``/<baseSiteId>``, ``/users``, ``/<userId>``, ``/carts`` …)."""

    def _parse_rule(self, rule: str) -> Iterator[Any]:
        if "(" in rule or not all(self.map.converters[c or "default"].part_isolating
                                  for c in _CONVERTER.findall(rule)):
            yield from super()._parse_rule(rule)  # a converter that spans segments
            return
        segments = self.map.__dict__.setdefault("_fakesapcc_segments", {})
        pieces = rule.split("/")
        for n, piece in enumerate(pieces):
            text = piece if n == len(pieces) - 1 else piece + "/"
            parsed = segments.get(text)
            if parsed is None:
                trace, names = len(self._trace), set(self._converters)
                parts = list(super()._parse_rule(text))
                if n < len(pieces) - 1:  # the part the text's end makes, which the next owns
                    parts.pop()
                parsed = segments[text] = (parts, self._trace[trace:], {
                    k: v for k, v in self._converters.items() if k not in names})
            else:
                self._trace.extend(parsed[1])
                self._converters.update(parsed[2])
                self.arguments.update(parsed[2])
            yield from parsed[0]

    def _compile_builder(self, append_unknown: bool = True) -> Any:
        compile_now = super()._compile_builder
        built: list[Any] = []

        def build(rule: Rule, *args: Any, **kwargs: Any) -> Any:
            if not built:
                built.append(compile_now(append_unknown).__get__(rule, None))
            return built[0](*args, **kwargs)
        return build


class App(Flask):
    """Flask, minus a cost paid on every hook of every request: whether a function is a
    coroutine is asked once per function (no view or hook of fakesapcc is async); and URL
    builders compiled when first used (``_Rule``)."""

    url_rule_class = _Rule

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._sync[func]
        except KeyError:
            return self._sync.setdefault(func, super().ensure_sync(func))
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)


def create_app(config: Config | None = None, *, db: Db | None = None,
               clock: Clock | None = None, load_seed: bool = True) -> Flask:
    """A fakesapcc WSGI app. With ``load_seed`` the seed loads before this returns; otherwise
    call ``runtime(app).load_seed()`` (the server does it after it starts listening, so that
    ``/_fakesapcc/health`` answers at once and ``/_fakesapcc/ready`` turns 200 when done).
    With ``config.state_file``, an existing file loads instead of the seed and the state is
    kept written to it (``persistence``; ``runtime(app).close()`` writes the rest)."""
    config = config or build_config({}, env={})
    app = App("fakesapcc")
    app.json = JSONProvider(app)
    app.config["JSON_SORT_KEYS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    rt = Runtime(config, db=db, clock=clock)
    app.extensions["fakesapcc"] = rt
    errors.install(app)
    harness.install(app)  # every request: the journal, faults, the emulation lint
    limits.install(app)  # every request: the header block and the body within bounds
    cors.install(app)  # every response: CORS per web app, security headers
    from .api import context

    context.install(app)  # agent sessions started by emulation

    from .api.admin import bp as admin_bp
    from .api import admin_aftersales, admin_b2b  # noqa: F401  (their routes, on the admin blueprint)
    from .api.dashboard import bp as dashboard_bp
    from .api import login  # noqa: F401  (the authorization endpoint, on the oauth blueprint)
    from .api.asm import bp as asm_bp
    from .api.home import bp as home_bp
    from .api.medias import bp as medias_bp
    from .api.oauth import bp as oauth_bp
    from .api.occ import bp as occ_bp
    from .api.occ.sopmock import provider as payment_provider_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(oauth_bp)
    app.register_blueprint(occ_bp)
    app.register_blueprint(asm_bp)
    app.register_blueprint(payment_provider_bp)
    app.register_blueprint(medias_bp)
    if load_seed:
        if not rt.load_state_file():  # with --state-file: the file, when it exists
            rt.load_seed()
        rt.persist()
    return app
