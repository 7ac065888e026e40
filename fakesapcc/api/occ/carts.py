"""OCC carts and checkout: carts, entries, delivery address and mode, payment details (plain and
silent order post), vouchers, guest e-mail, validation. Carts answer ``Cache-Control: no-cache``."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from flask import request

from ... import models as m
from .. import runtime
from ...commerce.carts import ANONYMOUS, Carts
from ...errors import ApiError, ApiErrors, validation_error
from ...security.policy import (ROLE_CLIENT, ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP,
                                ROLE_GUEST, ROLE_TRUSTED_CLIENT, access_denied, forbidden,
                                require_roles, unauthorized, with_guest_role)
from ..context import ctx
from ..fields import Dto
from ..operations import operation
from .base import (bp, empty, int_param, is_json_request, json_body, require_b2b, require_b2c,
                   required_param, respond, site)
from .cart_dto import (cart_dto, delivery_mode_dto, entry_dto, modification_dto, payment_dto,
                       voucher_dto)
from .catalog_dto import pagination_dto
from .dto import address_dto
from ...commerce.payments import (SOP_LABELS, address_from_body, payment_from_fields,
                                 sop_fields_to_payment, string_prop)

CHECKOUT_ROLES = (ROLE_CUSTOMERGROUP, ROLE_GUEST, ROLE_CUSTOMERMANAGERGROUP, ROLE_TRUSTED_CLIENT)
VOUCHER_ROLES = (ROLE_CLIENT, ROLE_CUSTOMERGROUP, ROLE_CUSTOMERMANAGERGROUP, ROLE_TRUSTED_CLIENT,
                 ROLE_GUEST)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
CARTS = "/<baseSiteId>/users/<userId>/carts"
CART = CARTS + "/<cartId>"


def carts_service() -> Carts:
    sc = site()
    rt = runtime()
    return Carts(rt.db, rt.clock, rt.config, sc.site, sc.store, sc.curr)


def agent_uid() -> str | None:
    """The agent behind an emulated request, recorded on what it creates."""
    c = ctx()
    return c.caller.user.uid if c.acting.emulated and c.caller.user else None


def load_cart(carts: Carts, cart_id: str) -> m.Cart:
    """SAP's CartMatchingFilter: only customers own carts, and ``current`` needs a logged-in
    one; both are security denials (no token → 401 UnauthorizedError, else 403
    ForbiddenError). Then the cart loader's rules (``Carts.find``)."""
    c = ctx()
    user = c.acting.user
    if (user is None and cart_id == "current") or (user is not None
                                                   and not isinstance(user, m.Customer)):
        raise unauthorized() if not c.caller.authenticated else forbidden()
    return carts.find(user, cart_id)


def is_guest_cart(cart: m.Cart) -> bool:
    user = runtime().db.principal(cart.user)
    return isinstance(user, m.Customer) and user.guest


def require_cart_roles(cart: m.Cart, *roles: str) -> None:
    """A cart endpoint's @Secured roles, with the guest role SAP grants on a guest's cart."""
    require_roles(with_guest_role(ctx().caller, runtime().db.principal(cart.user)), *roles)


def require_checkout_role(cart: m.Cart) -> None:
    """@Secured(CUSTOMERGROUP, GUEST, CUSTOMERMANAGERGROUP, TRUSTED_CLIENT)."""
    require_cart_roles(cart, *CHECKOUT_ROLES)


def checkout_cart(cart_id: str) -> tuple[Carts, m.Cart]:
    """The cart service and the acting user's cart, for a checkout endpoint's @Secured roles."""
    carts = carts_service()
    cart = load_cart(carts, cart_id)
    require_checkout_role(cart)
    return carts, cart


def voucher_cart(cart_id: str) -> tuple[Carts, m.Cart]:
    """The cart service and the acting user's cart, for a voucher endpoint's @Secured roles."""
    carts = carts_service()
    cart = load_cart(carts, cart_id)
    require_cart_roles(cart, *VOUCHER_ROLES)
    return carts, cart


def cart_response(carts: Carts, cart: m.Cart, status: int = 200):
    return respond(cart_dto(carts, cart, site().lang), status)


# -- carts --------------------------------------------------------------------------------------


@bp.get(CARTS)
@operation("getCarts")
def get_carts(baseSiteId: str, userId: str):
    acting = ctx().acting
    if acting.user is None:
        raise access_denied(401)
    saved_only = (request.args.get("savedCartsOnly") or "false").lower() == "true"
    page, size = int_param("currentPage", 0), int_param("pageSize", 20, minimum=1)
    with runtime().db.atomic():
        carts = carts_service()
        found = carts.carts_of(acting.user.uid, saved=True if saved_only else None)
        chunk = found[page * size:(page + 1) * size] if "pageSize" in request.args or saved_only else found
        body = Dto("CartList", {"carts": [cart_dto(carts, c, site().lang) for c in chunk]})
        if saved_only:
            body["pagination"] = pagination_dto(page, size, len(found), None)
            body.dto = "SavedCartList"
        return respond(body)


@bp.post(CARTS)
@operation("createCart")
def create_cart(baseSiteId: str, userId: str):
    acting = ctx().acting
    with runtime().db.atomic():
        carts = carts_service()
        cart = carts.create(acting.user, request.args.get("oldCartId") or None,
                            request.args.get("toMergeCartGuid") or None, agent_uid())
        return cart_response(carts, cart, 201)


@bp.get(CART)
@operation("getCart")
def get_cart(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic():
        carts = carts_service()
        return cart_response(carts, load_cart(carts, cartId))


@bp.delete(CART)
@operation("removeCart")
def remove_cart(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic() as state:
        carts = carts_service()
        cart = load_cart(carts, cartId)
        carts.db.remove_cart(cart.code)
        if cart.paymentInfo and cart.paymentInfo in state.payment_infos \
                and not state.payment_infos[cart.paymentInfo].saved:
            del state.payment_infos[cart.paymentInfo]
    return empty()


# -- entries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRequest:
    """A cart entry as a request gives it: from a JSON ``OrderEntry`` body, or from form or
    query parameters (``code``, ``qty`` — or ``quantity``, as B2B clients send it —
    ``pickupStore``), which SAP validates differently."""

    code: str | None
    quantity: int | None
    pickup_store: str | None
    form: bool


LONG_MIN, LONG_MAX = -2 ** 63, 2 ** 63 - 1  # SAP's quantities are Java longs


def _json_quantity(value: object) -> int | None:
    """A JSON quantity as Jackson reads a ``Long``: a number or a numeric string, within a
    long's range."""
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*[-+]?[0-9]{1,19}\s*", value):
        number = int(value)
    if number is None or not LONG_MIN <= number <= LONG_MAX:
        raise ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
    return number


def entry_request() -> EntryRequest:
    if is_json_request():
        body = json_body()
        product = body.get("product") if isinstance(body.get("product"), dict) else {}
        pos = body.get("deliveryPointOfService") \
            if isinstance(body.get("deliveryPointOfService"), dict) else {}
        return EntryRequest(string_prop(product, "code"), _json_quantity(body.get("quantity")),
                            string_prop(pos, "name"), form=False)
    if request.content_length and request.mimetype not in (
            "application/x-www-form-urlencoded", "multipart/form-data", ""):
        raise ApiError(415, "HttpMediaTypeNotSupportedError",
                       f"Content type '{request.content_type}' not supported")
    raw = request.values.get("qty") or request.values.get("quantity")
    try:
        quantity = int(raw) if raw not in (None, "") else None
        if quantity is not None and not LONG_MIN <= quantity <= LONG_MAX:
            raise ValueError(raw)
    except ValueError:
        raise validation_error("quantity", "This field must be a number.") from None
    return EntryRequest(request.values.get("code") or None, quantity,
                        request.values.get("pickupStore") or None, form=True)


def pickup_subject(entry: EntryRequest) -> str:
    return "pickupStore" if entry.form else "entry"


def check_new_entry(carts: Carts, entry: EntryRequest) -> None:
    """What SAP checks before adding: for JSON the entry validator (every field error in one
    envelope), for the form the required ``code`` and a quantity of at least one."""
    if entry.form:
        if not entry.code:
            raise ApiError(400, "MissingServletRequestParameterError",
                           "Required String parameter 'code' is not present")
        carts.point_of_service(entry.pickup_store, "pickupStore")
        if entry.quantity is not None and entry.quantity < 1:
            raise ApiError(400, "CommerceCartModificationError",
                           "Quantity must not be less than one")
        return
    errors: list[ApiError] = []
    if not entry.code:
        errors.append(validation_error("product.code", "This field is required.", "missing"))
    if entry.quantity is not None and entry.quantity <= 0:
        errors.append(validation_error("quantity", "This field must be greater than 0."))
    try:
        carts.point_of_service(entry.pickup_store, "entry")
    except ApiError as exc:
        errors.append(exc)
    if errors:
        raise ApiErrors(400, errors)


def check_entry_update(carts: Carts, current: m.OrderEntry, entry: EntryRequest,
                       replace: bool) -> None:
    """What SAP checks before updating an entry (PATCH) or replacing it (PUT)."""
    if entry.form:
        if replace and entry.quantity is None:
            raise ApiError(400, "MissingServletRequestParameterError",
                           "Required Long parameter 'qty' is not present")
        if not replace and entry.quantity is None and not entry.pickup_store:
            raise ApiError(400, "ValidationError",
                           "At least one parameter (qty,pickupStore) should be set!",
                           reason="missing", subject_type="parameter")
        if entry.quantity is not None and entry.quantity < 0:
            if replace:
                raise ApiError(400, "CommerceCartModificationError",
                               "New quantity must not be less than zero")
            raise validation_error("quantity", "This field must be greater than 0.")
        carts.point_of_service(entry.pickup_store, "pickupStore")
        return
    if entry.code and entry.code != current.product:
        raise ApiError(400, "ValidationError",
                       "Product code from request body object doesn't match to product code "
                       "from updated entry (product code cannot be changed)",
                       reason="invalid", subject="entry", subject_type="parameter")
    errors: list[ApiError] = []
    if replace and entry.quantity is None:
        errors.append(validation_error("quantity", "This field is required.", "missing"))
    if entry.quantity is not None and entry.quantity < 0:
        errors.append(validation_error("quantity", "This field must be greater than 0."))
    try:
        carts.point_of_service(entry.pickup_store, "entry")
    except ApiError as exc:
        errors.append(exc)
    if errors:
        raise ApiErrors(400, errors)


@bp.get(CART + "/entries")
@operation("getCartEntries")
def get_cart_entries(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cartId)
        carts.reprice(cart)
        return respond(Dto("OrderEntryList", {"orderEntries": [
            entry_dto(carts, e, site().lang) for e in cart.entries]}))


@bp.post(CART + "/entries")
@operation("createCartEntry")
def create_cart_entry(baseSiteId: str, userId: str, cartId: str):
    require_b2c()
    entry = entry_request()
    with runtime().db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cartId)
        check_new_entry(carts, entry)
        mod = carts.add_entry(cart, entry.code, entry.quantity, entry.pickup_store)
        carts.reprice(cart)
        return respond(modification_dto(carts, mod, site().lang))


@bp.get(CART + "/entries/<entryNumber>")
@operation("getCartEntry")
def get_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str):
    with runtime().db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cartId)
        carts.reprice(cart)
        return respond(entry_dto(carts, carts.entry(cart, entryNumber), site().lang))


def _update_entry(cart_id: str, entry_number: str, replace: bool):
    entry = entry_request()
    with runtime().db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cart_id)
        check_entry_update(carts, carts.entry(cart, entry_number), entry, replace)
        mod = carts.update_entry(cart, entry_number, entry.quantity, entry.pickup_store,
                                 replace=replace, pos_subject=pickup_subject(entry))
        carts.reprice(cart)
        return respond(modification_dto(carts, mod, site().lang))


@bp.put(CART + "/entries/<entryNumber>")
@operation("replaceCartEntry")
def replace_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str):
    return _update_entry(cartId, entryNumber, replace=True)


@bp.patch(CART + "/entries/<entryNumber>")
@operation("updateCartEntry")
def update_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str):
    return _update_entry(cartId, entryNumber, replace=False)


@bp.delete(CART + "/entries/<entryNumber>")
@operation("removeCartEntry")
def remove_cart_entry(baseSiteId: str, userId: str, cartId: str, entryNumber: str):
    with runtime().db.atomic():
        carts = carts_service()
        carts.remove_entry(load_cart(carts, cartId), entryNumber)
    return empty()


# -- delivery -----------------------------------------------------------------------------------


def owned_address(user: m.User | None, address_id: str) -> m.Address:
    state = runtime().db.state
    try:
        address = state.addresses.get(int(address_id))
    except ValueError:
        address = None
    if address is None or user is None or address.owner is None \
            or address.owner.lower() != user.uid.lower():
        raise ApiError(400, "CartAddressError",
                       f"Address given by id {address_id} is not valid", reason="notValid",
                       subject=address_id, subject_type="address")
    return address


@bp.put(CART + "/addresses/delivery")
@operation("replaceCartDeliveryAddress")
def replace_cart_delivery_address(baseSiteId: str, userId: str, cartId: str):
    require_b2c()
    address_id = required_param("addressId")
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        owner = runtime().db.principal(cart.user)
        carts.set_delivery_address(cart, owned_address(owner if isinstance(owner, m.User) else None,
                                                        address_id))
    return empty()


@bp.post(CART + "/addresses/delivery")
@operation("createCartDeliveryAddress")
def create_cart_delivery_address(baseSiteId: str, userId: str, cartId: str):
    body = json_body()
    rt = runtime()
    with rt.db.atomic() as state:
        carts, cart = checkout_cart(cartId)
        # the pk it gets if accepted: a refused address (invalid, or a country the store does
        # not deliver to) is not stored
        address = address_from_body(state, body, owner=cart.user, pk=state.next_pk)
        carts.check_delivery_address(address)
        address.pk = rt.db.new_pk()
        address.visibleInAddressBook = bool(body.get("visibleInAddressBook", cart.user != ANONYMOUS))
        state.addresses[address.pk] = address
        carts.set_delivery_address(cart, address)
        return respond(address_dto(state, address, site().lang), 201)


@bp.delete(CART + "/addresses/delivery")
@operation("removeCartDeliveryAddress")
def remove_cart_delivery_address(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        cart.deliveryAddress = None
        cart.deliveryMode = None
    return empty()


@bp.get(CART + "/deliverymodes")
@operation("getCartDeliveryModes")
def get_cart_delivery_modes(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        modes = carts.supported_delivery_modes(cart)
        return respond(Dto("DeliveryModeList", {"deliveryModes": [
            delivery_mode_dto(carts, x, cart, site().lang) for x in modes]}))


@bp.get(CART + "/deliverymode")
@operation("getCartDeliveryMode")
def get_cart_delivery_mode(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic() as state:
        carts, cart = checkout_cart(cartId)
        mode = state.delivery_modes.get(cart.deliveryMode or "")
        if mode is None:
            return respond(Dto("DeliveryMode", {"code": None}))
        return respond(delivery_mode_dto(carts, mode, cart, site().lang))


@bp.put(CART + "/deliverymode")
@operation("replaceCartDeliveryMode")
def replace_cart_delivery_mode(baseSiteId: str, userId: str, cartId: str):
    mode = required_param("deliveryModeId")
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        carts.set_delivery_mode(cart, mode)
    return empty()


@bp.delete(CART + "/deliverymode")
@operation("removeCartDeliveryMode")
def remove_cart_delivery_mode(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        cart.deliveryMode = None
    return empty()


# -- payment ------------------------------------------------------------------------------------


def _set_new_payment(carts: Carts, cart: m.Cart, fields: dict) -> m.PaymentInfo:
    rt = runtime()
    state = rt.db.state
    info, address = payment_from_fields(state, fields, owner=cart.user, pk=rt.db.new_pk,
                                        today=rt.clock.now().date())
    if address is not None:
        state.addresses[address.pk] = address
    if cart.user == ANONYMOUS or is_guest_cart(cart):
        info.saved = info.defaultPayment = False
    wallet = [p for p in state.payment_infos.values() if p.user == cart.user and not p.deleted]
    if info.saved and not any(p.defaultPayment for p in wallet):
        info.defaultPayment = True  # a customer's first saved card becomes the default
    if info.defaultPayment:
        for other in wallet:
            other.defaultPayment = False
    state.payment_infos[info.id] = info
    cart.paymentInfo = info.id
    cart.modified = rt.clock.now()
    return info


@bp.post(CART + "/paymentdetails")
@operation("createCartPaymentDetails")
def create_cart_payment_details(baseSiteId: str, userId: str, cartId: str):
    body = json_body()
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        info = _set_new_payment(carts, cart, body)
        return respond(payment_dto(carts, info, site().lang), 201)


@bp.put(CART + "/paymentdetails")
@operation("replaceCartPaymentDetails")
def replace_cart_payment_details(baseSiteId: str, userId: str, cartId: str):
    payment_id = required_param("paymentDetailsId")
    with runtime().db.atomic() as state:
        carts, cart = checkout_cart(cartId)
        info = state.payment_infos.get(payment_id)
        if info is None or info.deleted or info.user.lower() != cart.user.lower():
            raise ApiError(400, "UnknownIdentifierError",
                           f"Payment details [{payment_id}] not found.")
        cart.paymentInfo = info.id
    return empty()


@bp.get(CART + "/payment/sop/request")
@operation("getSopPaymentRequestDetails")
def get_sop_payment_request(baseSiteId: str, userId: str, cartId: str):
    """The silent order post form: where to post the card, the hidden parameters and the
    names of the card fields (``mappingLabels``), as SAP's mock provider expects them."""
    response_url = required_param("responseUrl")
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        totals = carts.totals(cart)
    parameters = {"amount": f"{totals.totalPriceWithTax:.2f}", "currency": carts.currency,
                  "orderPage_transactionType": "subscription",
                  "orderPage_receiptResponseURL": response_url,
                  "orderPage_declineResponseURL": response_url,
                  "orderNumber": cart.code, "sessionId": cart.guid}
    post_url = request.host_url.rstrip("/") + "/acceleratorservices/sop-mock/process"
    return respond(Dto("PaymentRequest", {
        "postUrl": post_url,
        "parameters": {"entry": [{"key": k, "value": v} for k, v in parameters.items()]},
        "mappingLabels": {"entry": [{"key": k, "value": v} for k, v in SOP_LABELS.items()]}}))


@bp.post(CART + "/payment/sop/response")
@operation("doHandleSopPaymentResponse")
def handle_sop_payment_response(baseSiteId: str, userId: str, cartId: str):
    """The provider's answer, posted back by the client: on ACCEPT the card becomes the cart's
    payment details."""
    fields = request.form.to_dict() or request.args.to_dict()
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        decision = (fields.get("decision") or "").upper()
        if decision != "ACCEPT":
            raise ApiError(400, "PaymentAuthorizationError",
                           f"Payment was not accepted: decision {decision or 'missing'}, "
                           f"reason code {fields.get('reasonCode', 'unknown')}",
                           reason="invalid", subject="decision", subject_type="parameter")
        info = _set_new_payment(carts, cart, sop_fields_to_payment(fields))
        return respond(payment_dto(carts, info, site().lang))


@bp.get(CART + "/payment/sop/response")
@operation("getSopPaymentResponse")
def get_sop_payment_response(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic() as state:
        carts, cart = checkout_cart(cartId)
        info = state.payment_infos.get(cart.paymentInfo or "")
        if info is None:
            raise ApiError(400, "UnknownIdentifierError", "Payment details not found")
        return respond(payment_dto(carts, info, site().lang))


@bp.delete(CART + "/payment/sop/response")
@operation("removeSopPaymentResponse")
def remove_sop_payment_response(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic():
        _, cart = checkout_cart(cartId)
        cart.paymentInfo = None
    return empty()


# -- vouchers -----------------------------------------------------------------------------------


@bp.get(CART + "/vouchers")
@operation("getCartVouchers")
def get_cart_vouchers(baseSiteId: str, userId: str, cartId: str):
    with runtime().db.atomic() as state:
        carts = carts_service()
        cart = load_cart(carts, cartId)
        subtotal = carts.totals(cart).subTotal
        return respond(Dto("VoucherList", {"vouchers": [
            voucher_dto(carts, state.vouchers[c], site().lang, subtotal)
            for c in cart.appliedVouchers if c in state.vouchers]}))


@bp.post(CART + "/vouchers")
@operation("doApplyCartVoucher")
def apply_cart_voucher(baseSiteId: str, userId: str, cartId: str):
    voucher = required_param("voucherId")
    with runtime().db.atomic():
        carts, cart = voucher_cart(cartId)
        carts.apply_voucher(cart, voucher)
    return empty()


@bp.post(CART + "/applyVoucher")
@operation("applyCartVoucher")
def apply_cart_voucher_json(baseSiteId: str, userId: str, cartId: str):
    code = json_body().get("voucherId")
    if not isinstance(code, str) or not code:
        raise validation_error("voucherId", "This field is required.", "missing")
    with runtime().db.atomic():
        carts, cart = voucher_cart(cartId)
        carts.apply_voucher(cart, code)
    return empty(204)


@bp.delete(CART + "/vouchers/<voucherId>")
@operation("removeCartVoucher")
def remove_cart_voucher(baseSiteId: str, userId: str, cartId: str, voucherId: str):
    with runtime().db.atomic():
        carts, cart = voucher_cart(cartId)
        carts.release_voucher(cart, voucherId)
    return empty(204)


# -- guest checkout and validation --------------------------------------------------------------


@bp.put(CART + "/email")
@operation("replaceCartGuestUser")
def replace_cart_guest_user(baseSiteId: str, userId: str, cartId: str):
    """Guest checkout: a client token, the anonymous cart and an e-mail make a guest customer
    the cart's user."""
    require_roles(ctx().caller, ROLE_CLIENT, ROLE_TRUSTED_CLIENT)
    email = required_param("email").strip()
    if not EMAIL.fullmatch(email):
        raise validation_error("login", f"Email [{email}] is not a valid e-mail address!")
    rt = runtime()
    with rt.db.atomic():
        carts = carts_service()
        cart = load_cart(carts, cartId)
        guest = rt.db.principal(cart.user)
        if not (isinstance(guest, m.Customer) and guest.guest):
            guest = m.Customer(uid=f"{uuid.uuid4()}|{email.lower()}", name="guest",
                               customerId=str(uuid.uuid4()), type="GUEST",
                               originalUid=email.lower(), groups={"customergroup"},
                               creationtime=rt.clock.now())
            rt.db.add_principal(guest)
        else:
            guest.originalUid = email.lower()
            rt.db.rename_principal(guest, guest.uid.split("|", 1)[0] + "|" + email.lower())
        cart.user = guest.uid
        cart.guestEmail = email.lower()
        for address_pk in (cart.deliveryAddress,):
            address = rt.db.state.addresses.get(address_pk or -1)
            if address is not None and address.owner == ANONYMOUS:
                address.owner = guest.uid
    return empty()


@bp.post(CART + "/validate")
@operation("validateCart")
def validate_cart(baseSiteId: str, userId: str, cartId: str):
    """Stock check of every entry: entries that cannot be delivered in full are reduced or
    removed, and reported as modifications."""
    with runtime().db.atomic():
        carts = carts_service()
        mods = carts.validate(load_cart(carts, cartId))
        return respond(Dto("CartModificationList", {"cartModifications": [
            modification_dto(carts, mod, site().lang) for mod in mods]}))


# -- B2B ----------------------------------------------------------------------------------------


ORG_ENTRIES = "/<baseSiteId>/orgUsers/<userId>/carts/<cartId>/entries/"


def org_entry_requests() -> list[EntryRequest]:
    """B2B entries: JSON ``{"orderEntries":[…]}``, or form/query ``code`` and ``quantity`` (what
    Spartacus' B2B recipe posts)."""
    if not is_json_request():
        return [entry_request()]
    items = json_body().get("orderEntries")
    if not isinstance(items, list) or not items:
        raise validation_error("orderEntries", "This field is required.", "missing")
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise ApiError(400, "HttpMessageNotReadableError", "Request body is invalid or missing")
        product = item.get("product") if isinstance(item.get("product"), dict) else {}
        result.append(EntryRequest(string_prop(product, "code"),
                                   _json_quantity(item.get("quantity")), None, form=False))
    return result


def add_org_entries(carts: Carts, cart: m.Cart, entries: list[EntryRequest],
                    replace: bool = False) -> list[Dto]:
    """Each entry added as SAP's B2B cart facade does: what is out of stock is reported as a
    ``noStock`` modification, not refused. Every entry is checked before the cart changes
    (``replace`` empties it first), so that a refused list leaves the cart as it was."""
    for entry in entries:
        check_new_entry(carts, entry)
        carts.product(entry.code)
    if replace:
        cart.entries.clear()
    mods = [carts.add_entry(cart, entry.code, entry.quantity, cap_silently=True)
            for entry in entries]
    carts.reprice(cart)
    return [modification_dto(carts, mod, site().lang) for mod in mods]


# Spring matches ``…/entries`` (Spartacus' B2B recipe) to the spec's ``…/entries/`` as well
@bp.post(ORG_ENTRIES, strict_slashes=False)
@operation("doAddOrgCartEntries")
def add_org_cart_entries(baseSiteId: str, userId: str, cartId: str):
    require_b2b()
    entries = org_entry_requests()
    with runtime().db.atomic():
        carts = carts_service()
        dtos = add_org_entries(carts, load_cart(carts, cartId), entries)
        if not is_json_request():
            return respond(dtos[0])  # the form variant answers one CartModification
        return respond(Dto("CartModificationList", {"cartModifications": dtos}))


@bp.put(ORG_ENTRIES, strict_slashes=False)
@operation("replaceOrgCartEntries")
def replace_org_cart_entries(baseSiteId: str, userId: str, cartId: str):
    require_b2b()
    entries = org_entry_requests()
    with runtime().db.atomic():
        carts = carts_service()
        dtos = add_org_entries(carts, load_cart(carts, cartId), entries, replace=True)
        return respond(Dto("CartModificationList", {"cartModifications": dtos}))


@bp.put("/<baseSiteId>/orgUsers/<userId>/carts/<cartId>/addresses/delivery")
@operation("replaceOrgCartDeliveryAddress")
def replace_org_cart_delivery_address(baseSiteId: str, userId: str, cartId: str):
    require_b2b()
    address_id = required_param("addressId")
    with runtime().db.atomic():
        carts, cart = checkout_cart(cartId)
        owner = runtime().db.principal(cart.user)
        address = owned_address(owner if isinstance(owner, m.User) else None, address_id)
        carts.set_delivery_address(cart, address)
        return respond(cart_dto(carts, cart, site().lang))

