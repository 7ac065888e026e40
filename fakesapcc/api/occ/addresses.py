"""OCC address book (tag Address)."""
from __future__ import annotations

from ...commerce.addressbook import AddressBook
from ...errors import ApiErrors
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, empty, respond, site
from .dtos.users import (ADDRESS_LIST, ADDRESS_VALIDATION, ERROR, ERROR_LIST, AddressBody,
                         AddressPatchBody, address_dto)

ADDRESSES = "/<baseSiteId>/users/<userId>/addresses"
ADDRESS = ADDRESSES + "/<addressId>"


def book() -> AddressBook:
    return AddressBook(runtime().db, ctx().user)


def merge_patch(current: dict, body: dict) -> dict:
    """A PATCH body over the resource as it is (its DTO as data, nulls left out)."""
    return {**{k: v for k, v in current.items() if v is not None}, **body}


@bp.get(ADDRESSES)
@operation("getAddresses", secured=roles.USER, anonymous=False)
def get_addresses(baseSiteId: str, userId: str):
    user = ctx().user
    state = runtime().db.state
    return respond(ADDRESS_LIST(addresses=[
        address_dto(state, a, site().lang, user.defaultShipmentAddress)
        for a in book().addresses()]))


@bp.post(ADDRESSES)
@operation("createAddress", secured=roles.USER, anonymous=False, body=AddressBody)
def create_address(baseSiteId: str, userId: str, body: dict):
    address = book().create(body)
    return respond(address_dto(runtime().db.state, address, site().lang,
                               ctx().user.defaultShipmentAddress), 201)


@bp.get(ADDRESS)
@operation("getAddress", secured=roles.USER, anonymous=False)
def get_address(baseSiteId: str, userId: str, addressId: str):
    return respond(address_dto(runtime().db.state, book().get(addressId), site().lang,
                               ctx().user.defaultShipmentAddress))


@bp.put(ADDRESS)
@operation("replaceAddress", secured=roles.USER, anonymous=False, body=AddressBody)
def replace_address(baseSiteId: str, userId: str, addressId: str, body: dict):
    addresses = book()
    addresses.replace(addresses.get(addressId), body)
    return empty()


@bp.patch(ADDRESS)
@operation("updateAddress", secured=roles.USER, anonymous=False, body=AddressPatchBody)
def update_address(baseSiteId: str, userId: str, addressId: str, body: dict):
    """The sent properties over the address as it is, validated whole."""
    addresses = book()
    address = addresses.get(addressId)
    rt = runtime()
    current = address_dto(rt.db.state, address, site().lang)
    merged, invalid = i.load_data(AddressBody(), merge_patch(current, body),
                                  {"state": rt.db.state, "now": rt.clock.now()})
    if invalid:
        raise ApiErrors(400, invalid)
    addresses.replace(address, merged)
    return empty()


@bp.delete(ADDRESS)
@operation("removeAddress", secured=roles.USER, anonymous=False)
def remove_address(baseSiteId: str, userId: str, addressId: str):
    """Out of the address book; carts and orders that use it keep their copy of it."""
    addresses = book()
    addresses.remove(addresses.get(addressId))
    return empty()


@bp.post(ADDRESSES + "/verification")
@operation("validateAddress", secured=roles.USER, anonymous=False, body=AddressPatchBody)
def validate_address(baseSiteId: str, userId: str, body: dict):
    """SAP's address validator on the address: ACCEPT, or REJECT with its errors (in the
    answer, not as a 400). SAP's verification facade may suggest corrected addresses; with no
    external verification service, as here, it suggests none."""
    rt = runtime()
    _, invalid = i.load_data(AddressBody(), body, {"state": rt.db.state, "now": rt.clock.now()})
    if invalid:
        return respond(ADDRESS_VALIDATION(decision="REJECT", errors=ERROR_LIST(
            errors=[ERROR(**e.to_dict()) for e in invalid])))
    return respond(ADDRESS_VALIDATION(decision="ACCEPT"))
