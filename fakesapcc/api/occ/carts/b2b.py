"""OCC B2B carts (tag B2B Carts): entries added or replaced as a list, and the delivery address.
B2B sites only (``@SiteChannelRestriction``)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from ....commerce.b2b_checkout import B2BCheckout
from ....errors import ApiErrors
from ....security import roles
from ....security.access import B2B
from ... import inputs as i
from ... import runtime
from ...context import ctx
from ...operations import operation
from ..base import bp, carts_service, respond, site
from ..dtos.carts import OrderEntryListBody, modification_dto, modification_list_dto
from .addresses import AddressIdParams
from .base import ORG_CART, cart, cart_response
from .entries import EntryForm, NewEntryBody, check_form_entry, form_entry, json_entry

# Spring matches ``…/entries`` (Spartacus' B2B recipe) to the spec's ``…/entries/`` as well
ENTRIES = ORG_CART + "/entries/"


class OrgEntriesBody(OrderEntryListBody):
    """``{"orderEntries": [...]}``: at least one entry (each is validated as a new cart entry,
    on its own: ``entries``)."""

    @ma.validates("orderEntries")
    def _not_empty(self, value: list, **kwargs: Any) -> None:
        if not value:
            raise ma.ValidationError(i.REQUIRED)


def entries(body: dict) -> list[tuple[str | None, int | None, str | None]]:
    """Each entry validated as SAP's B2B controller validates it: one at a time, as an entry
    (its errors name ``product.code``, not a list index)."""
    rt = runtime()
    result = []
    for entry in body["orderEntries"]:
        data, invalid = i.load_data(NewEntryBody(), entry,
                                    {"state": rt.db.state, "now": rt.clock.now()})
        if invalid:
            raise ApiErrors(400, invalid)
        result.append(json_entry(data))
    return result


def _add(entries: list[tuple[str | None, int | None, str | None]], replace: bool = False):
    """Each entry added as SAP's B2B cart facade does: what is out of stock is reported as a
    ``noStock`` modification, not refused. Every product is checked before the cart changes
    (``replace`` empties it first), so that a refused list leaves the cart as it was."""
    carts = carts_service()
    the_cart = cart()
    for code, _, _ in entries:
        carts.product(code)
    if replace:
        the_cart.entries.clear()
    mods = [carts.add_entry(the_cart, code, quantity, cap_silently=True)
            for code, quantity, _ in entries]
    carts.reprice(the_cart)
    return carts, mods


@bp.post(ENTRIES, strict_slashes=False)
@operation("doAddOrgCartEntries", secured=roles.OPEN, channel=B2B, body=OrgEntriesBody,
           form=EntryForm)
def add_org_cart_entries(baseSiteId: str, userId: str, cartId: str, body: dict | None,
                         form: dict | None):
    if form is not None:  # SAP's hidden form variant (addOrgCartEntry): one CartModification
        entry = form_entry(form)
        check_form_entry(carts_service(), *entry)
        carts, mods = _add([entry])
        return respond(modification_dto(carts, mods[0], site().lang))
    carts, mods = _add(entries(body or {}))
    return respond(modification_list_dto(carts, mods, site().lang))


@bp.put(ENTRIES, strict_slashes=False)
@operation("replaceOrgCartEntries", secured=roles.OPEN, channel=B2B, body=OrgEntriesBody)
def replace_org_cart_entries(baseSiteId: str, userId: str, cartId: str, body: dict):
    carts, mods = _add(entries(body), replace=True)
    return respond(modification_list_dto(carts, mods, site().lang))


@bp.put(ORG_CART + "/addresses/delivery")
@operation("replaceOrgCartDeliveryAddress", secured=roles.CHECKOUT, channel=B2B,
           params=AddressIdParams)
def replace_org_cart_delivery_address(baseSiteId: str, userId: str, cartId: str, params: dict):
    """On account, an address of the cost center's unit (``commerce.b2b_checkout``); else one
    of the user's own."""
    carts = carts_service()
    the_cart = cart()
    address = B2BCheckout(carts.db, ctx().acting.user).account_address(the_cart,
                                                                      params["addressId"])
    carts.set_delivery_address(the_cart, address or carts.owned_address(the_cart,
                                                                        params["addressId"]))
    return cart_response()
