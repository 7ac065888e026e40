"""Payment details: the checks of a card (SAP's paymentDetailsDTOValidator), a user's wallet of
saved cards with its default, and the card a cart pays with."""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from .. import models as m
from ..db import Db, State, uid_key
from ..errors import ApiError
from .addressbook import address_from

REQUIRED = "This field is required."
NOT_VALID = "This field is not valid."


def is_number(text: str) -> bool:
    """A small number in digits 0-9 (``str.isdigit`` also takes ``²``, which ``int`` refuses,
    and ``int`` refuses more than 4300 digits)."""
    return bool(re.fullmatch(r"[0-9]{1,9}", text))


def mask(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def luhn_ok(number: str) -> bool:
    digits = [int(x) for x in re.sub(r"\D", "", number)]
    if not 12 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_errors(state: State, data: Mapping[str, Any], today: date) -> dict[str, list[str]]:
    """What is wrong with a card's details, by field: its type (known), number (a valid card
    number, or a masked one kept from before), expiry (a month, a four-digit year, not in the
    past)."""
    errors: dict[str, list[str]] = {}
    card_type = (data.get("cardType") or {}).get("code")
    if not card_type:
        errors["cardType.code"] = [REQUIRED]
    elif card_type not in state.card_types:
        errors["cardType.code"] = [NOT_VALID]
    number = data.get("cardNumber") or ""
    if number and not number.startswith("*") and not luhn_ok(number):
        errors["cardNumber"] = ["This field is not a valid card number."]
    month, year = data.get("expiryMonth") or "", data.get("expiryYear") or ""
    month_ok = is_number(month) and 1 <= int(month) <= 12
    if not month_ok:
        errors["expiryMonth"] = [NOT_VALID]
    if not is_number(year) or len(year) != 4:
        errors["expiryYear"] = [NOT_VALID]
    elif month_ok and (int(year), int(month)) < (today.year, today.month):
        errors["expiryYear"] = ["The card has expired."]
    return errors


def payment_from(db: Db, data: Mapping[str, Any], owner: str) -> m.PaymentInfo:
    """A PaymentInfo (and its billing address, stored) from validated PaymentDetails data."""
    billing = data.get("billingAddress")
    address = None
    if isinstance(billing, Mapping):
        address = address_from(billing, owner, db.new_pk)
        address.billingAddress, address.shippingAddress = True, False
        address.visibleInAddressBook = False
        db.state.addresses[address.pk] = address
    number = data["cardNumber"]
    return m.PaymentInfo(
        id=str(db.new_pk()), user=owner, accountHolderName=data["accountHolderName"].strip(),
        cardNumber=number if number.startswith("*") else mask(number),
        cardType=data["cardType"]["code"], expiryMonth=data["expiryMonth"].zfill(2),
        expiryYear=data["expiryYear"], startMonth=data.get("startMonth") or None,
        startYear=data.get("startYear") or None, issueNumber=data.get("issueNumber") or None,
        billingAddress=address.pk if address else None,
        saved=data.get("saved") is not False, defaultPayment=bool(data.get("defaultPayment")),
        subscriptionId=str(uuid.uuid4()))


class Wallet:
    """A user's payment details (removed ones stay for the orders that used them)."""

    def __init__(self, db: Db, user_uid: str) -> None:
        self.db = db
        self.state = db.state
        self.user_uid = user_uid

    def cards(self, saved_only: bool = False) -> list[m.PaymentInfo]:
        key = uid_key(self.user_uid)
        return sorted((p for p in self.state.payment_infos.values()
                       if uid_key(p.user) == key and not p.deleted
                       and (p.saved or not saved_only)), key=lambda p: int(p.id))

    def get(self, payment_id: str) -> m.PaymentInfo:
        info = self.state.payment_infos.get(payment_id)
        if info is None or info.deleted or uid_key(info.user) != uid_key(self.user_uid):
            raise ApiError(400, "UnknownIdentifierError",
                           f"Payment details [{payment_id}] not found.")
        return info

    def add(self, data: Mapping[str, Any], keep: bool = True) -> m.PaymentInfo:
        """A new card; ``keep=False`` (the anonymous user, a guest) never saves it. A
        customer's first saved card becomes the default."""
        info = payment_from(self.db, data, self.user_uid)
        if not keep:
            info.saved = info.defaultPayment = False
        if info.saved and not any(p.defaultPayment for p in self.cards()):
            info.defaultPayment = True
        self._store(info)
        return info

    def replace(self, info: m.PaymentInfo, data: Mapping[str, Any]) -> m.PaymentInfo:
        """The card with new details; a replaced billing address goes (orders keep theirs)."""
        updated = payment_from(self.db, data, self.user_uid)
        updated.id = info.id
        old = info.billingAddress
        if updated.billingAddress is not None and old is not None and not any(
                p.billingAddress == old for p in self.state.payment_infos.values() if p is not info):
            self.state.addresses.pop(old, None)
        self._store(updated)
        return updated

    def remove(self, info: m.PaymentInfo) -> None:
        info.deleted = True
        if info.defaultPayment:
            info.defaultPayment = False
            rest = self.cards(saved_only=True)
            if rest:
                rest[0].defaultPayment = True

    def _store(self, info: m.PaymentInfo) -> None:
        if info.defaultPayment:
            for other in self.cards():
                if other.id != info.id:
                    other.defaultPayment = False
        self.state.payment_infos[info.id] = info
