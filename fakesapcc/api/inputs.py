"""Reading requests, one way for OCC and ASM: a JSON body through a marshmallow ``Body`` schema,
query and form parameters (Spring's ``@RequestParam``) through a ``Params`` schema, each declared
on the route (``@operation(..., body=…, params=…)``) and answered with SAP's errors.

How SAP reads a request, and so how this module does:

- binding (Jackson, Spring's argument resolution) comes first: a body that is not JSON, not an
  object, or whose values cannot become the DTO's types (an object for a string, ``"x"`` for a
  number) is ``400 HttpMessageNotReadableError``; a missing required parameter is ``400
  MissingServletRequestParameterError``; a body of another content type ``415``;
- validation (SAP's validators, inside the controller, after ``@Secured``) reports every field
  in one envelope: ``ValidationError``, ``subjectType: parameter``, ``subject`` the field path
  (``billingAddress.firstName``), ``reason`` ``missing`` when the value is null or absent and
  ``invalid`` otherwise (webservicescommons' ValidationErrorConverter), SAP's messages.

A schema's validators may read the database through ``marshmallow.experimental.context``
(``reference()``: a code that must exist, such as a title or a country).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from flask import request
from marshmallow import fields as mf
from marshmallow.experimental.context import Context

from ..errors import ApiError, unreadable_body
from .schemabase import Schema

# -- SAP's validation messages (commercewebservices' messages_en.properties) ------------------

REQUIRED = "This field is required."
NOT_VALID = "This field is not valid."
GREATER_THAN_ZERO = "This field must be greater than 0."
INVALID_EMAIL = "This field is not a valid email addresss."  # sic: SAP's text
MUST_BE_NUMBER = "This field must be a number."
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def required_and_not_too_long(max_length: int) -> str:
    """FieldNotEmptyOrTooLongValidator's ``field.requiredAndNotTooLong`` (sic)."""
    return f"This field is required and must to be between 1 and {max_length} characters long."


class _Unreadable(str):
    """The marker of a value Jackson could not bind: the whole body is unreadable."""


UNREADABLE = _Unreadable("unreadable")


class ObjectError(str):
    """A validator's error on the whole object (Spring's global error): reported with the
    object's name as ``subject`` and ``reason`` ``invalid``."""

    def __new__(cls, message: str, object_name: str) -> "ObjectError":
        error = super().__new__(cls, message)
        error.object_name = object_name  # type: ignore[attr-defined]
        return error

LONG_MIN, LONG_MAX = -2 ** 63, 2 ** 63 - 1
INT_MIN, INT_MAX = -2 ** 31, 2 ** 31 - 1


def state() -> Any:
    """The database state a validator checks references against (inside ``load``)."""
    return Context.get()["state"]


def context_value(key: str, default: Any = None) -> Any:
    """Another value the endpoint gave its schema (``load_data``'s context)."""
    return Context.get().get(key, default)


def now() -> Any:
    """The server clock's time, for validators (a card's expiry)."""
    return Context.get()["now"]


# -- JSON body fields: Jackson's binding, then SAP's validators ---------------------------------


class BodyField(mf.Field):
    """A property of a JSON body. ``required`` (FieldNotEmptyValidator) and ``max_length``
    (FieldNotEmptyOrTooLongValidator) are SAP's rules with SAP's messages; every other rule
    is a validator raising ``ma.ValidationError(message)``."""

    def __init__(self, *, required: bool = False, max_length: int | None = None,
                 message: str | None = None, **kwargs: Any) -> None:
        self.max_length = max_length
        self.rule_message = message or (required_and_not_too_long(max_length)
                                        if max_length else REQUIRED)
        super().__init__(required=required, allow_none=not required, **kwargs)
        self.error_messages = {**self.error_messages, "required": self.rule_message,
                               "null": self.rule_message}

    def _bind(self, value: Any) -> Any:
        return value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            bound = self._bind(value)
        except (TypeError, ValueError, OverflowError):
            raise ma.ValidationError(UNREADABLE) from None
        if self.required and isinstance(bound, str) and not bound.strip():
            raise ma.ValidationError(self.rule_message)
        if self.max_length is not None and isinstance(bound, str) \
                and len(bound) > self.max_length:
            raise ma.ValidationError(self.rule_message)
        return bound


class Text(BodyField):
    """A string: a JSON scalar becomes its text, as Jackson binds a ``String``; an object or an
    array is unreadable (a JSON ``null`` of a request body: ``null_strings``)."""

    def _bind(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        raise TypeError(value)


class Long(BodyField):
    """A Java ``Long``: a JSON integer, an integral number or a numeric string, in range."""

    bounds = (LONG_MIN, LONG_MAX)

    def _bind(self, value: Any) -> int:
        if isinstance(value, bool):
            raise TypeError(value)
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]{1,19}\s*", value):
            number = int(value)
        else:
            raise TypeError(value)
        if not self.bounds[0] <= number <= self.bounds[1]:
            raise OverflowError(value)
        return number


class Int(Long):
    """A Java ``Integer``."""

    bounds = (INT_MIN, INT_MAX)


class Double(BodyField):
    """A Java ``Double``: a JSON number or a numeric string."""

    def _bind(self, value: Any) -> float:
        if isinstance(value, bool):
            raise TypeError(value)
        number = float(value) if isinstance(value, (int, float, str)) else None
        if number is None or not math.isfinite(number):
            raise ValueError(value)
        return number


class Bool(BodyField):
    """A Java ``Boolean``: ``true``/``false``, their strings, or 0/1."""

    def _bind(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise TypeError(value)


class TextMap(BodyField):
    """A Java ``Map<String, String>``: an object whose values are scalars (bound as text)."""

    def _bind(self, value: Any) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise TypeError(value)
        text = Text()
        return {str(k): text._bind(v) for k, v in value.items()}


class Object(mf.Nested):
    """A nested DTO (``{"isocode": …}``): anything but an object is unreadable."""

    def __init__(self, schema: Any, *, required: bool = False, message: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(schema, required=required, allow_none=not required, **kwargs)
        self.rule_message = message or REQUIRED
        self.error_messages = {**self.error_messages, "required": self.rule_message,
                               "null": self.rule_message, "type": UNREADABLE}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ma.ValidationError(UNREADABLE)
        return super()._deserialize(value, attr, data, **kwargs)


class Objects(mf.List):
    """A list of nested DTOs; anything but an array of objects is unreadable. A ``null`` item
    (which Jackson binds and SAP's validators then fail on) is a ValidationError at
    ``list[index]``."""

    def __init__(self, schema: Any, *, required: bool = False, message: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(Object(schema, required=True), required=required,
                         allow_none=not required, **kwargs)
        self.rule_message = message or REQUIRED
        self.error_messages = {**self.error_messages, "required": self.rule_message,
                               "null": self.rule_message, "invalid": UNREADABLE}


def reference(collection: str, message: str = NOT_VALID) -> Callable[[Any], None]:
    """A validator: the value names an item of a database collection (``titles``,
    ``countries`` …)."""
    def check(value: Any) -> None:
        if value is not None and value not in getattr(state(), collection):
            raise ma.ValidationError(message)

    return check


def email(message: str = INVALID_EMAIL) -> Callable[[Any], None]:
    """SAP's EmailValidator."""
    def check(value: Any) -> None:
        if isinstance(value, str) and value.strip() and not EMAIL.fullmatch(value.strip()):
            raise ma.ValidationError(message)

    return check


def greater_than_zero(value: Any) -> None:
    """SAP's FieldGreaterThanZeroValidator."""
    if value is not None and value <= 0:
        raise ma.ValidationError(GREATER_THAN_ZERO)


class Texts(BodyField):
    """A Java ``List<String>``: an array of scalars (bound as text); Jackson takes a lone
    scalar as a one-element list."""

    def _bind(self, value: Any) -> list[str]:
        text = Text()
        if isinstance(value, (list, tuple)):
            return [text._bind(v) for v in value if v is not None]
        return [text._bind(value)]


class Body(Schema):
    """A JSON request body: SAP's input WsDTO. Unknown properties are ignored, as Jackson is
    configured in OCC."""

    class Meta:
        unknown = ma.EXCLUDE


# -- request parameters: Spring's @RequestParam --------------------------------------------------


class Param(mf.Field):
    """A request parameter (query string or form field). Spring reports the first bad one:
    a missing required parameter is ``MissingServletRequestParameterError``; a value that does
    not convert or is out of range gets the web app's own error (``style``)."""

    java_type = "String"

    def __init__(self, *, required: bool = False, default: Any = None,
                 blank_is_missing: bool = True, strip: bool = False, **kwargs: Any) -> None:
        self.param_required = required
        self.blank_is_missing = blank_is_missing
        self.strip = strip
        super().__init__(load_default=default, **kwargs)

    def deserialize(self, value: Any, attr: str | None = None,
                    data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        name = self.data_key or attr or ""
        if self.strip and isinstance(value, str):
            value = value.strip()
        if value is ma.missing or value is None or (self.blank_is_missing and value == ""):
            if self.param_required:
                raise ApiError(400, "MissingServletRequestParameterError",
                               f"Required {self.java_type} parameter '{name}' is not present")
            default = self.load_default
            return default() if callable(default) else default
        return self.convert(name, value)

    def convert(self, name: str, value: str) -> Any:
        return value

    def style(self) -> "ParamErrors":
        return getattr(self.parent, "errors", OCC_PARAMS)


class TextParam(Param):
    def convert(self, name: str, value: str) -> Any:
        return value


class ChoiceParam(Param):
    """One of a controller's values (an enum): another is ``400 ValidationError``
    (``message`` names it as ``{value}``)."""

    def __init__(self, choices: tuple[str, ...], *, message: str, upper: bool = False,
                 **kwargs: Any) -> None:
        self.choices = choices
        self.message = message
        self.upper = upper
        super().__init__(**kwargs)

    def convert(self, name: str, value: str) -> str:
        if self.upper:
            value = value.upper()
        if value not in self.choices:
            raise ApiError(400, "ValidationError", self.message.format(value=value),
                           reason="invalid", subject=name, subject_type="parameter")
        return value


class TextsParam(Param):
    """A ``List<String>`` parameter: comma-separated values, or the parameter repeated
    (``load_params`` joins them), as Spring's conversion reads it; blanks are dropped."""

    def convert(self, name: str, value: str) -> list[str]:
        return [x.strip() for x in value.split(",") if x.strip()]


class IntParam(Param):
    """A Java ``int`` parameter, with an optional minimum."""

    java_type = "int"

    def __init__(self, *, minimum: int | None = None, **kwargs: Any) -> None:
        self.minimum = minimum
        super().__init__(**kwargs)

    def convert(self, name: str, value: str) -> int:
        try:
            number = int(value)
            if not INT_MIN <= number <= INT_MAX:
                raise ValueError(value)
        except ValueError:
            raise self.style().not_a_number(name, value) from None
        if self.minimum is not None and number < self.minimum:
            raise self.style().below(name, self.minimum)
        return number


class LongParam(IntParam):
    java_type = "Long"

    def convert(self, name: str, value: str) -> int:
        try:
            number = int(value)
            if not LONG_MIN <= number <= LONG_MAX:
                raise ValueError(value)
        except ValueError:
            raise self.style().not_a_number(name, value) from None
        if self.minimum is not None and number < self.minimum:
            raise self.style().below(name, self.minimum)
        return number


class BoolParam(Param):
    """A Java ``boolean`` parameter (lenient, as Spring's StringToBooleanConverter reads
    ``true``/``on``/``yes``/``1`` and their opposites)."""

    java_type = "boolean"
    TRUE = ("true", "on", "yes", "1")
    FALSE = ("false", "off", "no", "0")

    def convert(self, name: str, value: str) -> bool:
        text = value.strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise self.style().not_a_boolean(name, value)


@dataclass(frozen=True)
class ParamErrors:
    """How a web app words a parameter that does not convert (its controllers differ)."""

    kind: str
    number: str
    minimum: str
    boolean: str

    def _error(self, text: str, name: str) -> ApiError:
        return ApiError(400, self.kind, text, reason="invalid", subject=name,
                        subject_type="parameter")

    def not_a_number(self, name: str, value: str) -> ApiError:
        return self._error(self.number.format(name=name, value=value), name)

    def below(self, name: str, minimum: int) -> ApiError:
        return self._error(self.minimum.format(name=name, minimum=minimum,
                                               bound=minimum - 1), name)

    def not_a_boolean(self, name: str, value: str) -> ApiError:
        return self._error(self.boolean.format(name=name, value=value), name)


OCC_PARAMS = ParamErrors("ValidationError", "Invalid value '{value}' for parameter '{name}'",
                         "Parameter '{name}' must be at least {minimum}",
                         "Invalid value '{value}' for parameter '{name}'")
ASM_PARAMS = ParamErrors("RequestParameterError", "Request parameter {name} must be a number",
                         "Request parameter {name} must be greater than {bound}",
                         "Request parameter {name} must be true or false")


class Params(Schema):
    """A controller's ``@RequestParam``s: read from the query string and a form body alike."""

    errors: ParamErrors = OCC_PARAMS

    class Meta:
        unknown = ma.EXCLUDE


class AsmParams(Params):
    errors = ASM_PARAMS


class Paging(Params):
    """OCC's ``currentPage`` (from 0) and ``pageSize`` (from 1; SAP's default 20)."""

    currentPage = IntParam(default=0, minimum=0)
    pageSize = IntParam(default=20, minimum=1)


# -- reading -----------------------------------------------------------------------------------


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_json() -> bool:
    mimetype = request.mimetype or ""
    return mimetype == "application/json" or mimetype.endswith("+json")


def is_form() -> bool:
    return (request.mimetype or "") in FORM_TYPES


def unsupported_media_type() -> ApiError:
    shown = request.content_type or "application/octet-stream"
    return ApiError(415, "HttpMediaTypeNotSupportedError", f"Content type '{shown}' not supported")


def check_form() -> None:
    """A form variant's request: form-encoded, multipart, or no body at all; else 415."""
    if request.content_length and request.mimetype not in (*FORM_TYPES, ""):
        raise unsupported_media_type()


def json_object(*, required: bool = True) -> dict[str, Any]:
    """The request's JSON object. A body of another content type → 415; a missing, malformed or
    non-object one → 400 HttpMessageNotReadableError (``required=False``: no body reads as
    ``{}``)."""
    has_body = bool(request.content_length) or bool(request.get_data(cache=True))
    if has_body and not is_json():
        # a body with no Content-Type is application/octet-stream to Spring MVC, which no
        # JSON converter reads
        raise unsupported_media_type()
    if not has_body and not required:
        return {}
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise unreadable_body()
    return body


def form_values() -> dict[str, str]:
    """Query and form parameters, as Spring's ``@RequestParam`` sees them (the first of a
    repeated one)."""
    return request.values.to_dict()


def load_params(schema: ma.Schema) -> dict[str, Any]:
    """Request parameters through a Params schema (the first bad one raises its ApiError)."""
    values = form_values()
    for key in _list_keys(schema):
        if len(request.values.getlist(key)) > 1:
            values[key] = ",".join(request.values.getlist(key))
    return schema.load(values)


def _list_keys(schema: ma.Schema) -> tuple[str, ...]:
    """The parameters of a Params schema that take a comma list (``TextsParam``), found once
    per schema."""
    keys = schema.__dict__.get("_fakesapcc_list_keys")
    if keys is None:
        keys = tuple(param.data_key or name for name, param in schema.fields.items()
                     if isinstance(param, TextsParam))
        schema.__dict__["_fakesapcc_list_keys"] = keys
    return keys


def load_body(schema: ma.Schema, context: dict[str, Any], *, form: bool = False,
              required: bool = True) -> tuple[dict[str, Any], list[ApiError]]:
    """A JSON body (or, with ``form``, a form body where SAP's controller takes one) through a
    Body schema: an unreadable one raises now; the validation errors are returned."""
    if form and is_form():
        return load_data(schema, form_values(), context)
    if getattr(schema, "any_content_type", False):
        return load_data(schema, any_json(required=required), context)
    raw = json_object(required=required)
    data, errors = load_data(schema, raw, context)
    reported = {e.subject for e in errors}
    errors += [ApiError(400, "ValidationError", NOT_VALID, reason="missing", subject=path,
                        subject_type="parameter")
               for path in null_strings(schema, raw) if path not in reported]
    return data, errors


def null_strings(schema: ma.Schema, raw: Any, path: str = "") -> list[str]:
    """The paths of the JSON ``null`` values a body gives its string properties. SAP's document
    types them as strings (no ``nullable``): each is a ``ValidationError`` (``reason``
    ``missing``, the rejected value being null; ``This field is not valid.``) unless a rule of
    the body already reported that property."""
    found: list[str] = []
    if not isinstance(raw, Mapping):
        return found
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in raw:
            continue
        value, where = raw[key], f"{path}.{key}" if path else key
        if isinstance(field, Text) and value is None:
            found.append(where)
        elif isinstance(field, Object) and isinstance(value, Mapping):
            found += null_strings(field.schema, value, where)
        elif isinstance(field, Objects) and isinstance(value, list):
            inner = field.inner.schema  # type: ignore[attr-defined]
            for index, item in enumerate(value):
                found += null_strings(inner, item, f"{where}[{index}]")
    return found


def any_json(*, required: bool = True) -> Any:
    """A JSON body whatever its content type (the control plane's): 400 ValidationError if
    missing or malformed."""
    if not request.get_data(cache=True):
        if not required:
            return {}
        raise ApiError(400, "ValidationError", "The request needs a JSON body", reason="missing",
                       subject="body", subject_type="parameter")
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ApiError(400, "ValidationError", "The request body is not valid JSON",
                       reason="invalid", subject="body", subject_type="parameter")
    return body


def load_data(schema: ma.Schema, raw: Any,
              context: dict[str, Any]) -> tuple[dict[str, Any], list[ApiError]]:
    """Data through a Body schema: (loaded values, validation errors); an unbindable value
    raises HttpMessageNotReadableError. ``context``: ``state`` (the database's) and ``now``."""
    with Context(context):
        try:
            return schema.load(raw), []
        except ma.ValidationError as exc:
            errors = _flatten(exc.messages, raw)
            return exc.valid_data if isinstance(exc.valid_data, dict) else {}, errors


def _child(raw: Any, key: str | int) -> Any:
    """The raw value at a key of the body (a dotted key walks nested objects)."""
    if isinstance(key, int):
        return raw[key] if isinstance(raw, list) and 0 <= key < len(raw) else None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if part.startswith("["):
            index = int(part[1:-1])
            raw = raw[index] if isinstance(raw, list) and index < len(raw) else None
        else:
            raw = raw.get(part) if isinstance(raw, Mapping) else None
    return raw


def _flatten(messages: Any, raw: Any, path: str = "") -> list[ApiError]:
    """marshmallow's nested messages as SAP's ValidationError entries; an unreadable value
    anywhere makes the whole body unreadable."""
    found: list[ApiError] = []
    if isinstance(messages, dict):
        for key, sub in messages.items():
            if key == "_schema":
                found += _flatten(sub, raw, path)
                continue
            child = _child(raw, key)
            name = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
            found += _flatten(sub, child, name)
        return found
    for message in messages if isinstance(messages, list) else [messages]:
        if isinstance(message, _Unreadable):
            raise unreadable_body()
        if isinstance(message, (dict, list)):
            found += _flatten(message, raw, path)
            continue
        if isinstance(message, ObjectError):
            found.append(ApiError(400, "ValidationError", str(message), reason="invalid",
                                  subject=message.object_name, subject_type="parameter"))
            continue
        found.append(ApiError(400, "ValidationError", str(message),
                              reason="missing" if raw is None else "invalid",
                              subject=path or None, subject_type="parameter"))
    return found


def uploaded_file(name: str, max_bytes: int) -> tuple[str, str, bytes]:
    """A ``MultipartFile`` request part: its file name, content type and bytes. A missing part
    is Spring's ``MissingServletRequestPartError``; a request that is not multipart, 415."""
    if not (request.mimetype or "").startswith("multipart/"):
        raise unsupported_media_type()
    upload = request.files.get(name)
    if upload is None:
        raise ApiError(400, "MissingServletRequestPartError",
                       f"Required request part '{name}' is not present")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ApiError(400, "MaxUploadSizeExceededError",
                       f"Maximum upload size of {max_bytes} bytes exceeded")
    return upload.filename or name, upload.mimetype or "application/octet-stream", data
