"""Fault rules: make chosen calls slow, fail or lose their connection, on purpose.

A rule matches calls by HTTP method, a glob over the path (``*`` also matches ``/``) and,
optionally, SAP's operationId. When it applies it can

- wait: a fixed ``delayMs`` or a uniform ``{"min": …, "max": …}`` range;
- answer instead of the endpoint: ``status`` with ``body`` (default: SAP's error envelope)
  and ``headers`` — the endpoint does not run, so no state changes;
- drop the connection: no response at all, the client sees its connection closed.

It applies to the next ``times`` matching calls (unlimited by default), each with
``probability`` (1 by default); a ``seed`` makes the draws, and the delays of a range,
the same from run to run. Rules are tried in the order they were added; the first that matches
and whose draw succeeds applies.

No Flask here: ``api.journal`` applies the rules to requests, ``api.admin`` and
``testing.FakeSAPCC`` add and list them. Bad input raises ``ApiError`` (400 ValidationError).
"""
from __future__ import annotations

import re

import fnmatch
import itertools
import math
import random
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .errors import ApiError, validation_error

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_DELAY_MS = 60_000.0
RULE_KEYS = ("method", "path", "operationId", "delayMs", "status", "body", "headers", "drop",
             "times", "probability", "seed")

# SAP's bodies for the statuses a client most often has to survive
_DEFAULT_ERRORS = {
    400: ("ValidationError", "Bad Request"),
    401: ("UnauthorizedError", "Full authentication is required to access this resource"),
    403: ("ForbiddenError", "Access is denied"),
    405: ("HttpRequestMethodNotSupportedError", "Request method not supported"),
    500: ("UnknownError", "Unknown server error"),
}


def default_body(status: int, path: str) -> dict[str, Any] | None:
    """The body of a fault that sets ``status`` and no ``body``: SAP's error envelope for an
    error status, nothing for a success."""
    if status < 400:
        return None
    if status == 404:
        error = ApiError(404, "UnknownResourceError", f"There is no resource for path {path}")
    else:
        type_, message = _DEFAULT_ERRORS.get(status, ("UnknownError", _phrase(status)))
        error = ApiError(status, type_, message)
    return {"errors": [error.to_dict()]}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass
class Delay:
    """A fixed delay (``low == high``) or a uniform range, in milliseconds."""

    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return self.low if self.low == self.high else rng.uniform(self.low, self.high)

    def to_json(self) -> float | dict[str, float]:
        return self.low if self.low == self.high else {"min": self.low, "max": self.high}


@dataclass
class FaultRule:
    id: str
    path: str = "*"
    method: str | None = None  # None: any method
    operation_id: str | None = None
    delay: Delay | None = None
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    times: int | None = None  # None: unlimited
    probability: float = 1.0
    seed: int | None = None
    applied: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(self.times - self.applied, 0)

    def matches(self, method: str, path: str, operation_id: str | None) -> bool:
        if self.remaining == 0:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        if self.operation_id is not None and self.operation_id != operation_id:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def draw(self) -> bool:
        """Whether the rule fires for one matching call (always draws, so a seed gives the
        same sequence whatever the probability)."""
        return self.rng.random() < self.probability

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "method": self.method, "path": self.path,
            "operationId": self.operation_id,
            "delayMs": self.delay.to_json() if self.delay else None,
            "status": self.status, "body": self.body, "headers": dict(self.headers),
            "drop": self.drop, "times": self.times, "remaining": self.remaining,
            "applied": self.applied, "probability": self.probability, "seed": self.seed,
        }


@dataclass(frozen=True)
class Fault:
    """What one call gets: the rule that fired and the delay drawn for it."""

    rule: FaultRule
    delay_ms: float

    @property
    def drop(self) -> bool:
        return self.rule.drop

    @property
    def status(self) -> int | None:
        return self.rule.status

    def body(self, path: str) -> Any:
        if self.rule.body is not None or self.rule.status is None:
            return self.rule.body
        return default_body(self.rule.status, path)


class FaultBook:
    """The rules of one fakesapcc instance (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(self, data: Any) -> FaultRule:
        """Add a rule from its JSON form (see the module docstring); 400 on bad input."""
        rule = parse_rule(data, rule_id="")
        with self._lock:
            rule.id = f"fault-{next(self._ids)}"
            self._rules.append(rule)
        return rule

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def __bool__(self) -> bool:
        """Whether any rule is set (read without the lock: a call that races a rule's
        addition may miss it, as it would by arriving a moment earlier)."""
        return bool(self._rules)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        """Remove every rule; ids start again from ``fault-1``."""
        with self._lock:
            self._rules = []
            self._ids = itertools.count(1)

    def take(self, method: str, path: str, operation_id: str | None) -> Fault | None:
        """The fault for one call, counting it against its rule, or None."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path, operation_id) and rule.draw():
                    rule.applied += 1
                    delay = rule.delay.draw(rule.rng) if rule.delay else 0.0
                    return Fault(rule, delay)
        return None


# ------------------------------------------------------------------------------ parsing


def parse_rule(data: Any, rule_id: str) -> FaultRule:
    if not isinstance(data, dict):
        raise validation_error("body", "A fault rule must be a JSON object")
    unknown = sorted(set(data) - set(RULE_KEYS))
    if unknown:
        raise validation_error(unknown[0], f"Unknown fault rule field '{unknown[0]}'; "
                               f"the fields are {', '.join(RULE_KEYS)}", "unknown")
    seed = _seed(data.get("seed"))
    rule = FaultRule(
        id=rule_id,
        path=_path(data.get("path", "*")),
        method=_method(data.get("method")),
        operation_id=_optional_str(data, "operationId"),
        delay=_delay(data.get("delayMs")),
        status=_status(data.get("status")),
        body=data.get("body"),
        headers=_headers(data.get("headers")),
        drop=_bool(data, "drop"),
        times=_times(data.get("times")),
        probability=_probability(data.get("probability")),
        seed=seed,
        rng=random.Random(seed),
    )
    _check_effect(rule)
    return rule


def _check_effect(rule: FaultRule) -> None:
    if rule.drop and (rule.status is not None or rule.body is not None or rule.headers):
        raise validation_error("drop", "A rule that drops the connection sends no status, "
                               "body or headers")
    if rule.status is None and (rule.body is not None or rule.headers):
        raise validation_error("status", "A fault rule with a body or headers needs a status",
                               "missing")
    if not rule.drop and rule.status is None and rule.delay is None:
        raise validation_error("body", "A fault rule needs an effect: delayMs, status or drop",
                               "missing")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value) if math.isfinite(value) else None
    except OverflowError:  # an integer beyond any float
        return None


def _path(value: Any) -> str:
    """A glob over the whole path, so it starts with ``/`` or a wildcard."""
    if not isinstance(value, str) or not value.strip().startswith(("/", "*", "?", "[")):
        raise validation_error("path", "path must be a glob over the whole path, such as "
                               "/occ/v2/*/users/current or */carts*")
    return value.strip()


def _method(value: Any) -> str | None:
    if value is None or value == "*":
        return None
    if not isinstance(value, str) or value.upper() not in HTTP_METHODS:
        raise validation_error("method", f"method must be one of {', '.join(sorted(HTTP_METHODS))}"
                               f" or *, not {value!r}")
    return value.upper()


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise validation_error(key, f"{key} must be a non-empty string")
    return value


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise validation_error(key, f"{key} must be true or false")
    return value


def _delay(value: Any) -> Delay | None:
    if value is None:
        return None
    if isinstance(value, dict):
        if set(value) != {"min", "max"}:
            raise validation_error("delayMs", "A delay range is {\"min\": ms, \"max\": ms}")
        low, high = _number(value["min"]), _number(value["max"])
    else:
        low = high = _number(value)
    if low is None or high is None or not 0 <= low <= high <= MAX_DELAY_MS:
        raise validation_error("delayMs", "delayMs must be a number of milliseconds, or "
                               "{\"min\", \"max\"} with 0 <= min <= max <= "
                               f"{MAX_DELAY_MS:.0f}")
    return Delay(low, high)


def _status(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 599:
        raise validation_error("status", "status must be an HTTP status from 200 to 599")
    return value


def _headers(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()):
        raise validation_error("headers", "headers must be an object of header names to "
                               "string values")
    for name, text in value.items():
        if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name) or any(c in text for c in "\r\n\0"):
            raise validation_error("headers", f"'{name}' is not a valid header name and value")
    return dict(value)


def _times(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise validation_error("times", "times must be a whole number of calls, at least 1")
    return value


def _probability(value: Any) -> float:
    if value is None:
        return 1.0
    number = _number(value)
    if number is None or not 0 <= number <= 1:
        raise validation_error("probability", "probability must be a number from 0 to 1")
    return number


def _seed(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation_error("seed", "seed must be a whole number")
    return value
