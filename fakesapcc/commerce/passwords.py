"""Forgotten passwords (SAP's CustomerFacade.forgottenPassword / updatePassword): a token kept
on the customer and sent by mail — here into the outbox the control plane reads —, valid for
``fakesapcc.passwordreset.token.validity.seconds`` (SAP's ``tokenValiditySeconds``, 1800) on
the server clock, spent by the reset."""
from __future__ import annotations

import secrets
from urllib.parse import quote

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import Db
from ..errors import ApiError

VALIDITY_PROPERTY = "fakesapcc.passwordreset.token.validity.seconds"
DEFAULT_VALIDITY = 1800
LINK_PROPERTY = "fakesapcc.passwordreset.link"  # the storefront page the mail links to
DEFAULT_LINK = "http://localhost:4200/login/pw/change?token={token}"
KIND = "ForgottenPassword"


def illegal_argument(message: str) -> ApiError:
    return ApiError(400, "IllegalArgumentError", message)


class Passwords:
    def __init__(self, db: Db, clock: Clock, config: Config) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.config = config

    def _customer(self, login: str) -> m.Customer | None:
        user = self.db.principal(login.strip()) if login and login.strip() else None
        if isinstance(user, m.Customer) and not user.guest:
            return user
        return None

    def forgotten(self, login: str, site: str | None) -> m.OutboxMail | None:
        """A new token for the customer (the last one only is valid) and the mail with it;
        an unknown login sends nothing and says nothing, as SAP logs and answers the same."""
        customer = self._customer(login)
        if customer is None:
            return None
        now = self.clock.now()
        token = secrets.token_urlsafe(24)
        customer.token = token
        customer.tokenIssued = now
        link = (self.config.prop(LINK_PROPERTY) or DEFAULT_LINK).replace("{token}", quote(token))
        mail = m.OutboxMail(
            id=self.db.new_pk(), to=customer.originalUid or customer.uid, kind=KIND, site=site,
            subject="Password reset request", sent=now,
            body=f"Dear {customer.name or customer.uid},\n\nto set a new password, follow this "
                 f"link:\n{link}\n\nThe link is valid for "
                 f"{self.validity() // 60} minutes.\n",
            data={"token": token, "link": link, "uid": customer.uid})
        self.state.outbox.append(mail)
        return mail

    def validity(self) -> int:
        return self.config.prop_int(VALIDITY_PROPERTY, DEFAULT_VALIDITY)

    def reset(self, token: str | None, new_password: str | None) -> m.Customer:
        """SAP's DefaultCustomerAccountService.updatePassword, check by check."""
        if not token or not token.strip():
            raise illegal_argument("The field [token] cannot be empty")
        if not new_password or not new_password.strip():
            raise illegal_argument("The field [newPassword] cannot be empty")
        customer = next((c for c in self.state.principals.values()
                         if isinstance(c, m.Customer) and c.token == token), None)
        if customer is None or customer.tokenIssued is None:
            raise ApiError(400, "TokenInvalidatedError", "Token invalidated")
        validity = self.validity()
        if validity > 0 and (self.clock.now() - customer.tokenIssued).total_seconds() > validity:
            raise illegal_argument("token expired")
        customer.token = None
        customer.tokenIssued = None
        customer.password = new_password
        return customer
