"""The later B2C cart operations (tags Carts, Cart Addresses, Cart Payments): the cart's guest
user (``guestuser``, ``setEmail``), one pickup store for every pickup entry (``consolidate``),
the requested retrieval date, the billing address, SAP's payment option and the cart's access
code. The domain is ``commerce.checkout_extras``."""
from __future__ import annotations

from ....commerce.checkout_extras import CheckoutExtras
from ....security import roles
from ... import inputs as i
from ...operations import operation
from ..base import bp, carts_service, empty, respond, site
from ..dtos.carts import modification_list_dto
from ..dtos.catalog import pos_dto
from ..dtos.checkout import (ACCESS_CODE, GUEST_USER, GuestEmailBody, GuestUserBody,
                             PaymentOptionBody)
from ..dtos.stores import POINT_OF_SERVICE_LIST
from ..dtos.users import AddressBody
from .base import CART, cart, cart_response


def extras() -> CheckoutExtras:
    return CheckoutExtras(carts_service())


@bp.post(CART + "/guestuser")
@operation("createCartGuestUser", secured=roles.GUEST_EMAIL, body=GuestUserBody)
def create_cart_guest_user(baseSiteId: str, userId: str, cartId: str, body: dict):
    guest = extras().create_guest(cart(), (body.get("email") or "").strip() or None)
    return respond(GUEST_USER(email=guest.originalUid), 201)


@bp.patch(CART + "/guestuser")
@operation("updateCurrentUserProfile", secured=roles.GUEST_EMAIL, body=GuestUserBody)
def update_current_user_profile(baseSiteId: str, userId: str, cartId: str, body: dict):
    guest = extras().update_guest(cart(), (body.get("email") or "").strip() or None)
    return respond(GUEST_USER(email=guest.originalUid))


@bp.put(CART + "/setEmail")
@operation("setGuestUserEmail", secured=roles.GUEST_EMAIL, body=GuestEmailBody)
def set_guest_user_email(baseSiteId: str, userId: str, cartId: str, body: dict):
    extras().set_email(cart(), body["email"].strip())
    return empty(204)


@bp.get(CART + "/consolidate")
@operation("getConsolidatedPickupLocations", secured=roles.CHECKOUT)
def get_consolidated_pickup_locations(baseSiteId: str, userId: str, cartId: str):
    service = extras()
    return respond(POINT_OF_SERVICE_LIST(pointOfServices=[
        pos_dto(service.carts.catalog, pos, site().lang)
        for pos in service.pickup_options(cart())]))


class ConsolidateParams(i.Params):
    storeName = i.TextParam(required=True)


@bp.post(CART + "/consolidate")
@operation("createConsolidatedPickupLocation", secured=roles.CHECKOUT, params=ConsolidateParams)
def create_consolidated_pickup_location(baseSiteId: str, userId: str, cartId: str,
                                        params: dict):
    service = extras()
    mods = service.consolidate(cart(), params["storeName"])
    return respond(modification_list_dto(service.carts, mods, site().lang))


class RetrievalDateParams(i.Params):
    requestedRetrievalAt = i.TextParam()


@bp.put(CART + "/requestedretrievaldate")
@operation("setCartRequestedRetrievalDate", secured=roles.CHECKOUT, params=RetrievalDateParams)
def set_cart_requested_retrieval_date(baseSiteId: str, userId: str, cartId: str,
                                      params: dict):
    extras().set_retrieval_date(cart(), params["requestedRetrievalAt"])
    return empty()


@bp.put(CART + "/addresses/billing")
@operation("updateBillingAddress", secured=roles.CHECKOUT, body=AddressBody)
def update_billing_address(baseSiteId: str, userId: str, cartId: str, body: dict):
    extras().set_billing_address(cart(), body)
    return empty()


@bp.put(CART + "/paymentOption")
@operation("updateSapPaymentOption", secured=roles.CHECKOUT, body=PaymentOptionBody)
def update_sap_payment_option(baseSiteId: str, userId: str, cartId: str, body: dict):
    extras().set_payment_option(cart(), body.get("sapPaymentOptionId"),
                                body.get("purchaseOrderNumber"))
    return cart_response()


@bp.post(CART + "/accessCode")
@operation("getCartIdAccessCode", secured=roles.OPEN)
def get_cart_id_access_code(baseSiteId: str, userId: str, cartId: str):
    return respond(ACCESS_CODE(accessCode=extras().access_code(cart())))
