"""The VerificationToken WsDTO and its request body (CreateVerificationTokenInput)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from ....security.verification import PURPOSES

VERIFICATION_TOKEN = d.DtoType("VerificationToken", "tokenId expiresIn")


def _purpose(value: Any) -> None:
    if value is not None and value not in PURPOSES:
        raise ma.ValidationError(i.NOT_VALID)


class CreateVerificationTokenBody(i.Body):
    """A purpose (LOGIN or REGISTRATION) and a login, an e-mail address; LOGIN needs the
    password too."""

    purpose = i.Text(required=True, validate=_purpose)
    loginId = i.Text(required=True, validate=i.email())
    password = i.Text()

    @ma.validates_schema
    def _password_for_login(self, data: dict, **kwargs: Any) -> None:
        if data.get("purpose") == "LOGIN" and not (data.get("password") or "").strip():
            raise ma.ValidationError({"password": [i.REQUIRED]})
