"""Cart and order WsDTOs: Cart, OrderEntry, CartModification, DeliveryMode, PaymentDetails,
Voucher, Order, OrderHistory, Consignment."""
from __future__ import annotations

from typing import Any

from ... import models as m
from ...commerce.carts import Carts, CartModification, Totals
from ...commerce.money import format_amount
from ...models import localized
from ..fields import Dto
from .catalog_dto import pos_dto, price_dto, product_dto
from .dto import address_dto

PRICE_FIELDS = ("totalPriceWithTax", "totalPrice", "totalTax", "subTotal", "deliveryCost",
                "productDiscounts", "orderDiscounts", "totalDiscounts")


def _price(carts: Carts, value: float | None, lang: str) -> Dto | None:
    return price_dto(carts.catalog, value, carts.currency, lang)


def entry_dto(carts: Carts, entry: m.OrderEntry, lang: str, updateable: bool = True) -> Dto:
    product = carts.catalog.product(entry.product)
    pos = carts.state.points_of_service.get(entry.deliveryPointOfService or "")
    return Dto("OrderEntry", {
        "entryNumber": entry.entryNumber,
        "quantity": entry.quantity,
        "basePrice": _price(carts, entry.basePrice, lang),
        "totalPrice": _price(carts, entry.totalPrice, lang),
        "product": product_dto(carts.catalog, product, lang, carts.currency) if product else None,
        "updateable": updateable,
        "deliveryMode": None,
        "deliveryPointOfService": pos_dto(carts.catalog, pos, lang) if pos else None,
        "configurationInfos": [],
        "statusSummaryList": [],
        "cancellableQuantity": 0 if not updateable else None,
        "returnableQuantity": 0 if not updateable else None,
        "cancelledItemsPrice": None,
        "returnedItemsPrice": None,
    })


def modification_dto(carts: Carts, mod: CartModification, lang: str) -> Dto:
    return Dto("CartModification", {
        "statusCode": mod.statusCode, "quantityAdded": mod.quantityAdded,
        "quantity": mod.quantity,
        "entry": entry_dto(carts, mod.entry, lang) if mod.entry else None,
        "deliveryModeChanged": mod.deliveryModeChanged, "statusMessage": mod.statusMessage})


def delivery_mode_dto(carts: Carts, mode: m.DeliveryMode, cart: m.AbstractOrder, lang: str) -> Dto:
    return Dto("DeliveryMode", {
        "code": mode.code, "name": localized(mode.name, lang),
        "description": localized(mode.description, lang),
        "deliveryCost": _price(carts, carts.delivery_cost_of(mode, cart), lang)})


def payment_dto(carts: Carts, info: m.PaymentInfo, lang: str) -> Dto:
    state = carts.state
    card = state.card_types.get(info.cardType or "")
    address = state.addresses.get(info.billingAddress or -1)
    return Dto("PaymentDetails", {
        "id": info.id, "accountHolderName": info.accountHolderName,
        "cardType": Dto("CardType", {"code": info.cardType,
                                     "name": localized(card.name, lang) if card else info.cardType})
        if info.cardType else None,
        "cardNumber": info.cardNumber, "startMonth": info.startMonth, "startYear": info.startYear,
        "expiryMonth": info.expiryMonth, "expiryYear": info.expiryYear,
        "issueNumber": info.issueNumber, "subscriptionId": info.subscriptionId,
        "saved": info.saved, "defaultPayment": info.defaultPayment,
        "billingAddress": address_dto(state, address, lang) if address else None})


def voucher_dto(carts: Carts, voucher: m.PromotionVoucher, lang: str, subtotal: float | None = None) -> Dto:
    currency = carts.state.currencies.get(voucher.currency or "")
    if currency:
        value_formatted = format_amount(voucher.value, currency, lang)
        value_string = value_formatted
    else:
        value_formatted = f"{voucher.value:g}%"
        value_string = value_formatted
    from .dto import currency_dto

    return Dto("Voucher", {
        "code": voucher.code, "voucherCode": voucher.voucherCode,
        "name": localized(voucher.name, lang), "description": localized(voucher.description, lang),
        "value": voucher.value, "valueFormatted": value_formatted, "valueString": value_string,
        "freeShipping": voucher.freeShipping,
        "currency": currency_dto(currency, lang) if currency else None,
        "appliedValue": _price(carts, carts.voucher_value(voucher, subtotal), lang)
        if subtotal is not None else None})


def _groups(carts: Carts, order: m.AbstractOrder, entries: list[Dto], lang: str) -> tuple[list, list]:
    pickup: dict[str, list[Dto]] = {}
    delivery: list[Dto] = []
    for entry, dto in zip(order.entries, entries):
        if entry.deliveryPointOfService:
            pickup.setdefault(entry.deliveryPointOfService, []).append(dto)
        else:
            delivery.append(dto)

    def total(dtos: list[Dto]) -> Dto | None:
        return _price(carts, sum(d["totalPrice"]["value"] for d in dtos if d.get("totalPrice")), lang)

    pickup_groups = []
    for name, dtos in sorted(pickup.items()):
        pos = carts.state.points_of_service.get(name)
        pickup_groups.append(Dto("PickupOrderEntryGroup", {
            "deliveryPointOfService": pos_dto(carts.catalog, pos, lang) if pos else None,
            "entries": dtos, "quantity": sum(d["quantity"] for d in dtos),
            "totalPriceWithTax": total(dtos), "distance": None}))
    address = carts.state.addresses.get(order.deliveryAddress or -1)
    delivery_groups = [Dto("DeliveryOrderEntryGroup", {
        "deliveryAddress": address_dto(carts.state, address, lang) if address else None,
        "entries": delivery, "quantity": sum(d["quantity"] for d in delivery),
        "totalPriceWithTax": total(delivery)})] if delivery else []
    return pickup_groups, delivery_groups


def abstract_order_values(carts: Carts, order: m.AbstractOrder, totals: Totals | dict, lang: str,
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
    values: dict[str, Any] = {
        "code": order.code, "guid": order.guid, "net": order.net,
        **{name: _price(carts, t.get(name), lang) for name in PRICE_FIELDS},
        "entries": entries, "entryGroups": [],
        "totalItems": t["totalItems"], "totalUnitCount": t["totalUnitCount"],
        "deliveryMode": delivery_mode_dto(carts, mode, order, lang) if mode else None,
        "deliveryAddress": address_dto(state, address, lang) if address else None,
        "paymentInfo": payment_dto(carts, payment, lang) if payment else None,
        "appliedOrderPromotions": [], "appliedProductPromotions": [],
        "site": order.site, "store": order.store, "calculated": True,
        "appliedVouchers": [voucher_dto(carts, v, lang, t["subTotal"]) for v in vouchers],
        "user": Dto("Principal", {"uid": user.uid if user else order.user,
                                  "name": (user.name if user else None) or order.user}),
        "pickupOrderGroups": pickup, "deliveryOrderGroups": delivery,
        "pickupItemsQuantity": t["pickupItemsQuantity"],
        "deliveryItemsQuantity": t["deliveryItemsQuantity"],
        "name": order.name, "description": order.description,
    }
    return values


def cart_dto(carts: Carts, cart: m.Cart, lang: str) -> Dto:
    values = abstract_order_values(carts, cart, carts.totals(cart), lang, updateable=True)
    values.update({"potentialOrderPromotions": [], "potentialProductPromotions": [],
                   "expirationTime": None,
                   "saveTime": cart.saveTime.isoformat(timespec="seconds") if cart.saveTime else None,
                   "savedBy": Dto("Principal", {"uid": cart.savedBy, "name": cart.savedBy})
                   if cart.savedBy else None})
    return Dto("Cart", values)


def status_display(status: str) -> str:
    return status.lower().replace("_", " ")


def consignment_dto(carts: Carts, consignment: m.Consignment, order: m.Order, lang: str) -> Dto:
    pos = carts.state.points_of_service.get(consignment.deliveryPointOfService or "")
    address = carts.state.addresses.get(order.deliveryAddress or -1)
    entries = [Dto("ConsignmentEntry", {
        "orderEntry": entry_dto(carts, order.entries[n], lang, updateable=False),
        "quantity": order.entries[n].quantity, "shippedQuantity": 0})
        for n in consignment.entries if n < len(order.entries)]
    return Dto("Consignment", {
        "code": consignment.code, "trackingID": None, "status": consignment.status,
        "statusDisplay": status_display(consignment.status),
        "statusDate": consignment.created.isoformat(timespec="seconds") if consignment.created else None,
        "entries": entries,
        "shippingAddress": address_dto(carts.state, address, lang) if address and not pos else None,
        "deliveryPointOfService": pos_dto(carts.catalog, pos, lang) if pos else None,
        "orderCode": order.code, "warehouseCode": consignment.warehouse})


def order_dto(carts: Carts, order: m.Order, lang: str) -> Dto:
    values = abstract_order_values(carts, order, order.totals, lang, updateable=False)
    user = carts.state.principals.get(order.user.lower())
    consignments = [carts.state.consignments[c] for c in order.consignments
                    if c in carts.state.consignments]
    values.update({
        "created": order.created.isoformat(timespec="seconds") if order.created else None,
        "status": order.status, "statusDisplay": status_display(order.status),
        "guestCustomer": isinstance(user, m.Customer) and user.guest,
        "consignments": [consignment_dto(carts, c, order, lang) for c in consignments],
        "deliveryStatus": None, "deliveryStatusDisplay": None, "unconsignedEntries": [],
        "cancellable": False, "returnable": False})
    return Dto("Order", values)


def order_history_dto(carts: Carts, order: m.Order, lang: str) -> Dto:
    return Dto("OrderHistory", {
        "code": order.code, "guid": order.guid, "status": order.status,
        "statusDisplay": status_display(order.status),
        "placed": order.created.isoformat(timespec="seconds") if order.created else None,
        "total": _price(carts, order.totals.get("totalPriceWithTax"), lang)})
