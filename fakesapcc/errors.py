"""The failures of the domain, named as SAP names them. No Flask here: ``api.errors`` renders
them (and everything else that fails) in SAP's shape.

OCC and ASM errors use the webservicescommons envelope
``{"errors":[{"type","message","reason","subject","subjectType"}]}`` (null fields omitted); the
OAuth endpoints keep spring-security-oauth2's ``{"error","error_description"}``.
"""
from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An OCC/ASM error: ``type`` is SAP's exception name with ``Exception`` → ``Error``."""

    def __init__(self, status: int, type: str, message: str, *, reason: str | None = None,
                 subject: str | None = None, subject_type: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.type = type
        self.message = message
        self.reason = reason
        self.subject = subject
        self.subject_type = subject_type
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        body = {"message": self.message, "reason": self.reason, "subject": self.subject,
                "subjectType": self.subject_type, "type": self.type}
        return {k: v for k, v in body.items() if v is not None}


class ApiErrors(Exception):
    """Several errors in one envelope (bean validation reports one entry per field)."""

    def __init__(self, status: int, errors: list[ApiError]) -> None:
        super().__init__(errors[0].message if errors else "")
        self.status = status
        self.errors = errors


class OAuthError(Exception):
    """An RFC 6749 error: ``error``, and ``error_description`` and ``error_uri`` when given."""

    def __init__(self, status: int, error: str, description: str | None = None,
                 headers: dict[str, str] | None = None, *, uri: str | None = None) -> None:
        super().__init__(description or error)
        self.status = status
        self.error = error
        self.description = description
        self.uri = uri
        self.headers = headers or {}

    def to_dict(self) -> dict[str, str]:
        body = {"error": self.error}
        if self.description is not None:
            body["error_description"] = self.description
        if self.uri is not None:
            body["error_uri"] = self.uri
        return body


# -- common errors, named after SAP's ----------------------------------------------------------


def validation_error(subject: str, message: str, reason: str = "invalid") -> ApiError:
    return ApiError(400, "ValidationError", message, reason=reason, subject=subject,
                    subject_type="parameter")


def unknown_identifier(message: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError", message)


def unreadable_body() -> ApiError:
    """Spring's HttpMessageNotReadableException: a body Jackson cannot bind to the DTO."""
    return ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")


def not_found_path(path: str) -> ApiError:
    return ApiError(404, "UnknownResourceError", f"There is no resource for path {path}")


