"""One-time verification tokens (SAP's one-time password: ``POST …/verificationToken``): the
answer carries the token's id, the mail its code — here into the outbox the control plane
reads. Purpose ``LOGIN``: the customer's credentials are checked first, and the token endpoint
then takes the id as ``username`` and the code as ``password`` (the password grant), once.
Purpose ``REGISTRATION``: the code proves the address before a registration.

A login or an address that cannot get a token (unknown, wrong password, already registered)
is answered as a good one and mailed nothing, so that the answer tells nobody who has an
account (docs/fidelity.md, "Verification token"). Tokens expire after
``fakesapcc.verificationtoken.validity.seconds`` (300) on the server clock, and a token is
spent after ``fakesapcc.verificationtoken.attempts`` (3) wrong codes."""
from __future__ import annotations

import secrets
import string
from datetime import timedelta

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import Db
from ..models import promotions as mp

VALIDITY_PROPERTY = "fakesapcc.verificationtoken.validity.seconds"
DEFAULT_VALIDITY = 300
ATTEMPTS_PROPERTY = "fakesapcc.verificationtoken.attempts"
DEFAULT_ATTEMPTS = 3
KIND = "VerificationToken"
PURPOSES = ("LOGIN", "REGISTRATION")
_PREFIX = {"LOGIN": "LGN", "REGISTRATION": "REG"}
_CODE = string.ascii_uppercase + string.digits


class VerificationTokens:
    def __init__(self, db: Db, clock: Clock, config: Config) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.config = config

    def validity(self) -> int:
        return self.config.prop_int(VALIDITY_PROPERTY, DEFAULT_VALIDITY)

    def create(self, purpose: str, login: str, password: str | None,
               site: str | None) -> mp.VerificationToken:
        """A new token; mailed only when the login may use it (see the module)."""
        now = self.clock.now()
        token = mp.VerificationToken(
            id=f"<{_PREFIX[purpose]}[{secrets.token_urlsafe(32)}]>",
            code="".join(secrets.choice(_CODE) for _ in range(8)), purpose=purpose,
            login=login.strip().lower(), site=site, created=now,
            expires=now + timedelta(seconds=self.validity()))
        customer = self._customer(token.login)
        if purpose == "LOGIN":
            deliver = customer is not None and customer.password is not None \
                and secrets.compare_digest(customer.password.encode(), (password or "").encode())
        else:
            deliver = self.db.principal(token.login) is None
        if deliver:
            self.state.verification_tokens[token.id] = token
            self.state.outbox.append(m.OutboxMail(
                id=self.db.new_pk(), to=token.login, kind=KIND, site=site,
                subject="Your verification code", sent=now,
                body=f"Your verification code is {token.code}. It is valid for "
                     f"{max(1, self.validity() // 60)} minutes.\n",
                data={"tokenId": token.id, "code": token.code, "purpose": purpose}))
        return token

    def _customer(self, login: str) -> m.Customer | None:
        user = self.db.principal(login) if login else None
        if isinstance(user, m.Customer) and not user.guest:
            return user
        return None

    def redeem(self, token_id: str, code: str, purpose: str) -> str | None:
        """The login a valid token and code stand for (the token is spent), or None: an
        unknown, expired or other-purpose token, or a wrong code (counted)."""
        token = self.state.verification_tokens.get(token_id)
        if token is None or token.purpose != purpose:
            return None
        if self.clock.now() >= token.expires:
            del self.state.verification_tokens[token_id]
            return None
        if not secrets.compare_digest(token.code.encode(), (code or "").strip().upper().encode()):
            token.attempts += 1
            if token.attempts >= self.config.prop_int(ATTEMPTS_PROPERTY, DEFAULT_ATTEMPTS):
                del self.state.verification_tokens[token_id]
            return None
        del self.state.verification_tokens[token_id]
        return token.login

    def redeem_for(self, token_id: str, code: str, purpose: str, login: str) -> bool:
        """``redeem`` for a token issued to ``login`` only (a registration's own address)."""
        token = self.state.verification_tokens.get(token_id)
        if token is None or token.login != login.strip().lower():
            return False
        return self.redeem(token_id, code, purpose) is not None

    def is_token_id(self, value: str) -> bool:
        return value.startswith("<") and value in self.state.verification_tokens
