"""Promotion and customer coupon WsDTOs (Promotion, PromotionResult and their lists,
PromotionOrderEntryConsumed, PromotionRestriction, CustomerCoupon, CustomerCouponSearchResult,
CustomerCoupon2Customer, CustomerCouponNotification) and the coupon request body
(SAPCustomerCouponOperationRequest)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ... import dto as d
from ... import inputs as i
from ....commerce import coupons as cc
from ....commerce.money import format_amount
from ....commerce.promotions import ORDER_KINDS
from ....models import localized
from ....models import promotions as mp

PROMOTION = d.DtoType(
    "Promotion", "code title promotionType startDate endDate description couldFireMessages "
    "firedMessages productBanner enabled priority promotionGroup restrictions",
    BASIC="code", DEFAULT="code,title,promotionType,startDate,endDate,description,"
                          "couldFireMessages,firedMessages,enabled,priority,promotionGroup")
PROMOTION_LIST = d.DtoType("PromotionList", "promotions")
PROMOTION_RESTRICTION = d.DtoType("PromotionRestriction", "restrictionType description")
PROMOTION_RESULT = d.DtoType("PromotionResult", "description promotion consumedEntries",
                             BASIC="description", DEFAULT="description,promotion(BASIC),"
                                                          "consumedEntries")
PROMOTION_RESULT_LIST = d.DtoType("PromotionResultList", "promotions")
CONSUMED = d.DtoType("PromotionOrderEntryConsumed",
                     "code adjustedUnitPrice orderEntryNumber quantity")
CUSTOMER_COUPON = d.DtoType(
    "CustomerCoupon", "couponId name startDate endDate status description notificationOn "
    "allProductsApplicable")
COUPON_SEARCH = d.DtoType("CustomerCouponSearchResult", "coupons sorts pagination")
COUPON_TO_CUSTOMER = d.DtoType("CustomerCoupon2Customer", "coupon customer")
COUPON_NOTIFICATION = d.DtoType("CustomerCouponNotification", "coupon customer status")

#: SAP's promotion type name of a rule-based promotion
RULE_BASED = "Rule Based Promotion"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def promotion_dto(rule: mp.PromotionRule, lang: str) -> d.Dto:
    fired = localized(rule.messageFired, lang)
    potential = localized(rule.messagePotential, lang)
    return PROMOTION(
        code=rule.code, title=localized(rule.name, lang), promotionType=RULE_BASED,
        startDate=_iso(rule.startDate), endDate=_iso(rule.endDate),
        description=localized(rule.description, lang),
        couldFireMessages=[potential] if potential else [],
        firedMessages=[fired] if fired else [], enabled=rule.status == "PUBLISHED",
        priority=rule.priority, promotionGroup=rule.promotionGroup, restrictions=[])


def promotion_result_dto(state: Any, record: dict, currency: str, lang: str,
                         potential: bool = False) -> d.Dto:
    """One fired (or potential) rule of a cart's or an order's totals."""
    rule = state.promotion_rules.get(record["rule"])
    if rule is None:
        return PROMOTION_RESULT(description=record["rule"], consumedEntries=[])
    text = localized(rule.messagePotential if potential else rule.messageFired, lang) or \
        localized(rule.name, lang) or rule.code
    if potential and record.get("missingUnits") is not None:
        text = text.replace("{missing}", str(record["missingUnits"]))
    elif potential and record.get("missing") is not None:
        cur = state.currencies.get(currency)
        missing = format_amount(record["missing"], cur, lang) if cur else str(record["missing"])
        text = text.replace("{missing}", missing)
    return PROMOTION_RESULT(
        description=text, promotion=promotion_dto(rule, lang),
        consumedEntries=[CONSUMED(orderEntryNumber=n, quantity=q, adjustedUnitPrice=p)
                         for n, q, p in record.get("consumed", [])])


def promotion_results(state: Any, totals: dict, currency: str, lang: str) -> dict[str, list]:
    """The promotion properties of a Cart or an Order from its totals."""
    record = totals.get("promotions") or {}

    def results(key: str, potential: bool = False) -> list[d.Dto]:
        return [promotion_result_dto(state, r, currency, lang, potential)
                for r in record.get(key, [])]

    return {"appliedOrderPromotions": results("appliedOrder"),
            "appliedProductPromotions": results("appliedProduct"),
            "potentialOrderPromotions": results("potentialOrder", True),
            "potentialProductPromotions": results("potentialProduct", True)}


def customer_coupon_dto(service: cc.CustomerCoupons, coupon: mp.CustomerCoupon,
                        lang: str) -> d.Dto:
    return CUSTOMER_COUPON(
        couponId=coupon.couponId, name=localized(coupon.name, lang) or coupon.couponId,
        startDate=_iso(coupon.startDate), endDate=_iso(coupon.endDate),
        status=cc.status(coupon, service.clock.now()),
        description=localized(coupon.description, lang),
        notificationOn=service.notified(coupon),
        allProductsApplicable=any(r.kind in ORDER_KINDS for r in service.state.promotion_rules.values()
                                  if coupon.couponId in r.coupons))


class CouponOperationBody(i.Body):
    """SAP's ``SAPCustomerCouponOperationRequest``."""

    couponCode = i.Text(required=True)
