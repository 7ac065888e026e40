"""OCC cart entries (tag Cart Entries): list, add, read, update (PATCH), replace (PUT), remove.

An entry comes as SAP's OrderEntry JSON, or — SAP's form variant of the same operations, which
B2B clients use — as ``code``, ``qty`` (or ``quantity``) and ``pickupStore`` parameters. SAP
validates the two differently; both are here, by operation.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from ....commerce.carts import Carts
from ....errors import ApiError, validation_error
from ....security import roles
from ....security.access import B2C
from ... import inputs as i
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import ORDER_ENTRY_LIST, OrderEntryBody, entry_dto, modification_dto
from .base import CART, cart

ENTRIES = CART + "/entries"
ENTRY = ENTRIES + "/<entryNumber>"
STORE_UNKNOWN = "Store with given name doesn't exist"


def _pickup(data: dict) -> str | None:
    return (data.get("deliveryPointOfService") or {}).get("name")


def _store_errors(errors: dict, data: dict) -> None:
    """``pointOfServiceInOrderEntryValidator``: a pickup store must exist (an error on the
    entry as a whole)."""
    name = _pickup(data)
    if name and name not in i.state().points_of_service:
        errors.setdefault("_schema", []).append(i.ObjectError(STORE_UNKNOWN, "entry"))


class NewEntryBody(OrderEntryBody):
    """``orderEntryCreateValidator``: a product code, a quantity above zero, a known store."""

    @ma.validates_schema(skip_on_field_errors=False)
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list] = {}
        if not (data.get("product") or {}).get("code"):
            errors["product.code"] = [i.REQUIRED]
        quantity = data.get("quantity")
        if quantity is not None and quantity <= 0:
            errors["quantity"] = [i.GREATER_THAN_ZERO]
        _store_errors(errors, data)
        if errors:
            raise ma.ValidationError(errors)


class ReplaceEntryBody(OrderEntryBody):
    """``orderEntryReplaceValidator``: a quantity (0 or more), a known store."""

    @ma.validates_schema(skip_on_field_errors=False)
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list] = {}
        quantity = data.get("quantity")
        if quantity is None:
            errors["quantity"] = [i.REQUIRED]
        elif quantity < 0:
            errors["quantity"] = [i.GREATER_THAN_ZERO]
        _store_errors(errors, data)
        if errors:
            raise ma.ValidationError(errors)


class UpdateEntryBody(OrderEntryBody):
    """``orderEntryUpdateValidator``: a quantity of 0 or more, a known store."""

    @ma.validates_schema(skip_on_field_errors=False)
    def _sap_rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list] = {}
        quantity = data.get("quantity")
        if quantity is not None and quantity < 0:
            errors["quantity"] = [i.GREATER_THAN_ZERO]
        _store_errors(errors, data)
        if errors:
            raise ma.ValidationError(errors)


class QuantityParam(i.Param):
    """The form variant's quantity: a Java long, else ValidationError."""

    def convert(self, name: str, value: str) -> int:
        try:
            number = int(value)
            if not i.LONG_MIN <= number <= i.LONG_MAX:
                raise ValueError(value)
        except ValueError:
            raise validation_error("quantity", i.MUST_BE_NUMBER) from None
        return number


class EntryForm(i.Params):
    """The form variant: ``code``, ``qty`` (or ``quantity``, as B2B clients send it) and
    ``pickupStore``."""

    code = i.TextParam()
    qty = QuantityParam()
    quantity = QuantityParam()
    pickupStore = i.TextParam()


def form_entry(form: dict) -> tuple[str | None, int | None, str | None]:
    quantity = form["qty"] if form["qty"] is not None else form["quantity"]
    return form["code"], quantity, form["pickupStore"]


def json_entry(body: dict) -> tuple[str | None, int | None, str | None]:
    return (body.get("product") or {}).get("code"), body.get("quantity"), _pickup(body)


@bp.get(ENTRIES)
@operation("getCartEntries", secured=roles.OPEN, writes=True)
def get_cart_entries(baseSiteId: str, userId: str, cartId: str):
    carts = carts_service()
    the_cart = cart()
    carts.reprice(the_cart)
    return respond(ORDER_ENTRY_LIST(orderEntries=[entry_dto(carts, e, site().lang)
                                                  for e in the_cart.entries]))


def check_form_entry(carts: Carts, code: str | None, quantity: int | None,
                     store: str | None) -> None:
    """What SAP checks of the form variant before it adds: the required ``code``, the store,
    a quantity of at least one."""
    if not code:
        raise ApiError(400, "MissingServletRequestParameterError",
                       "Required String parameter 'code' is not present")
    carts.point_of_service(store, "pickupStore")
    if quantity is not None and quantity < 1:
        raise ApiError(400, "CommerceCartModificationError", "Quantity must not be less than one")


@bp.post(ENTRIES)
@operation("createCartEntry", secured=roles.OPEN, channel=B2C, body=NewEntryBody,
           form=EntryForm)
def create_cart_entry(baseSiteId: str, userId: str, cartId: str, body: dict | None,
                      form: dict | None):
    carts = carts_service()
    if form is not None:
        code, quantity, store = form_entry(form)
        check_form_entry(carts, code, quantity, store)
    else:
        code, quantity, store = json_entry(body or {})
    the_cart = cart()
    mod = carts.add_entry(the_cart, code, quantity, store)
    carts.reprice(the_cart)
    return respond(modification_dto(carts, mod, site().lang))


@bp.get(ENTRY)
@operation("getCartEntry", secured=roles.OPEN, writes=True)
def get_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str):
    carts = carts_service()
    the_cart = cart()
    carts.reprice(the_cart)
    return respond(entry_dto(carts, carts.entry(the_cart, entryNumber), site().lang))


def _check_form_update(carts: Carts, quantity: int | None, store: str | None,
                       replace: bool) -> None:
    if replace and quantity is None:
        raise ApiError(400, "MissingServletRequestParameterError",
                       "Required Long parameter 'qty' is not present")
    if not replace and quantity is None and not store:
        raise ApiError(400, "ValidationError",
                       "At least one parameter (qty,pickupStore) should be set!",
                       reason="missing", subject_type="parameter")
    if quantity is not None and quantity < 0:
        if replace:
            raise ApiError(400, "CommerceCartModificationError",
                           "New quantity must not be less than zero")
        raise validation_error("quantity", i.GREATER_THAN_ZERO)
    carts.point_of_service(store, "pickupStore")


def _update(entry_number: str, body: dict | None, form: dict | None, replace: bool):
    carts = carts_service()
    the_cart = cart()
    current = carts.entry(the_cart, entry_number)
    if form is not None:
        _, quantity, store = form_entry(form)
        _check_form_update(carts, quantity, store, replace)
    else:
        code, quantity, store = json_entry(body or {})
        if code and code != current.product:
            raise ApiError(400, "ValidationError",
                           "Product code from request body object doesn't match to product "
                           "code from updated entry (product code cannot be changed)",
                           reason="invalid", subject="entry", subject_type="parameter")
    mod = carts.update_entry(the_cart, entry_number, quantity, store, replace=replace,
                             pos_subject="pickupStore" if form is not None else "entry")
    carts.reprice(the_cart)
    return respond(modification_dto(carts, mod, site().lang))


@bp.put(ENTRY)
@operation("replaceCartEntry", secured=roles.OPEN, channel=B2C, body=ReplaceEntryBody,
           form=EntryForm)
def replace_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str,
                       body: dict | None, form: dict | None):
    return _update(entryNumber, body, form, replace=True)


@bp.patch(ENTRY)
@operation("updateCartEntry", secured=roles.OPEN, body=UpdateEntryBody, form=EntryForm)
def update_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str,
                      body: dict | None, form: dict | None):
    return _update(entryNumber, body, form, replace=False)


@bp.delete(ENTRY)
@operation("removeCartEntry", secured=roles.OPEN)
def remove_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str):
    carts_service().remove_entry(cart(), entryNumber)
    return empty()
