"""Customers: registration (one way, whether a storefront registers, an agent registers a
customer in ASM, or a guest checks out), the profile, the password and the login."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from .. import models as m
from ..clock import Clock
from ..db import CUSTOMERS, Db
from ..errors import ApiError

CUSTOMER_GROUP = "customergroup"


def password_mismatch(user: m.User) -> ApiError:
    """SAP's PasswordMismatchException, which carries the user's uid as its message and, being
    no webservice exception, no reason or subject."""
    return ApiError(400, "PasswordMismatchError", user.uid)


def duplicate_uid(uid: str) -> ApiError:
    return ApiError(400, "DuplicateUidError", uid)


class Customers:
    def __init__(self, db: Db, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def new(self, uid: str, first_name: str, last_name: str, *, password: str | None = None,
            title: str | None = None, site: m.BaseSite | None = None, lang: str | None = None,
            curr: str | None = None) -> m.Customer:
        """A registered customer, not yet stored: the uid (an e-mail) lower-cased, a fresh
        customerId, in ``customergroup``; bound to the site if the site is isolated."""
        uid = uid.strip().lower()
        return m.Customer(
            uid=uid, originalUid=uid, name=f"{first_name.strip()} {last_name.strip()}",
            customerId=str(uuid.uuid4()), title=title or None, password=password,
            groups={CUSTOMER_GROUP}, sessionLanguage=lang, sessionCurrency=curr,
            creationtime=self.clock.now(), site=site.uid if site and site.isolated else None)

    def register(self, customer: m.Customer) -> bool:
        """Store a new customer; False (and nothing stored) if its uid is taken."""
        if self.db.principal(customer.uid) is not None:
            return False
        self.db.add_principal(customer)
        return True

    def guest(self, email: str, current: m.Principal | None) -> m.Customer:
        """The guest customer of a guest checkout: a new one (uid ``<uuid>|<e-mail>``, or
        ``<uuid>`` before it has an e-mail), or the cart's guest with its e-mail changed."""
        email = email.strip().lower()
        if isinstance(current, m.Customer) and current.guest:
            current.originalUid = email
            self.db.rename_principal(current, current.uid.split("|", 1)[0] + "|" + email)
            return current
        guest = m.Customer(uid=f"{uuid.uuid4()}|{email}" if email else str(uuid.uuid4()),
                           name="guest", customerId=str(uuid.uuid4()), type="GUEST",
                           originalUid=email or None,
                           groups={CUSTOMER_GROUP}, creationtime=self.clock.now())
        self.db.add_principal(guest)
        return guest

    # -- the profile -------------------------------------------------------------------------

    def update_profile(self, user: m.User, data: Mapping[str, Any], replace: bool) -> None:
        """Validated User data: names, title (PUT clears an absent one), session language and
        currency."""
        current_first, _, current_last = (user.name or "").partition(" ")
        first = data.get("firstName") or current_first
        last = data.get("lastName") or current_last
        user.name = f"{first.strip()} {last.strip()}".strip()
        title = data.get("titleCode")
        if isinstance(user, m.Customer) and (title or replace):
            user.title = title or None
        language = (data.get("language") or {}).get("isocode")
        currency = (data.get("currency") or {}).get("isocode")
        if language:
            user.sessionLanguage = language
        if currency:
            user.sessionCurrency = currency
        self.db.changed(CUSTOMERS, user)

    def close(self, user: m.User) -> None:
        """Close the account: the user is deactivated now (its tokens are the caller's to
        revoke)."""
        user.deactivationDate = self.clock.now()
        self.db.changed(CUSTOMERS, user)

    @staticmethod
    def change_password(user: m.User, old: str | None, new: str, *,
                        needs_old: bool = True) -> None:
        """A customer changes its own password with the old one; a trusted client or a
        customer manager sets it without (``needs_old=False``)."""
        if needs_old:
            if not old:
                raise ApiError(400, "ValidationError", "Request parameter 'old' is missing.",
                               reason="missing", subject="old", subject_type="parameter")
            if old != user.password:
                raise password_mismatch(user)
        user.password = new

    def change_login(self, user: m.User, new_login: str, password: str | None) -> None:
        """A new login (an e-mail): the password must match and the login be free; every
        reference to the user follows (``Db.rename_principal``)."""
        new_login = new_login.strip().lower()
        if password is None or password != user.password:
            raise password_mismatch(user)
        if self.db.principal(new_login) is not None:
            raise duplicate_uid(new_login)
        if isinstance(user, m.Customer):
            user.originalUid = new_login
        self.db.rename_principal(user, new_login)
