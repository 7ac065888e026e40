"""A user's address book: addresses from validated Address data (``api.occ.dtos.users``), the
default shipment address, and SAP's rule that a removed address leaves the carts and orders
that use it their own copy."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .. import models as m
from ..db import Db, uid_key
from ..errors import ApiError


def _text(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _code(data: Mapping[str, Any], name: str) -> str | None:
    nested = data.get(name)
    return _text(nested, "isocode") if isinstance(nested, Mapping) else None


def address_from(data: Mapping[str, Any], owner: str, pk: int | Callable[[], int],
                 owner_type: str = "User") -> m.Address:
    """An Address model from validated Address data (SAP's WsDTO names)."""
    return m.Address(
        pk=pk() if callable(pk) else pk, owner=owner, ownerType=owner_type,
        title=_text(data, "titleCode"), firstname=_text(data, "firstName"),
        lastname=_text(data, "lastName"), company=_text(data, "companyName"),
        streetname=_text(data, "line1"), streetnumber=_text(data, "line2"),
        postalcode=_text(data, "postalCode"), town=_text(data, "town"),
        district=_text(data, "district"), country=_code(data, "country"),
        region=_code(data, "region"), phone1=_text(data, "phone"),
        cellphone=_text(data, "cellphone"), email=_text(data, "email"),
        shippingAddress=data.get("shippingAddress") is not False,
        visibleInAddressBook=data.get("visibleInAddressBook") is not False)


class AddressBook:
    """The addresses a user keeps (``visibleInAddressBook``)."""

    def __init__(self, db: Db, user: m.User) -> None:
        self.db = db
        self.state = db.state
        self.user = user

    def addresses(self) -> list[m.Address]:
        key = uid_key(self.user.uid)
        return sorted((a for a in self.state.addresses.values()
                       if a.owner and a.ownerType == "User" and uid_key(a.owner) == key
                       and a.visibleInAddressBook), key=lambda a: a.pk)

    def get(self, address_id: str) -> m.Address:
        try:
            address = self.state.addresses.get(int(address_id))
        except ValueError:
            address = None
        if address is None or not address.owner or address.ownerType != "User" \
                or uid_key(address.owner) != uid_key(self.user.uid):
            raise ApiError(400, "UnknownIdentifierError",
                           f"Address with given id: '{address_id}' doesn't exist or belong to "
                           "another user")
        return address

    def create(self, data: Mapping[str, Any]) -> m.Address:
        """A new address; the first one (or one flagged ``defaultAddress``) becomes the
        default shipment address."""
        address = address_from(data, self.user.uid, self.db.new_pk)
        self.state.addresses[address.pk] = address
        if data.get("defaultAddress") or self.user.defaultShipmentAddress is None:
            self.user.defaultShipmentAddress = address.pk
        return address

    def replace(self, address: m.Address, data: Mapping[str, Any]) -> m.Address:
        """The address with new values (PUT: the whole address; PATCH: the merged one)."""
        updated = address_from(data, self.user.uid, address.pk, address.ownerType)
        self.state.addresses[address.pk] = updated
        if data.get("defaultAddress"):
            self.user.defaultShipmentAddress = address.pk
        return updated

    def remove(self, address: m.Address) -> None:
        """Out of the address book; carts and orders that use it keep their copy of it."""
        address.visibleInAddressBook = False
        if self.user.defaultShipmentAddress == address.pk:
            book = self.addresses()
            self.user.defaultShipmentAddress = book[0].pk if book else None
