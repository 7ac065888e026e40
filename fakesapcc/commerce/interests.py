"""Product interests: a customer asks to be told when a product is back in stock or cheaper."""
from __future__ import annotations

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError

NOTIFICATION_TYPES = ("BACK_IN_STOCK", "PRICE_REDUCTION")


class ProductInterests:
    def __init__(self, db: Db, clock: Clock, site: m.BaseSite, user: m.User) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.site = site
        self.user = user

    def of(self, product: str | None = None, kind: str | None = None) -> list[m.ProductInterest]:
        key = uid_key(self.user.uid)
        return sorted((i for i in self.state.product_interests.values()
                       if uid_key(i.user) == key and i.site == self.site.uid
                       and (not kind or i.notificationType == kind)
                       and (not product or i.product == product)), key=lambda i: i.pk)

    def by_product(self, kind: str | None = None,
                   product: str | None = None) -> list[tuple[str, list[m.ProductInterest]]]:
        grouped: dict[str, list[m.ProductInterest]] = {}
        for interest in self.of(product, kind):
            grouped.setdefault(interest.product, []).append(interest)
        return list(grouped.items())

    def add(self, product: str, kind: str) -> None:
        if not self.of(product, kind):
            interest = m.ProductInterest(self.db.new_pk(), self.user.uid, product, kind,
                                         self.site.uid, self.clock.now())
            self.state.product_interests[interest.pk] = interest

    def remove(self, product: str, kind: str) -> None:
        key = uid_key(self.user.uid)
        found = [pk for pk, i in self.state.product_interests.items() if uid_key(i.user) == key
                 and i.product == product and i.notificationType == kind]
        if not found:
            raise ApiError(400, "UnknownIdentifierError",
                           f"Product interest for product '{product}' and type '{kind}' not found")
        for pk in found:
            del self.state.product_interests[pk]
