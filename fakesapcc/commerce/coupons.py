"""Customer coupons (customercouponservices): a customer claims a coupon, lists the ones it
holds, subscribes to their notifications, discards them, and applies one to a cart like a
voucher — a coupon's promotion rules (``PromotionRule.coupons``) fire only while it is applied.

Errors are the ``ValidationError``s of SAP's CustomerCouponsController (docs/fidelity.md,
"Customer coupons").
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import promotions as mp

NOT_FOUND = "This customer coupon does not exist, or has expired, or is inactive."
CLAIMED = "You have already claimed this coupon."
NOT_OWN = "This coupon does not belong to you."
SUBSCRIBED = "This customer coupon has already been subscribed for notification."
EXPIRE_SOON = timedelta(days=1)  # coupon.expire.notify.days=1
#: on Principal.extra: the notification channels a customer switched on or off
NOTIFICATION_CHANNELS = "notificationChannels"


def coupon_error(message: str, subject: str) -> ApiError:
    return ApiError(400, "ValidationError", message, reason="invalid", subject=subject,
                    subject_type="parameter")


def status(coupon: mp.CustomerCoupon, now: datetime) -> str:
    """``PreSession`` before its start, ``ExpireSoon`` in its last day, else ``Effective``."""
    if coupon.startDate is not None and now < coupon.startDate:
        return "PreSession"
    if coupon.endDate is not None and coupon.endDate - now <= EXPIRE_SOON:
        return "ExpireSoon"
    return "Effective"


def valid(coupon: mp.CustomerCoupon, now: datetime) -> bool:
    """Active and not expired (a coupon before its start can be claimed, not redeemed)."""
    return coupon.active and (coupon.endDate is None or now < coupon.endDate)


class CustomerCoupons:
    def __init__(self, db: Db, clock: Clock, user: m.User) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.user = user
        self.uid = uid_key(user.uid)

    def owns(self, coupon: mp.CustomerCoupon) -> bool:
        return any(uid_key(u) == self.uid for u in coupon.customers)

    def notified(self, coupon: mp.CustomerCoupon) -> bool:
        return any(uid_key(u) == self.uid for u in coupon.notified)

    def redemptions(self, coupon: mp.CustomerCoupon, mine: bool) -> int:
        return sum(1 for o in self.state.orders.values() if coupon.couponId in o.appliedVouchers
                   and (not mine or uid_key(o.user) == self.uid))

    def used_up(self, coupon: mp.CustomerCoupon) -> bool:
        per_customer, total = coupon.maxRedemptionsPerCustomer, coupon.maxTotalRedemptions
        return ((per_customer is not None and self.redemptions(coupon, True) >= per_customer)
                or (total is not None and self.redemptions(coupon, False) >= total))

    def mine(self) -> list[mp.CustomerCoupon]:
        """The coupons the customer holds, valid and not used up, by end date."""
        now = self.clock.now()
        held = [c for c in self.state.customer_coupons.values()
                if self.owns(c) and valid(c, now) and not self.used_up(c)]
        return sorted(held, key=lambda c: (c.endDate is None, c.endDate or now, c.couponId))

    def valid_coupon(self, code: str) -> mp.CustomerCoupon:
        coupon = self.state.customer_coupons.get(code)
        if coupon is None or not valid(coupon, self.clock.now()):
            raise coupon_error(NOT_FOUND, "customerCoupon_invalid")
        return coupon

    def owned_coupon(self, code: str) -> mp.CustomerCoupon:
        coupon = self.valid_coupon(code)
        if not self.owns(coupon):
            raise coupon_error(NOT_OWN, "customerCoupon_notown")
        return coupon

    def claim(self, code: str) -> mp.CustomerCoupon:
        coupon = self.valid_coupon(code)
        if self.owns(coupon):
            raise coupon_error(CLAIMED, "customerCoupon_claimed")
        coupon.customers.append(self.user.uid)
        return coupon

    def discard(self, code: str) -> None:
        """Disclaim a coupon: it leaves the customer's coupons and their notifications."""
        coupon = self.owned_coupon(code)
        coupon.customers[:] = [u for u in coupon.customers if uid_key(u) != self.uid]
        coupon.notified[:] = [u for u in coupon.notified if uid_key(u) != self.uid]

    def subscribe(self, code: str, site: m.BaseSite | None = None) -> mp.CustomerCoupon:
        """Subscribe to a coupon's notifications: an effective coupon says so at once on the
        site-message channel, if the customer has it on."""
        coupon = self.owned_coupon(code)
        if self.notified(coupon):
            raise coupon_error(SUBSCRIBED, "customerCoupon_subscribed")
        coupon.notified.append(self.user.uid)
        channels = self.user.extra.get(NOTIFICATION_CHANNELS, {})
        now = self.clock.now()
        if site is not None and channels.get("SITE_MESSAGE", True) \
                and status(coupon, now) == "Effective":
            name = next(iter(coupon.name.values()), coupon.couponId)
            message = mp.SiteMessage(
                uid=self.db.next_code("siteMessage", 1), user=self.user.uid, site=site.uid,
                subject=f"Your coupon {coupon.couponId} is effective",
                body=f"{name}: apply {coupon.couponId} to your cart"
                     + (f" before {coupon.endDate:%Y-%m-%d}." if coupon.endDate else "."),
                notificationType="COUPON_EFFECTIVE", sentDate=now)
            self.state.site_messages[message.uid] = message
        return coupon

    def unsubscribe(self, code: str) -> None:
        coupon = self.owned_coupon(code)
        coupon.notified[:] = [u for u in coupon.notified if uid_key(u) != self.uid]

    def redeemable(self, coupon: mp.CustomerCoupon) -> str | None:
        """Why the customer cannot apply the coupon to a cart now (the coupon service's key),
        or None."""
        now = self.clock.now()
        if not valid(coupon, now) or (coupon.startDate is not None and now < coupon.startDate):
            return "coupon.not.active.expired"
        if not self.owns(coupon) or self.used_up(coupon):
            return "coupon.already.redeemed"
        return None
