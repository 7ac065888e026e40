"""CORS per SAP web app, and the security headers SAP's web apps send.

SAP Commerce puts Spring's ``CorsFilter`` first in every web app's filter chain and configures
it per web app from the properties ``corsfilter.<webapp>.<key>``, the key being one of
``allowedOrigins``, ``allowedOriginPatterns``, ``allowedMethods``, ``allowedHeaders``,
``exposedHeaders``, ``allowCredentials`` and ``maxAge`` (lists are space-separated). This module
answers as that filter does:

* a preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is answered
  here, before authentication and without running the endpoint: 200 with no body when the
  origin, the method and at least one requested header are allowed, otherwise 403
  ``Invalid CORS request``;
* any other cross-origin request from an origin the web app does not allow, or with a method it
  does not allow, gets the same 403 and is not executed; an allowed one runs and its response
  carries ``Access-Control-Allow-Origin`` (plus ``-Expose-Headers`` and ``-Allow-Credentials``
  when configured);
* every web-app response carries ``Vary: Origin, Access-Control-Request-Method,
  Access-Control-Request-Headers``.

``--cors-origin URL`` (``Config.cors_origins``) adds origins to every web app. The control plane
(``/_fakesapcc``) is not a SAP web app: only ``--cors-origin`` origins reach it from a browser.

Security headers, as SAP's web apps send them: ``X-Frame-Options: SAMEORIGIN`` (the platform's
XSS filter, before the CORS filter, so on preflights too), and from Spring Security's header
writers ``X-Content-Type-Options: nosniff``, ``X-XSS-Protection: 1; mode=block`` and, over HTTPS
only, ``Strict-Transport-Security: max-age=16070400 ; includeSubDomains``. OCC cart endpoints
add ``Cache-Control: no-cache`` (``@CacheControl(NO_CACHE)`` on SAP's carts controller).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from ..config import Config

log = logging.getLogger("fakesapcc")

OCC = "commercewebservices"
OAUTH = "oauth2"
ASM = "assistedservicewebservices"
ACCELERATOR = "acceleratorservices"  # the silent-order-post mock provider (api/occ/sopmock.py)
CONTROL_PLANE = "_fakesapcc"

# URL prefix → web app (SAP's servlet context name, the <webapp> of corsfilter.<webapp>.*)
WEBAPP_PATHS = (("/occ/v2", OCC), ("/authorizationserver", OAUTH),
                ("/assistedservicewebservices", ASM), ("/acceleratorservices", ACCELERATOR),
                ("/_fakesapcc", CONTROL_PLANE))

# Property contexts read for a web app, the first one set winning: since SAP rebuilt OAuth
# (2211, September 2025) the authorization server's web app is ``authorizationserver``, with the
# same defaults as the former ``oauth2``.
PROPERTY_CONTEXTS = {OCC: (OCC,), OAUTH: ("authorizationserver", OAUTH), ASM: (ASM,),
                     ACCELERATOR: (ACCELERATOR,)}

KEYS = ("allowedOrigins", "allowedOriginPatterns", "allowedMethods", "allowedHeaders",
        "exposedHeaders", "allowCredentials", "maxAge")


# Spring's HttpMethod: a method outside this set never passes a CORS check
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
# Spring's CorsConfiguration when allowedMethods is unset or empty
DEFAULT_METHODS = ("GET", "HEAD")

VARY = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
VARY_HEADER = ", ".join(VARY)
INVALID_CORS_REQUEST = b"Invalid CORS request"
HSTS = "max-age=16070400 ; includeSubDomains"


# ------------------------------------------------------------------------------ the policy


@dataclass(frozen=True)
class CorsPolicy:
    """One web app's CORS configuration, with Spring's ``CorsConfiguration`` checks."""

    origins: tuple[str, ...] = ()  # lower-cased, without a trailing slash; "*" = any
    origin_patterns: tuple[re.Pattern[str], ...] = ()
    methods: tuple[str, ...] | None = DEFAULT_METHODS  # None = any ("*")
    headers: tuple[str, ...] = ()  # lower-cased; "*" = any; empty = no request header allowed
    exposed: tuple[str, ...] = ()
    credentials: bool = False
    max_age: int | None = None

    def check_origin(self, origin: str) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for a request origin, or None."""
        if not origin.strip():
            return None
        if "*" in self.origins:
            # Spring 5.2 (SAP 2011) echoes the origin when credentials are on; Spring 5.3
            # (2211) throws there, and SAP's docs moved to allowedOriginPatterns=* instead.
            return origin if self.credentials else "*"
        wanted = origin.rstrip("/").lower()
        if wanted in self.origins:
            return origin
        if any(p.fullmatch(wanted) for p in self.origin_patterns):
            return origin
        return None

    def check_method(self, method: str | None) -> list[str] | None:
        """The ``Access-Control-Allow-Methods`` list for a method, or None (not allowed)."""
        if method not in HTTP_METHODS:
            return None
        if self.methods is None:
            return [method]
        return list(self.methods) if method in self.methods else None

    def check_headers(self, requested: list[str]) -> list[str] | None:
        """The allowed subset of the requested headers (Spring answers it, and rejects the
        preflight only when none is allowed), or None."""
        if not requested:
            return []
        if not self.headers:
            return None
        allowed = [h for h in requested if "*" in self.headers or h.lower() in self.headers]
        return allowed or None


def origin_pattern(value: str) -> re.Pattern[str]:
    """Spring's origin pattern: ``*`` matches anything (``https://*.example.com``), and a port
    list ends it: ``:[8080,8081]``, or ``:[*]`` for any port or none."""
    value = value.strip().rstrip("/").lower()
    ports = re.search(r":\[(\*|\d+(?:,\d+)*)\]$", value)
    if ports:
        value = value[:ports.start()]
    regex = ".*".join(re.escape(part) for part in value.split("*"))
    if ports:
        regex += r"(:\d+)?" if ports.group(1) == "*" else \
            "(?::(?:" + "|".join(ports.group(1).split(",")) + "))"
    return re.compile(regex)


def _words(value: str | None) -> list[str]:
    return [w for w in re.split(r"[\s,]+", value or "") if w]


def _property(config: Config, webapp: str, key: str) -> str | None:
    """A ``corsfilter`` value for a web app: the first of its contexts that sets it (SAP's
    defaults are in ``config.default_properties``)."""
    for context in PROPERTY_CONTEXTS[webapp]:
        value = config.properties.get(f"corsfilter.{context}.{key}")
        if value is not None:
            return value
    return None


def policy(config: Config, webapp: str) -> CorsPolicy:
    """The CORS policy of a SAP web app (``commercewebservices``, ``oauth2``,
    ``assistedservicewebservices``) under a configuration."""
    values = {key: _property(config, webapp, key) for key in KEYS}
    origins: list[str] = []
    patterns = [origin_pattern(p) for p in _words(values["allowedOriginPatterns"])]
    for origin in [*_words(values["allowedOrigins"]), *config.cors_origins]:
        if origin != "*" and ("*" in origin or "[" in origin):
            patterns.append(origin_pattern(origin))  # --cors-origin 'http://localhost:[*]'
        else:
            origins.append(origin.rstrip("/").lower())
    methods: tuple[str, ...] | None = tuple(
        m for m in (w.upper() for w in _words(values["allowedMethods"])) if m in HTTP_METHODS
        or m == "*")
    if not methods:
        methods = DEFAULT_METHODS
    elif "*" in methods:
        methods = None
    max_age = None
    if (values["maxAge"] or "").strip():
        try:
            max_age = int(values["maxAge"])  # type: ignore[arg-type]
        except ValueError:
            log.warning("corsfilter maxAge of %s is not a number: ignored", webapp)
    return CorsPolicy(
        origins=tuple(origins), origin_patterns=tuple(patterns), methods=methods,
        headers=tuple(h.lower() for h in _words(values["allowedHeaders"])),
        exposed=tuple(_words(values["exposedHeaders"])),
        credentials=(values["allowCredentials"] or "").strip().lower() == "true",
        max_age=max_age)


# --------------------------------------------------------------------------- the decision


@dataclass
class Decision:
    """What the CORS layer decided for one request."""

    webapp: str | None  # None: not a SAP web app nor the control plane
    answer: Response | None = None  # set when the CORS layer answers the request itself
    headers: dict[str, str] | None = None  # CORS headers for the endpoint's response


def webapp_of(path: str) -> str | None:
    for prefix, webapp in WEBAPP_PATHS:
        if path == prefix or path.startswith(prefix + "/"):
            return webapp
    return None


def _config() -> Config:
    return current_app.extensions["fakesapcc"].config


def _is_preflight() -> bool:
    return (request.method == "OPTIONS" and "Origin" in request.headers
            and "Access-Control-Request-Method" in request.headers)


def _same_origin(origin: str) -> bool:
    """Spring's CorsUtils.isCorsRequest, negated: scheme, host and port equal the request's."""
    try:
        theirs = urlsplit(origin)
        ours = urlsplit(f"{request.scheme}://{request.host}")
        return (theirs.scheme == ours.scheme and theirs.hostname == ours.hostname
                and _port(theirs.scheme, theirs.port) == _port(ours.scheme, ours.port))
    except ValueError:  # a port that is not a number
        return False


def _port(scheme: str, port: int | None) -> int | None:
    return port if port is not None else {"http": 80, "https": 443}.get(scheme)


def _bare(status: int, body: bytes = b"") -> Response:
    """A response written by a servlet filter: no content type."""
    response = Response(body, status=status)
    response.headers.remove("Content-Type")
    return response


def _requested_headers() -> list[str]:
    value = request.headers.get("Access-Control-Request-Headers", "")
    return [h.strip() for h in value.split(",") if h.strip()]


def _control_plane(config: Config) -> Decision:
    """The control plane changes the whole state, so a web page from elsewhere must not drive
    it: only origins given with ``--cors-origin`` (say, a dashboard) get CORS; any other
    cross-origin call is refused (see ``admin._guard``)."""
    origin = request.environ.get("HTTP_ORIGIN")  # headers.get raises inside when absent
    if origin is None or origin not in (config.cors_origins or []):
        decision = Decision(CONTROL_PLANE)
        if _is_preflight():
            decision.answer = _bare(403, "Invalid CORS request")
        return decision
    decision = Decision(CONTROL_PLANE, headers={"Access-Control-Allow-Origin": origin})
    if _is_preflight():
        answer = _bare(200)
        answer.headers["Access-Control-Allow-Origin"] = origin
        answer.headers["Access-Control-Allow-Methods"] = \
            request.headers["Access-Control-Request-Method"]
        if _requested_headers():
            answer.headers["Access-Control-Allow-Headers"] = ", ".join(_requested_headers())
        decision.answer = answer
    return decision


def decide() -> Decision:
    """Run Spring's CORS processing for the current request (once; remembered on ``g``)."""
    cached = g.get("_fakesapcc_cors")
    if cached is not None:
        return cached
    config = _config()
    webapp = webapp_of(request.path)
    if webapp == CONTROL_PLANE and not config.admin:
        webapp = None
    if webapp is None:
        decision = Decision(None)
    elif webapp == CONTROL_PLANE:
        decision = _control_plane(config)
    else:
        decision = _web_app(config, webapp)
    g._fakesapcc_cors = decision
    return decision


def _web_app(config: Config, webapp: str) -> Decision:
    decision = Decision(webapp)
    preflight = _is_preflight()
    origin = request.environ.get("HTTP_ORIGIN")  # headers.get raises inside when absent
    if origin is None or _same_origin(origin):
        if preflight:  # Spring's CorsFilter never passes a preflight on
            decision.answer = _bare(200)
        return decision
    rules = policy(config, webapp)
    allow_origin = rules.check_origin(origin)
    method = request.headers.get("Access-Control-Request-Method") if preflight else request.method
    allow_methods = rules.check_method(method.strip() if method else None)
    allow_headers = rules.check_headers(_requested_headers()) if preflight else []
    if allow_origin is None or allow_methods is None or allow_headers is None:
        decision.answer = _bare(403, INVALID_CORS_REQUEST)
        return decision
    headers = {"Access-Control-Allow-Origin": allow_origin}
    if preflight:
        headers["Access-Control-Allow-Methods"] = ",".join(allow_methods)
        if allow_headers:
            headers["Access-Control-Allow-Headers"] = ", ".join(allow_headers)
    if rules.exposed:
        headers["Access-Control-Expose-Headers"] = ", ".join(rules.exposed)
    if rules.credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    if preflight and rules.max_age is not None:
        headers["Access-Control-Max-Age"] = str(rules.max_age)
    if preflight:
        decision.answer = _bare(200)
        decision.answer.headers.update(headers)
    else:
        decision.headers = headers
    return decision


# ---------------------------------------------------------------------------------- hooks


def install(app: Flask) -> None:
    """Hook CORS and the security headers into every response."""

    @app.before_request
    def _cors_filter() -> Response | None:
        return decide().answer

    @app.after_request
    def _response_headers(response: Response) -> Response:
        decision = decide()
        if decision.webapp is None:
            return response
        if decision.webapp == CONTROL_PLANE:
            if decision.headers and decision.answer is None:
                response.headers.update(decision.headers)
            response.vary.add("Origin")
            return response
        # the names the response has, lower-cased, read once: a lookup of a missing name
        # in werkzeug's Headers raises and catches a KeyError, five of them per response
        present = {name.lower() for name, _ in response.headers}
        _vary(response, present)
        if decision.headers and "access-control-allow-origin" not in present:
            response.headers.update(decision.headers)
        _security_headers(response, decision, present)
        return response


def _vary(response: Response, present: set[str]) -> None:
    """``Vary`` with CORS' three names, in one header write when the view set none."""
    if "vary" in present:
        for name in VARY:
            response.vary.add(name)
    else:
        response.headers.add("Vary", VARY_HEADER)


SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-XSS-Protection", "1; mode=block"))


def _security_headers(response: Response, decision: Decision, present: set[str]) -> None:
    """Spring Security's headers, where the view set none of the same name."""
    add = response.headers.add
    if "x-frame-options" not in present:
        add("X-Frame-Options", "SAMEORIGIN")
    if decision.answer is not None:  # the CORS filter answered: Spring Security never ran
        return
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            add(name, value)
    req = request._get_current_object()  # type: ignore[attr-defined]
    if req.is_secure and "strict-transport-security" not in present:
        add("Strict-Transport-Security", HSTS)
    if decision.webapp == OCC and "/carts" in req.path and "cache-control" not in present:
        add("Cache-Control", "no-cache")
