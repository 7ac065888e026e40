"""The promotion engine (``commerce.promotions.evaluate``) on plain lines: each kind of rule,
priorities, coupons, consumed units, thresholds and potential promotions."""
from __future__ import annotations

from datetime import datetime, timezone

from fakesapcc.commerce import promotions as p
from fakesapcc.models.promotions import PromotionRule

CAMERA = p.Line(0, "cam", frozenset({"576", "575", "571"}), 2, 100.0)
WEBCAM = p.Line(1, "web", frozenset({"827"}), 1, 50.0)


def rule(code: str, kind: str, **kw) -> p.Rule:
    return p.Rule(code, kind, **kw)


def test_nothing_fires_without_rules():
    out = p.evaluate([], [CAMERA], [])
    assert (out.order_discount, out.product_discount, out.free_delivery) == (0, 0, False)


def test_product_and_category_percentages_consume_their_units():
    out = p.evaluate([rule("cat", p.CATEGORY_PERCENTAGE, value=10, categories=frozenset({"571"})),
                      rule("web", p.PRODUCT_PERCENTAGE, value=20, products=frozenset({"web"}))],
                     [CAMERA, WEBCAM], [])
    assert out.entry_discounts == {0: 20.0, 1: 10.0}
    assert [f.rule for f in out.applied_product] == ["cat", "web"]
    assert out.applied_product[0].consumed == (p.Consumed(0, 2, 90.0),)


def test_a_unit_takes_one_product_promotion_the_highest_priority_first():
    low = rule("low", p.PRODUCT_PERCENTAGE, value=50, products=frozenset({"cam"}))
    high = rule("high", p.PRODUCT_PERCENTAGE, value=10, products=frozenset({"cam"}), priority=5)
    out = p.evaluate([low, high], [CAMERA], [])
    assert [f.rule for f in out.applied_product] == ["high"] and out.entry_discounts == {0: 20.0}


def test_buy_x_get_y_frees_the_cheapest_units():
    lines = [p.Line(0, "a", frozenset(), 2, 30.0), p.Line(1, "b", frozenset(), 2, 10.0)]
    out = p.evaluate([rule("b2g1", p.BUY_X_GET_Y, products=frozenset({"a", "b"}), qualifying=1,
                           free=1)], lines, [])
    assert out.applied_product[0].consumed == (p.Consumed(1, 2, 0.0),)
    assert out.entry_discounts == {1: 20.0}
    assert p.evaluate([rule("b2g1", p.BUY_X_GET_Y, products=frozenset({"a"}), qualifying=2,
                            free=1)], lines[:1], []).applied_product == []


def test_order_rules_on_what_product_rules_left_in_turn():
    rules = [rule("pct", p.ORDER_PERCENTAGE, value=10, priority=2),
             rule("fixed", p.ORDER_FIXED, value=30, threshold=150, priority=1),
             rule("prod", p.PRODUCT_PERCENTAGE, value=50, products=frozenset({"web"}))]
    out = p.evaluate(rules, [CAMERA, WEBCAM], [])
    # 250 - 25 (product) = 225; 10% = 22.5; then 30 off: 52.5
    assert out.order_discount == 52.5
    assert [f.discount for f in out.applied_order] == [22.5, 30.0]


def test_a_fixed_discount_never_exceeds_the_order():
    out = p.evaluate([rule("big", p.ORDER_FIXED, value=1000)], [WEBCAM], [])
    assert out.order_discount == 50.0


def test_thresholds_and_potential_promotions():
    r = rule("t", p.ORDER_FIXED, value=20, threshold=300, potential_from=200)
    out = p.evaluate([r], [CAMERA], [])
    assert out.applied_order == [] and out.potential_order == [p.Fired("t", missing=100.0)]
    assert p.evaluate([r], [WEBCAM], []).potential_order == []  # below potentialFrom
    assert p.evaluate([r], [CAMERA, WEBCAM, WEBCAM], []).order_discount == 20


def test_coupon_rules_fire_only_with_their_coupon():
    r = rule("c", p.FREE_DELIVERY, coupons=frozenset({"FREE"}))
    assert not p.evaluate([r], [CAMERA], []).free_delivery
    assert p.evaluate([r], [CAMERA], ["FREE"]).free_delivery


def test_an_empty_cart_fires_no_order_rule():
    assert p.evaluate([rule("f", p.FREE_DELIVERY)], [], []).applied_order == []


def test_active_rules_by_status_dates_and_group():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    r = PromotionRule("r", promotionGroup="g")
    assert p.active(r, now, ["g"]) and not p.active(r, now, ["other"])
    assert not p.active(PromotionRule("r", status="UNPUBLISHED"), now, [])
    assert not p.active(PromotionRule("r", endDate=now), now, [])
    assert not p.active(PromotionRule("r", startDate=datetime(2027, 1, 1, tzinfo=timezone.utc)), now, [])
    assert not p.active(PromotionRule("r", kind="SOMETHING_ELSE"), now, [])


def test_engine_rule_converts_fixed_amounts_only():
    def convert(amount, currency):
        return amount * 2 if currency == "USD" else amount

    fixed = p.engine_rule(PromotionRule("f", kind=p.ORDER_FIXED, value=10, currency="USD",
                                        threshold=100), convert)
    pct = p.engine_rule(PromotionRule("p", kind=p.ORDER_PERCENTAGE, value=10, currency="USD"),
                        convert)
    assert (fixed.value, fixed.threshold, pct.value) == (20, 200, 10)
