"""OCC promotions (tag Promotions), vouchers (tag Vouchers) and customer coupons (tag Customer
Coupons): the site's promotion rules and vouchers for a trusted client, and the coupons a
customer claims, lists, subscribes to and discards (both the path forms SAP deprecates in
2211.28 and their JSON-body successors)."""
from __future__ import annotations

from ...commerce.coupons import CustomerCoupons
from ...commerce.promotions import ORDER_KINDS, PRODUCT_KINDS
from ...errors import ApiError
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, empty, respond, site
from .dtos.account import page_dto
from .dtos.cms import SORT
from .dtos.promotions import (COUPON_NOTIFICATION, COUPON_SEARCH, COUPON_TO_CUSTOMER,
                              PROMOTION_LIST, CouponOperationBody, customer_coupon_dto,
                              promotion_dto)
from .dtos.carts import voucher_dto
from .dtos.users import user_dto

USER = "/<baseSiteId>/users/<userId>"
COUPONS = USER + "/customercoupons"


class PromotionsParams(i.Params):
    type = i.ChoiceParam(("all", "product", "order"), required=True,
                         message="Promotion type [{value}] is invalid")
    promotionGroup = i.TextParam()


@bp.get("/<baseSiteId>/promotions")
@operation("getPromotions", secured=roles.TRUSTED, params=PromotionsParams)
def get_promotions(baseSiteId: str, params: dict):
    """The site's active rules of a type, of a promotion group if one is named."""
    kinds = {"all": ORDER_KINDS + PRODUCT_KINDS, "order": ORDER_KINDS,
             "product": PRODUCT_KINDS}[params["type"]]
    group = params["promotionGroup"]
    rules = [r for r in carts_service().promotions().rules(None, restricted=True)
             if r.kind in kinds and (group is None or r.promotionGroup == group)]
    return respond(PROMOTION_LIST(promotions=[promotion_dto(r, site().lang) for r in rules]))


@bp.get("/<baseSiteId>/promotions/<code>")
@operation("getPromotion", secured=roles.TRUSTED)
def get_promotion(baseSiteId: str, code: str):
    rule = carts_service().promotions().rule(code)
    if rule is None:
        raise ApiError(400, "UnknownIdentifierError", f"Promotion with code '{code}' not found")
    return respond(promotion_dto(rule, site().lang))


# -- customer coupons ---------------------------------------------------------------------------


def coupons() -> CustomerCoupons:
    rt = runtime()
    return CustomerCoupons(rt.db, rt.clock, ctx().user)


class CouponListParams(i.Paging):
    pageSize = i.IntParam(default=10, minimum=1)
    needsTotal = i.BoolParam(default=True)
    sort = i.TextParam()


SORTS = {"startDate": lambda c: (c.startDate is None, c.startDate),
         "endDate": lambda c: (c.endDate is None, c.endDate),
         "name": lambda c: sorted(c.name.values())[:1], "couponId": lambda c: c.couponId}


@bp.get(COUPONS)
@operation("getCustomerCoupons", secured=roles.USER, anonymous=False, params=CouponListParams)
def get_customer_coupons(baseSiteId: str, userId: str, params: dict):
    """The customer's valid coupons, by end date (or ``sort``: couponId, name, startDate,
    endDate, optionally ``:asc``/``:desc``)."""
    service = coupons()
    held = service.mine()
    sort = params["sort"]
    if sort:
        name, _, direction = sort.partition(":")
        key = next((f for k, f in SORTS.items() if k.lower() == name.lower()), None)
        if key is not None:
            held.sort(key=key, reverse=direction.lower() == "desc")
    page, size = params["currentPage"], params["pageSize"]
    shown = held[page * size:(page + 1) * size]
    pagination = page_dto(len(shown), len(held), page, size)
    if not params["needsTotal"]:
        pagination.update(totalCount=None, totalPages=None)
    return respond(COUPON_SEARCH(
        coupons=[customer_coupon_dto(service, c, site().lang) for c in shown],
        sorts=[SORT(code=sort.partition(":")[0], asc=not sort.endswith(":desc"))] if sort else [],
        pagination=pagination))


def _claimed(code: str):
    service = coupons()
    coupon = service.claim(code)
    sc = site()
    return respond(COUPON_TO_CUSTOMER(coupon=customer_coupon_dto(service, coupon, sc.lang),
                                      customer=user_dto(service.state, ctx().user, sc.lang)), 201)


def _subscribed(code: str):
    service = coupons()
    sc = site()
    coupon = service.subscribe(code, sc.site)
    return respond(COUPON_NOTIFICATION(
        coupon=customer_coupon_dto(service, coupon, sc.lang),
        customer=user_dto(service.state, ctx().user, sc.lang), status="EFFECTIVESENT"), 201)


@bp.post(COUPONS + "/claim")
@operation("claimCustomerCoupon", secured=roles.USER, anonymous=False, body=CouponOperationBody)
def claim_customer_coupon(baseSiteId: str, userId: str, body: dict):
    return _claimed(body["couponCode"])


@bp.post(COUPONS + "/<couponCode>/claim")
@operation("doClaimCustomerCoupon", secured=roles.USER, anonymous=False)
def claim_customer_coupon_by_path(baseSiteId: str, userId: str, couponCode: str):
    return _claimed(couponCode)


@bp.post(COUPONS + "/discard")
@operation("discardCustomerCoupon", secured=roles.USER, anonymous=False, body=CouponOperationBody)
def discard_customer_coupon(baseSiteId: str, userId: str, body: dict):
    coupons().discard(body["couponCode"])
    return empty()


@bp.delete(COUPONS + "/<couponCode>/claim")
@operation("unassignCustomerCoupon", secured=roles.USER, anonymous=False)
def unassign_customer_coupon(baseSiteId: str, userId: str, couponCode: str):
    coupons().discard(couponCode)
    return empty()


@bp.post(COUPONS + "/subscribeNotifications")
@operation("subscribeNotificationsOfCustomerCoupon", secured=roles.USER, anonymous=False,
           body=CouponOperationBody)
def subscribe_coupon_notifications(baseSiteId: str, userId: str, body: dict):
    return _subscribed(body["couponCode"])


@bp.post(COUPONS + "/<couponCode>/notification")
@operation("doSubscribeToCustomerCoupon", secured=roles.USER, anonymous=False)
def subscribe_coupon_notification_by_path(baseSiteId: str, userId: str, couponCode: str):
    return _subscribed(couponCode)


@bp.post(COUPONS + "/unsubscribeNotifications")
@operation("unsubscribeNotificationsOfCustomerCoupon", secured=roles.USER, anonymous=False,
           body=CouponOperationBody)
def unsubscribe_coupon_notifications(baseSiteId: str, userId: str, body: dict):
    coupons().unsubscribe(body["couponCode"])
    return empty()


@bp.delete(COUPONS + "/<couponCode>/notification")
@operation("doUnsubscribeFromCustomerCoupon", secured=roles.USER, anonymous=False)
def unsubscribe_coupon_notification_by_path(baseSiteId: str, userId: str, couponCode: str):
    coupons().unsubscribe(couponCode)
    return empty()


# -- vouchers -----------------------------------------------------------------------------------


class VoucherSearchBody(i.Body):
    """SAP's ``SAPVoucherOperationRequest``."""

    voucherCode = i.Text(required=True)


def _voucher(code: str):
    carts = carts_service()
    return respond(voucher_dto(carts, carts.voucher(code), site().lang))


@bp.get("/<baseSiteId>/vouchers/<code>")
@operation("getVoucher", secured=roles.TRUSTED)
def get_voucher(baseSiteId: str, code: str):
    return _voucher(code)


@bp.post("/<baseSiteId>/vouchers/code/search")
@operation("getVoucherByCode", secured=roles.TRUSTED, body=VoucherSearchBody)
def get_voucher_by_code(baseSiteId: str, body: dict):
    return _voucher(body["voucherCode"])
