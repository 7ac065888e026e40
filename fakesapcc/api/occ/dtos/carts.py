"""Cart and order WsDTOs (Cart, OrderEntry, CartModification, DeliveryMode, PaymentDetails,
Voucher, PaymentRequest, Order, OrderHistory, Consignment, the entry groups and the lists) and
the request bodies of the cart API (OrderEntry, OrderEntryList, PaymentDetails,
SAPVoucherRequest)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma

from ... import dto as d
from ... import inputs as i
from .... import models as m
from ....commerce.b2b_checkout import PAYMENT_TYPES
from ....commerce.carts import CartModification, Carts, Totals
from ....commerce.money import format_amount
from ....commerce.wallet import card_errors
from ....models import localized
from ....models import promotions as mp
from .b2b import b2b_order_fields, b2b_placed_fields, permission_results
from .catalog import pos_dto, price_dto, product_dto
from .orderstate import decorate_order
from .promotions import promotion_results
from .sitecontext import currency_dto
from .users import AddressPatchBody, BillingAddressBody, address_dto, principal_dto

_ABSTRACT_ORDER = (
    "code net totalPriceWithTax totalPrice totalTax subTotal deliveryCost entries entryGroups "
    "totalItems deliveryMode deliveryAddress paymentInfo appliedOrderPromotions "
    "appliedProductPromotions productDiscounts orderDiscounts totalDiscounts site store guid "
    "calculated appliedVouchers user pickupOrderGroups deliveryOrderGroups pickupItemsQuantity "
    "deliveryItemsQuantity requestedRetrievalAt sapBillingAddress sapCustomerEmail "
    "sapPaymentOptionId paymentType purchaseOrderNumber deliveryTimeSlot chinesePaymentInfo "
    "paymentStatus taxInvoice servicedAt totalUnitCount costCenter ")
CART = d.DtoType(
    "Cart", _ABSTRACT_ORDER + "potentialOrderPromotions potentialProductPromotions name "
    "description expirationTime saveTime savedBy earliestRetrievalAt _messages sapQuote",
    BASIC="code,guid", DEFAULT="code,guid,totalItems,totalPrice,totalPriceWithTax,"
                               "entries(DEFAULT)")
CART_LIST = d.DtoType("CartList", "carts")
ORDER = d.DtoType(
    "Order", _ABSTRACT_ORDER + "created status statusDisplay guestCustomer consignments "
    "deliveryStatus deliveryStatusDisplay unconsignedEntries cancellable returnable "
    "orgCustomer permissionResults orgUnit sapQuoteCode billingDocuments serviceCancellable "
    "serviceReschedulable paymentAddress",
    BASIC="code,guid",
    DEFAULT="code,guid,net,totalItems,totalUnitCount,totalPrice(DEFAULT),"
            "totalPriceWithTax(DEFAULT),totalTax(DEFAULT),subTotal(DEFAULT),"
            "deliveryCost(DEFAULT),totalDiscounts(DEFAULT),productDiscounts(DEFAULT),"
            "orderDiscounts(DEFAULT),entries(DEFAULT),deliveryAddress(DEFAULT),"
            "deliveryMode(DEFAULT),paymentInfo(DEFAULT),appliedVouchers(DEFAULT),user(DEFAULT),"
            "site,store,calculated,status,statusDisplay,created,guestCustomer,"
            "consignments(DEFAULT),unconsignedEntries(DEFAULT),pickupOrderGroups(DEFAULT),"
            "deliveryOrderGroups(DEFAULT),pickupItemsQuantity,deliveryItemsQuantity,"
            "cancellable,returnable")
ORDER_ENTRY = d.DtoType(
    "OrderEntry", "entryNumber quantity basePrice totalPrice product updateable deliveryMode "
    "configurationInfos statusSummaryList deliveryPointOfService cancelledItemsPrice "
    "cancellableQuantity returnedItemsPrice returnableQuantity arrivalSlots comments "
    "cpqDiscounts scheduleLines url quantityAllocated quantityUnallocated quantityCancelled "
    "quantityPending quantityShipped quantityReturned",
    BASIC="entryNumber,quantity,deliveryPointOfService,configurationInfos,statusSummaryList",
    DEFAULT="entryNumber,quantity,deliveryPointOfService,configurationInfos,statusSummaryList,"
            "totalPrice,product(DEFAULT),cancellableQuantity,cancelledItemsPrice(DEFAULT),"
            "returnableQuantity,returnedItemsPrice(DEFAULT)")
ORDER_ENTRY_LIST = d.DtoType("OrderEntryList", "orderEntries")
CART_MODIFICATION = d.DtoType(
    "CartModification", "statusCode quantityAdded quantity entry deliveryModeChanged "
    "statusMessage", BASIC="statusCode,entry,quantity,quantityAdded,deliveryModeChanged",
    DEFAULT="statusCode,entry(DEFAULT),quantity,quantityAdded,deliveryModeChanged,statusMessage")
CART_MODIFICATION_LIST = d.DtoType("CartModificationList", "cartModifications")
DELIVERY_MODE = d.DtoType("DeliveryMode", "code name description deliveryCost", BASIC="code",
                          DEFAULT="description,name,code,deliveryCost(DEFAULT)")
DELIVERY_MODE_LIST = d.DtoType("DeliveryModeList", "deliveryModes")
PAYMENT_DETAILS = d.DtoType(
    "PaymentDetails", "id accountHolderName cardType cardNumber startMonth startYear "
    "expiryMonth expiryYear issueNumber subscriptionId saved defaultPayment billingAddress "
    "sapPaymentMethod", BASIC="id",
    DEFAULT="id,accountHolderName,cardType(DEFAULT),cardNumber,startMonth,startYear,"
            "expiryMonth,expiryYear,issueNumber,subscriptionId,saved,defaultPayment,"
            "billingAddress(DEFAULT)")
PAYMENT_DETAILS_LIST = d.DtoType("PaymentDetailsList", "payments")
VOUCHER = d.DtoType("Voucher", "code voucherCode name description value valueFormatted "
                    "valueString freeShipping currency appliedValue",
                    BASIC="code,voucherCode,name,value",
                    DEFAULT="code,voucherCode,name,value,currency(DEFAULT)")
VOUCHER_LIST = d.DtoType("VoucherList", "vouchers")
PAYMENT_REQUEST = d.DtoType("PaymentRequest", "postUrl parameters mappingLabels")
PICKUP_GROUP = d.DtoType("PickupOrderEntryGroup",
                         "totalPriceWithTax entries quantity deliveryPointOfService distance")
DELIVERY_GROUP = d.DtoType("DeliveryOrderEntryGroup",
                           "totalPriceWithTax entries quantity deliveryAddress")
CONSIGNMENT = d.DtoType(
    "Consignment", "code trackingID status statusDisplay statusDate entries shippingAddress "
    "deliveryPointOfService arrivalSlot orderCode shippingDate deliveryMode warehouseCode "
    "packagingInfo")
CONSIGNMENT_ENTRY = d.DtoType("ConsignmentEntry", "orderEntry quantity shippedQuantity "
                              "quantityDeclined quantityPending quantityShipped")
ORDER_HISTORY = d.DtoType(
    "OrderHistory", "code status statusDisplay placed guid total costCenter orgUnit "
    "purchaseOrderNumber orgCustomer", BASIC="total,guid,status,statusDisplay,code,placed",
    DEFAULT="total(DEFAULT),guid,status,statusDisplay,code,placed")
ORDER_HISTORY_LIST = d.DtoType("OrderHistoryList", "orders sorts pagination facets")

PRICE_FIELDS = ("totalPriceWithTax", "totalPrice", "totalTax", "subTotal", "deliveryCost",
                "productDiscounts", "orderDiscounts", "totalDiscounts")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _price(carts: Carts, value: float | None, lang: str) -> d.Dto | None:
    return price_dto(carts.catalog, value, carts.currency, lang)


def entry_dto(carts: Carts, entry: m.OrderEntry, lang: str, updateable: bool = True) -> d.Dto:
    product = carts.catalog.product(entry.product)
    pos = carts.state.points_of_service.get(entry.deliveryPointOfService or "")
    return ORDER_ENTRY(
        entryNumber=entry.entryNumber, quantity=entry.quantity,
        basePrice=_price(carts, entry.basePrice, lang),
        totalPrice=_price(carts, entry.totalPrice, lang),
        product=product_dto(carts.catalog, product, lang, carts.currency) if product else None,
        updateable=updateable,
        deliveryPointOfService=pos_dto(carts.catalog, pos, lang) if pos else None,
        configurationInfos=[], statusSummaryList=[],
        cancellableQuantity=0 if not updateable else None,
        returnableQuantity=0 if not updateable else None)


def modification_dto(carts: Carts, mod: CartModification, lang: str) -> d.Dto:
    return CART_MODIFICATION(
        statusCode=mod.statusCode, quantityAdded=mod.quantityAdded, quantity=mod.quantity,
        entry=entry_dto(carts, mod.entry, lang) if mod.entry else None,
        deliveryModeChanged=mod.deliveryModeChanged, statusMessage=mod.statusMessage)


def modification_list_dto(carts: Carts, mods: list[CartModification], lang: str) -> d.Dto:
    return CART_MODIFICATION_LIST(cartModifications=[modification_dto(carts, x, lang)
                                                     for x in mods])


def delivery_mode_dto(carts: Carts, mode: m.DeliveryMode, cart: m.AbstractOrder,
                      lang: str) -> d.Dto:
    return DELIVERY_MODE(code=mode.code, name=localized(mode.name, lang),
                         description=localized(mode.description, lang),
                         deliveryCost=_price(carts, carts.delivery_cost_of(mode, cart), lang))


def payment_dto(carts: Carts, info: m.PaymentInfo, lang: str) -> d.Dto:
    from .sitecontext import CARD_TYPE

    state = carts.state
    card = state.card_types.get(info.cardType or "")
    address = state.addresses.get(info.billingAddress or -1)
    return PAYMENT_DETAILS(
        id=info.id, accountHolderName=info.accountHolderName,
        cardType=CARD_TYPE(code=info.cardType,
                           name=localized(card.name, lang) if card else info.cardType)
        if info.cardType else None,
        cardNumber=info.cardNumber, startMonth=info.startMonth, startYear=info.startYear,
        expiryMonth=info.expiryMonth, expiryYear=info.expiryYear, issueNumber=info.issueNumber,
        subscriptionId=info.subscriptionId, saved=info.saved, defaultPayment=info.defaultPayment,
        billingAddress=address_dto(state, address, lang) if address else None)


def voucher_dto(carts: Carts, voucher: m.PromotionVoucher, lang: str,
                subtotal: float | None = None) -> d.Dto:
    currency = carts.state.currencies.get(voucher.currency or "")
    formatted = format_amount(voucher.value, currency, lang) if currency else f"{voucher.value:g}%"
    return VOUCHER(
        code=voucher.code, voucherCode=voucher.voucherCode, name=localized(voucher.name, lang),
        description=localized(voucher.description, lang), value=voucher.value,
        valueFormatted=formatted, valueString=formatted, freeShipping=voucher.freeShipping,
        currency=currency_dto(currency, lang) if currency else None,
        appliedValue=_price(carts, carts.voucher_value(voucher, subtotal), lang)
        if subtotal is not None else None)


def coupon_voucher_dto(coupon: mp.CustomerCoupon, lang: str) -> d.Dto:
    """A customer coupon applied to a cart, as SAP's coupon facade lists it among vouchers."""
    name = localized(coupon.name, lang) or coupon.couponId
    return VOUCHER(code=coupon.couponId, voucherCode=coupon.couponId, name=name,
                   description=localized(coupon.description, lang), freeShipping=False)


def _groups(carts: Carts, order: m.AbstractOrder, entries: list[d.Dto],
            lang: str) -> tuple[list[d.Dto], list[d.Dto]]:
    pickup: dict[str, list[d.Dto]] = {}
    delivery: list[d.Dto] = []
    for entry, dto in zip(order.entries, entries):
        if entry.deliveryPointOfService:
            pickup.setdefault(entry.deliveryPointOfService, []).append(dto)
        else:
            delivery.append(dto)

    def total(dtos: list[d.Dto]) -> d.Dto | None:
        return _price(carts, sum(x["totalPrice"]["value"] for x in dtos if x.get("totalPrice")),
                      lang)

    pickup_groups = []
    for name, dtos in sorted(pickup.items()):
        pos = carts.state.points_of_service.get(name)
        pickup_groups.append(PICKUP_GROUP(
            deliveryPointOfService=pos_dto(carts.catalog, pos, lang) if pos else None,
            entries=dtos, quantity=sum(x["quantity"] for x in dtos),
            totalPriceWithTax=total(dtos)))
    address = carts.state.addresses.get(order.deliveryAddress or -1)
    delivery_groups = [DELIVERY_GROUP(
        deliveryAddress=address_dto(carts.state, address, lang) if address else None,
        entries=delivery, quantity=sum(x["quantity"] for x in delivery),
        totalPriceWithTax=total(delivery))] if delivery else []
    return pickup_groups, delivery_groups


def _abstract_order(carts: Carts, order: m.AbstractOrder, totals: Totals | dict, lang: str,
                    updateable: bool) -> dict[str, Any]:
    t = totals if isinstance(totals, dict) else totals.as_dict()
    state = carts.state
    entries = [entry_dto(carts, e, lang, updateable) for e in order.entries]
    pickup, delivery = _groups(carts, order, entries, lang)
    mode = state.delivery_modes.get(order.deliveryMode or "")
    address = state.addresses.get(order.deliveryAddress or -1)
    payment = state.payment_infos.get(order.paymentInfo or "")
    user = state.principals.get(order.user.lower())
    vouchers = [state.vouchers[c] for c in order.appliedVouchers if c in state.vouchers]
    coupons = [state.customer_coupons[c] for c in order.appliedVouchers
               if c in state.customer_coupons]
    return {
        "code": order.code, "guid": order.guid, "net": order.net,
        **{name: _price(carts, t.get(name), lang) for name in PRICE_FIELDS},
        "entries": entries, "entryGroups": [],
        "totalItems": t["totalItems"], "totalUnitCount": t["totalUnitCount"],
        "deliveryMode": delivery_mode_dto(carts, mode, order, lang) if mode else None,
        "deliveryAddress": address_dto(state, address, lang) if address else None,
        "paymentInfo": payment_dto(carts, payment, lang) if payment else None,
        **promotion_results(state, t, carts.currency, lang),
        "site": order.site, "store": order.store, "calculated": True,
        "appliedVouchers": [voucher_dto(carts, v, lang, t["subTotal"]) for v in vouchers]
        + [coupon_voucher_dto(c, lang) for c in coupons],
        "user": principal_dto(user.uid if user else order.user,
                              (user.name if user else None) or order.user),
        "pickupOrderGroups": pickup, "deliveryOrderGroups": delivery,
        "pickupItemsQuantity": t["pickupItemsQuantity"],
        "deliveryItemsQuantity": t["deliveryItemsQuantity"],
        "name": order.name, "description": order.description,
        **b2b_order_fields(carts.db, order, lang, PAYMENT_TYPES),
    }


def cart_dto(carts: Carts, cart: m.Cart, lang: str) -> d.Dto:
    return CART(_abstract_order(carts, cart, carts.totals(cart), lang, updateable=True),
                saveTime=_iso(cart.saveTime), expirationTime=_iso(cart.expirationTime),
                savedBy=principal_dto(cart.savedBy, cart.savedBy) if cart.savedBy else None,
                **_checkout_extras(carts, cart, lang))


def _checkout_extras(carts: Carts, cart: m.Cart, lang: str) -> dict[str, Any]:
    """The retrieval date, billing address and payment option a cart was given (api/occ/
    carts/extras.py); nothing when it has none."""
    extras: dict[str, Any] = {}
    if cart.requestedRetrievalAt is not None:
        extras["requestedRetrievalAt"] = _iso(cart.requestedRetrievalAt)
    billing = carts.state.addresses.get(cart.billingAddress or -1)
    if billing is not None:
        extras["sapBillingAddress"] = address_dto(carts.state, billing, lang)
    if cart.sapPaymentOptionId is not None:
        extras["sapPaymentOptionId"] = cart.sapPaymentOptionId
    if cart.sapPaymentOptionId is not None or cart.paymentType is None:
        if cart.purchaseOrderNumber is not None:
            extras["purchaseOrderNumber"] = cart.purchaseOrderNumber
    return extras


def status_display(status: str) -> str:
    return status.lower().replace("_", " ")


def consignment_dto(carts: Carts, consignment: m.Consignment, order: m.Order,
                    lang: str) -> d.Dto:
    pos = carts.state.points_of_service.get(consignment.deliveryPointOfService or "")
    address = carts.state.addresses.get(order.deliveryAddress or -1)
    entries = [CONSIGNMENT_ENTRY(
        orderEntry=entry_dto(carts, order.entries[n], lang, updateable=False),
        quantity=order.entries[n].quantity, shippedQuantity=0)
        for n in consignment.entries if n < len(order.entries)]
    return CONSIGNMENT(
        code=consignment.code, status=consignment.status,
        statusDisplay=status_display(consignment.status), statusDate=_iso(consignment.created),
        entries=entries,
        shippingAddress=address_dto(carts.state, address, lang) if address and not pos else None,
        deliveryPointOfService=pos_dto(carts.catalog, pos, lang) if pos else None,
        orderCode=order.code, warehouseCode=consignment.warehouse)


def order_dto(carts: Carts, order: m.Order, lang: str) -> d.Dto:
    user = carts.state.principals.get(order.user.lower())
    consignments = [carts.state.consignments[c] for c in order.consignments
                    if c in carts.state.consignments]
    values = _abstract_order(carts, order, order.totals, lang, updateable=False)
    for name in ("potentialOrderPromotions", "potentialProductPromotions"):
        values.pop(name)  # a cart's only
    return decorate_order(carts, order, ORDER(
        values, created=_iso(order.created), status=order.status,
        statusDisplay=status_display(order.status),
        guestCustomer=isinstance(user, m.Customer) and user.guest,
        consignments=[consignment_dto(carts, c, order, lang) for c in consignments],
        unconsignedEntries=[], cancellable=False, returnable=False,
        **b2b_placed_fields(carts.db, order, lang),
        permissionResults=permission_results(carts.state, next(
            (a for a in carts.state.b2b_approvals.values() if a.order == order.code),
            None))), lang)


def order_history_dto(carts: Carts, order: m.Order, lang: str) -> d.Dto:
    return ORDER_HISTORY(code=order.code, guid=order.guid, status=order.status,
                         statusDisplay=status_display(order.status), placed=_iso(order.created),
                         total=_price(carts, order.totals.get("totalPriceWithTax"), lang),
                         **b2b_placed_fields(carts.db, order, lang),
                         **{k: v for k, v in b2b_order_fields(carts.db, order, lang,
                                                              PAYMENT_TYPES).items()
                            if k != "paymentType"})


def payment_request_dto(post_url: str, parameters: dict[str, str],
                        labels: dict[str, str]) -> d.Dto:
    """The silent order post form. Its maps render as SAP's JAXB-mapped JSON does:
    ``{"entry":[{"key","value"}]}`` (docs/fidelity.md)."""
    def entries(values: dict[str, str]) -> dict[str, Any]:
        return {"entry": [{"key": k, "value": v} for k, v in values.items()]}

    return PAYMENT_REQUEST(postUrl=post_url, parameters=entries(parameters),
                           mappingLabels=entries(labels))


# -- request bodies ----------------------------------------------------------------------------


class ProductCode(i.Body):
    code = i.Text()


class PointOfServiceName(i.Body):
    name = i.Text()


class OrderEntryBody(i.Body):
    """A cart entry as JSON (``orderEntryCreateValidator`` and its replace/update siblings:
    the rules differ per operation, so ``Carts`` checks them; see ``api/occ/carts``)."""

    product = i.Object(ProductCode)
    quantity = i.Long()
    deliveryPointOfService = i.Object(PointOfServiceName)


class OrderEntryListBody(i.Body):
    """B2B entries: ``{"orderEntries": [OrderEntry, …]}``."""

    orderEntries = i.Objects(OrderEntryBody, required=True)


class CardTypeCode(i.Body):
    code = i.Text()


class PaymentDetailsBody(i.Body):
    """Card details (``paymentDetailsDTOValidator``): holder, card type, number and expiry,
    and a billing address by ``paymentAddressValidator``'s rules."""

    id = i.Text()
    accountHolderName = i.Text(required=True)
    cardType = i.Object(CardTypeCode)
    cardNumber = i.Text(required=True)
    startMonth = i.Text()
    startYear = i.Text()
    expiryMonth = i.Text()
    expiryYear = i.Text()
    issueNumber = i.Text()
    subscriptionId = i.Text()
    saved = i.Bool()
    defaultPayment = i.Bool()
    billingAddress = i.Object(BillingAddressBody)

    @ma.validates_schema(skip_on_field_errors=False)
    def _card(self, data: dict, **kwargs: Any) -> None:
        errors = card_errors(i.state(), data, i.now().date())
        if errors:
            raise ma.ValidationError(errors)


class PaymentDetailsPatchBody(PaymentDetailsBody):
    """A PATCH of payment details: only bound here; the merged details are validated whole."""

    accountHolderName = i.Text()
    cardNumber = i.Text()
    billingAddress = i.Object(AddressPatchBody)

    def _card(self, data: dict, **kwargs: Any) -> None:  # not a hook here
        return None


class VoucherRequestBody(i.Body):
    voucherId = i.Text(required=True)
