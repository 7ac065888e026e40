"""The promotion engine: which of a site's promotion rules fire on a cart, and what they take off.

SAP's rule engine evaluates Drools rules compiled from ``PromotionSourceRule`` conditions and
actions; here a rule is one of the common kinds below, with its parameters as attributes
(docs/fidelity.md, "Promotions"):

- ``ORDER_PERCENTAGE_DISCOUNT``: ``value`` % off the order, from ``threshold`` (if set);
- ``ORDER_FIXED_DISCOUNT``: ``value`` (in ``currency``) off the order, from ``threshold``;
- ``PRODUCT_PERCENTAGE_DISCOUNT``: ``value`` % off each unit of ``products``;
- ``CATEGORY_PERCENTAGE_DISCOUNT``: ``value`` % off each unit of a product in ``categories``
  (or below them);
- ``FREE_DELIVERY``: no delivery cost, from ``threshold``;
- ``BUY_X_GET_Y``: of every ``qualifyingCount`` + ``freeCount`` units of ``products`` or
  ``categories``, the ``freeCount`` cheapest are free.

A rule with ``coupons`` fires only when one of them is applied to the cart. Rules run by
priority, highest first (then by code): product rules first, each unit consumed by at most one
of them, then order rules on the subtotal after product discounts, each on what the rules
before it left. An order rule whose threshold is not reached is *potential* once the subtotal
reaches ``potentialFrom`` (SAP's "could fire" message).

``evaluate`` is pure: the caller gives the rules already chosen for the site and the date, their
amounts in the cart's currency, and the cart's lines.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..db import CATALOG
from ..models import promotions as mp
from .money import round_amount

ORDER_PERCENTAGE = "ORDER_PERCENTAGE_DISCOUNT"
ORDER_FIXED = "ORDER_FIXED_DISCOUNT"
PRODUCT_PERCENTAGE = "PRODUCT_PERCENTAGE_DISCOUNT"
CATEGORY_PERCENTAGE = "CATEGORY_PERCENTAGE_DISCOUNT"
FREE_DELIVERY = "FREE_DELIVERY"
BUY_X_GET_Y = "BUY_X_GET_Y"
ORDER_KINDS = (ORDER_PERCENTAGE, ORDER_FIXED, FREE_DELIVERY)
PRODUCT_KINDS = (PRODUCT_PERCENTAGE, CATEGORY_PERCENTAGE, BUY_X_GET_Y)
KINDS = ORDER_KINDS + PRODUCT_KINDS


@dataclass(frozen=True)
class Line:
    """A cart entry as the engine sees it: its categories include every ancestor."""

    number: int
    product: str
    categories: frozenset[str]
    quantity: int
    unit_price: float


@dataclass(frozen=True)
class Rule:
    """A rule in the cart's currency (``value`` of fixed discounts and thresholds converted)."""

    code: str
    kind: str
    value: float = 0.0
    threshold: float | None = None
    potential_from: float | None = None
    products: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    qualifying: int = 1
    free: int = 1
    coupons: frozenset[str] = frozenset()
    priority: int = 0

    def matches(self, line: Line) -> bool:
        return line.product in self.products or not self.categories.isdisjoint(line.categories)


@dataclass(frozen=True)
class Consumed:
    """SAP's PromotionOrderEntryConsumed: units of an entry a product rule used."""

    entry: int
    quantity: int
    adjusted_unit_price: float


@dataclass(frozen=True)
class Fired:
    rule: str
    discount: float = 0.0
    consumed: tuple[Consumed, ...] = ()
    missing: float | None = None  # potential: what the subtotal lacks to reach the threshold
    missing_units: int | None = None  # potential buy X get Y: the units to add

    def as_dict(self) -> dict:
        record = {"rule": self.rule, "discount": self.discount, "missing": self.missing,
                  "consumed": [[c.entry, c.quantity, c.adjusted_unit_price]
                               for c in self.consumed]}
        if self.missing_units is not None:
            record["missingUnits"] = self.missing_units
        return record


@dataclass
class Outcome:
    entry_discounts: dict[int, float] = field(default_factory=dict)
    order_discount: float = 0.0
    free_delivery: bool = False
    applied_order: list[Fired] = field(default_factory=list)
    applied_product: list[Fired] = field(default_factory=list)
    potential_order: list[Fired] = field(default_factory=list)
    potential_product: list[Fired] = field(default_factory=list)

    @property
    def product_discount(self) -> float:
        return sum(self.entry_discounts.values())

    def as_dict(self) -> dict:
        """A plain record, frozen with an order's totals."""
        return {"appliedOrder": [f.as_dict() for f in self.applied_order],
                "appliedProduct": [f.as_dict() for f in self.applied_product],
                "potentialOrder": [f.as_dict() for f in self.potential_order],
                "potentialProduct": [f.as_dict() for f in self.potential_product]}


def _ordered(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda r: (-r.priority, r.code))


def evaluate(rules: Iterable[Rule], lines: list[Line], coupons: Iterable[str],
             digits: int = 2) -> Outcome:
    applied = set(coupons)
    eligible = [r for r in _ordered(rules) if not r.coupons or not r.coupons.isdisjoint(applied)]
    out = Outcome()
    free_units = {line.number: line.quantity for line in lines}  # units no product rule took
    for rule in eligible:
        if rule.kind not in PRODUCT_KINDS:
            continue
        if rule.kind == BUY_X_GET_Y:
            potential = _incomplete_group(rule, lines, free_units)
            if potential is not None:
                out.potential_product.append(potential)
        fired = _product_rule(rule, lines, free_units, digits)
        if fired is not None:
            out.applied_product.append(fired)
            for c in fired.consumed:
                free_units[c.entry] -= c.quantity
            for entry, amount in _discounts(fired, lines).items():
                out.entry_discounts[entry] = round_amount(
                    out.entry_discounts.get(entry, 0.0) + amount, digits)
    base = round_amount(sum(line.unit_price * line.quantity for line in lines)
                        - out.product_discount, digits)
    remaining = base
    for rule in eligible:
        if rule.kind not in ORDER_KINDS or not lines:
            continue
        if rule.threshold is not None and base < rule.threshold:
            if rule.potential_from is not None and base >= rule.potential_from:
                out.potential_order.append(Fired(rule.code, missing=round_amount(
                    rule.threshold - base, digits)))
            continue
        if rule.kind == FREE_DELIVERY:
            out.free_delivery = True
            out.applied_order.append(Fired(rule.code))
            continue
        if rule.kind == ORDER_PERCENTAGE:
            discount = round_amount(remaining * rule.value / 100, digits)
        else:
            discount = round_amount(min(rule.value, remaining), digits)
        if discount <= 0:
            continue
        remaining = round_amount(remaining - discount, digits)
        out.order_discount = round_amount(out.order_discount + discount, digits)
        out.applied_order.append(Fired(rule.code, discount))
    return out


def _discounts(fired: Fired, lines: list[Line]) -> dict[int, float]:
    prices = {line.number: line.unit_price for line in lines}
    result: dict[int, float] = {}
    for c in fired.consumed:
        result[c.entry] = result.get(c.entry, 0.0) + (prices[c.entry] - c.adjusted_unit_price) * c.quantity
    return result


def _product_rule(rule: Rule, lines: list[Line], free_units: dict[int, int],
                  digits: int) -> Fired | None:
    matching = [line for line in lines if rule.matches(line) and free_units[line.number] > 0]
    if not matching:
        return None
    if rule.kind in (PRODUCT_PERCENTAGE, CATEGORY_PERCENTAGE):
        consumed = tuple(Consumed(line.number, free_units[line.number], round_amount(
            line.unit_price * (1 - rule.value / 100), digits)) for line in matching)
    else:  # buy X get Y: the cheapest units of each group of X + Y are free
        group = max(rule.qualifying, 1) + max(rule.free, 0)
        units = sum(free_units[line.number] for line in matching)
        free = (units // group) * max(rule.free, 0)
        if free == 0:
            return None
        items: list[Consumed] = []
        for line in sorted(matching, key=lambda x: (x.unit_price, x.number)):
            take = min(free, free_units[line.number])
            if take:
                items.append(Consumed(line.number, take, 0.0))
                free -= take
        consumed = tuple(items)
    discount = round_amount(sum((next(x.unit_price for x in lines if x.number == c.entry)
                                 - c.adjusted_unit_price) * c.quantity for c in consumed), digits)
    if discount <= 0:
        return None
    return Fired(rule.code, discount, consumed)


def _incomplete_group(rule: Rule, lines: list[Line], free_units: dict[int, int]) -> Fired | None:
    """A buy X get Y rule that could fire: units of its products that no earlier rule took
    and that make no whole group of X + Y; ``missing_units`` the units to add."""
    matching = [line for line in lines if rule.matches(line) and free_units[line.number] > 0]
    group = max(rule.qualifying, 1) + max(rule.free, 0)
    left = sum(free_units[line.number] for line in matching) % group
    if not left or rule.free <= 0:
        return None
    consumed, take = [], left
    for line in sorted(matching, key=lambda x: (-x.unit_price, x.number)):
        units = min(take, free_units[line.number])
        if units:
            consumed.append(Consumed(line.number, units, line.unit_price))
            take -= units
    return Fired(rule.code, consumed=tuple(consumed), missing_units=group - left)


# -- the rules of a site ------------------------------------------------------------------------


def active(rule: mp.PromotionRule, now: datetime, groups: Iterable[str]) -> bool:
    """Published, in its dates, and of one of the site's promotion groups (or of none)."""
    return (rule.status == "PUBLISHED" and rule.kind in KINDS
            and (rule.startDate is None or rule.startDate <= now)
            and (rule.endDate is None or now < rule.endDate)
            and (rule.promotionGroup is None or rule.promotionGroup in set(groups)))


def engine_rule(rule: mp.PromotionRule, convert: Callable[[float, str | None], float]) -> Rule:
    """The engine's view of a rule: fixed amounts and thresholds in the cart's currency
    (``convert(amount, currency)``); a line's categories carry every ancestor."""
    fixed = rule.kind == ORDER_FIXED
    return Rule(
        code=rule.code, kind=rule.kind,
        value=convert(rule.value, rule.currency) if fixed else rule.value,
        threshold=convert(rule.threshold, rule.currency) if rule.threshold is not None else None,
        potential_from=convert(rule.potentialFrom, rule.currency)
        if rule.potentialFrom is not None else None,
        products=frozenset(rule.products), categories=frozenset(rule.categories),
        qualifying=rule.qualifyingCount, free=rule.freeCount, coupons=frozenset(rule.coupons),
        priority=rule.priority)


class Promotions:
    """The promotion rules of one site, evaluated on its carts in a currency."""

    def __init__(self, state, now: datetime, site, currency: str, catalog,
                 digits: int = 2, db=None) -> None:
        self.state = state
        self.db = db  # given: the engine's rules are kept in ``Db.derived`` (``engine_rules``)
        self.now = now
        self.site = site
        self.currency = currency
        self.catalog = catalog
        self.digits = digits

    def groups(self) -> list[str]:
        """The promotion groups of the site: its uid, its stores' uids and SAP's
        ``<store>PromoGrp`` names."""
        stores = list(self.site.stores)
        return [self.site.uid, *stores, *(f"{s}PromoGrp" for s in stores)]

    def rules(self, order_code: str | None = None,
              restricted: bool = False) -> list[mp.PromotionRule]:
        """The site's active rules; an order-restricted one only for the carts it names (or
        every one, ``restricted``)."""
        groups = self.groups()
        return sorted((r for r in self.state.promotion_rules.values()
                       if active(r, self.now, groups)
                       and (restricted or not r.orderRestricted or order_code in r.orders)),
                      key=lambda r: (-r.priority, r.code))

    def rule(self, code: str) -> mp.PromotionRule | None:
        rule = self.state.promotion_rules.get(code)
        return rule if rule is not None and rule.promotionGroup in (None, *self.groups()) else None

    def convert(self, amount: float, currency: str | None) -> float:
        if currency is None or currency == self.currency:
            return amount
        source = self.state.currencies.get(currency)
        target = self.state.currencies.get(self.currency)
        if not (source and target and source.conversion):
            return amount
        return amount / source.conversion * target.conversion

    def lines(self, entries) -> list[Line]:
        result = []
        for e in entries:
            product = self.catalog.product(e.product)
            categories = frozenset(self.catalog.ancestors(list(product.supercategories))
                                   if product else ())
            result.append(Line(e.entryNumber, e.product, categories, e.quantity, e.basePrice))
        return result

    def evaluate(self, order) -> Outcome:
        rules = [rule for rule, source in self.engine_rules()
                 if not source.orderRestricted or order.code in source.orders]
        return evaluate(rules, self.lines(order.entries), order.appliedVouchers, self.digits)

    def engine_rules(self) -> list[tuple[Rule, mp.PromotionRule]]:
        """Every active rule of the site (``rules(restricted=True)``) in the engine's form,
        beside the rule itself (whose orders a trusted client changes). With a ``db`` they are
        kept until the catalog changes (rules and currencies come from ImpEx), per site,
        currency and span of the clock between two of the rules' start and end dates, in
        which the same rules are active: each cart write repriced them all from scratch."""
        def build(_state: object = None) -> list[tuple[Rule, mp.PromotionRule]]:
            return [(engine_rule(r, self.convert), r) for r in self.rules(restricted=True)]

        if self.db is None:
            return build()
        dates = self.db.derived("promotion-dates", (CATALOG,), _dates)
        span = bisect.bisect_right(dates, self.now)
        return self.db.derived(("promotion-rules", self.site.uid, self.currency, span),
                               (CATALOG,), build)


def _dates(state) -> list[datetime]:
    """The start and end dates of every rule, sorted: between two of them the same rules are
    active (``active``: a start is at or before the clock, an end after it)."""
    return sorted({d for r in state.promotion_rules.values()
                   for d in (r.startDate, r.endDate) if d is not None})
