"""B2B replenishment orders, as b2bacceleratorservices schedules them: a checked B2B cart
becomes the template of a CartToOrderCronJob whose trigger (daily every n days, weekly every n
weeks on some days, monthly on a day of the month) places a real order from a copy of the
template each time the server clock passes its next date. The buyer lists them, reads one
with the orders it placed, and cancels it (for good)."""
from __future__ import annotations

import calendar
import dataclasses
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..db import Db, uid_key
from ..errors import ApiError, ApiErrors
from ..models import b2b as mb
from .b2b_approvals import Approvals
from .carts import CART_CODE_START, Carts
from .orders import check_cart, place_order

CODE_START = 1000
#: the most orders one replenishment places in one catch-up (a clock moved years on)
MAX_RUNS = 100
SORTS = {"byDate": "Date", "byReplenishmentNumber": "Replenishment Number",
         "byNextOrderDate": "Next Order Date"}


def _field_error(subject: str, message: str) -> ApiError:
    return ApiError(400, "ValidationError", message, reason="invalid", subject=subject,
                    subject_type="parameter")


def not_found(code: str) -> ApiError:
    return ApiError(400, "UnknownIdentifierError",
                    f"Replenishment order with code [{code}] not found for current user")


def parse_start(text: str) -> datetime | None:
    """``replenishmentStartDate``: an ISO date (the day's start, UTC) or date-time (Spartacus
    sends ``yyyy-MM-ddTHH:mm:ss±hhmm``)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=timezone.utc)
        if len(text) >= 5 and text[-5] in "+-" and text[-4:].isdigit():
            text = text[:-2] + ":" + text[-2:]  # +0000 → +00:00
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _positive(form: dict, name: str) -> int:
    raw = str(form.get(name) or "").strip()
    if not raw:
        raise _field_error(name, "This field is required.")
    if not raw.isdigit() or not 0 < int(raw) <= 10_000:
        raise _field_error(name, f"{name} must be a positive whole number")
    return int(raw)


def schedule_from_form(form: dict, now: datetime) -> dict[str, Any]:
    """The trigger a ScheduleReplenishmentForm describes (scheduleReplenishmentFormWsDTOValidator:
    the period and the start date, then the field of the period), every fault in one envelope."""
    errors = []
    period = str(form.get("recurrencePeriod") or "").strip().upper()
    if not period:
        errors.append(_field_error("recurrencePeriod", "This field is required."))
    elif period not in mb.RECURRENCE_PERIODS:
        errors.append(_field_error("recurrencePeriod", f"Recurrence period [{period}] is not "
                                   f"one of {', '.join(mb.RECURRENCE_PERIODS)}"))
    raw_start = str(form.get("replenishmentStartDate") or "").strip()
    start = parse_start(raw_start) if raw_start else None
    if not raw_start:
        errors.append(_field_error("replenishmentStartDate", "This field is required."))
    elif start is None:
        errors.append(_field_error("replenishmentStartDate",
                                   f"[{raw_start}] is not a date (yyyy-MM-dd)"))
    elif start.date() < now.date():
        errors.append(_field_error("replenishmentStartDate",
                                   "The start date cannot be in the past"))
    if errors:
        raise ApiErrors(400, errors)
    values: dict[str, Any] = {"recurrence": period, "start": start}
    if period == "DAILY":
        values["interval"] = _positive(form, "numberOfDays")
    elif period == "WEEKLY":
        values["interval"] = _positive(form, "numberOfWeeks")
        days = [str(d).strip().upper() for d in form.get("daysOfWeek") or []]
        if not days:
            raise _field_error("daysOfWeek", "This field is required.")
        bad = [d for d in days if d not in mb.DAYS_OF_WEEK]
        if bad:
            raise _field_error("daysOfWeek", f"[{bad[0]}] is not a day of the week")
        values["days"] = sorted(set(days), key=mb.DAYS_OF_WEEK.index)
    else:
        day = _positive(form, "nthDayOfMonth")
        if day > 31:
            raise _field_error("nthDayOfMonth", "nthDayOfMonth must be between 1 and 31")
        values["day"] = day
    return values


# -- the trigger --------------------------------------------------------------------------------


def _at(day: date, of: datetime) -> datetime:
    return datetime.combine(day, of.timetz())


def next_date(r: mb.ReplenishmentOrder, after: datetime | None) -> datetime:
    """The trigger's first activation on or after its first date (``after`` None), or the
    first one strictly after ``after``. Weeks are counted from the Monday of the first date's
    week; a monthly day past a month's end falls on its last day."""
    start = r.firstDate
    assert start is not None
    floor = start if after is None else max(start, after + timedelta(microseconds=1))
    if r.recurrence == "DAILY":
        step = timedelta(days=r.interval)
        k = max(0, -(-(floor - start) // step))
        return start + k * step
    if r.recurrence == "WEEKLY":
        anchor = start.date() - timedelta(days=start.weekday())
        days = sorted(mb.DAYS_OF_WEEK.index(d) for d in r.daysOfWeek)
        k = max(0, (floor.date() - anchor).days // (7 * r.interval) - 1)
        while True:
            week = anchor + timedelta(days=7 * r.interval * k)
            for offset in days:
                candidate = _at(week + timedelta(days=offset), start)
                if candidate >= floor:
                    return candidate
            k += 1
    year, month = start.year, start.month
    while True:
        last = calendar.monthrange(year, month)[1]
        candidate = _at(date(year, month, min(r.dayOfMonth, last)), start)
        if candidate >= floor:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def display_time_table(r: mb.ReplenishmentOrder) -> str:
    """The trigger's ``displayTimeTable``, in words."""
    at = r.firstDate.strftime("%H:%M") if r.firstDate else "00:00"
    if r.recurrence == "DAILY":
        return f"Every {r.interval} day(s) at {at}"
    if r.recurrence == "WEEKLY":
        days = ", ".join(d.capitalize() for d in r.daysOfWeek)
        return f"Every {r.interval} week(s) on {days} at {at}"
    return f"Day {r.dayOfMonth} of every month at {at}"


class Replenishments:
    """One buyer's replenishment orders (and the trigger that runs them all)."""

    def __init__(self, db: Db, clock: Clock, config: Config, user: m.User | None = None) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.config = config
        self.user = user

    def schedule(self, carts: Carts, cart: m.Cart, form: dict) -> mb.ReplenishmentOrder:
        """The cart, checked as for placing a B2B order, becomes the template; it leaves the
        buyer's carts. No order yet: the trigger places them."""
        check_cart(carts, cart, b2b=True)
        values = schedule_from_form(form, self.clock.now())
        now = self.clock.now()
        template = dataclasses.replace(cart, entries=[dataclasses.replace(e)
                                                      for e in cart.entries],
                                       appliedVouchers=list(cart.appliedVouchers))
        r = mb.ReplenishmentOrder(
            code=self.db.next_code("replenishment", CODE_START), user=cart.user,
            site=cart.site, template=template, recurrence=values["recurrence"],
            interval=values.get("interval", 1), daysOfWeek=values.get("days", []),
            dayOfMonth=values.get("day", 1), firstDate=values["start"], created=now)
        r.firstDate = next_date(r, None)
        r.nextDate = r.firstDate
        self.state.b2b_replenishments[r.code] = r
        self.db.remove_cart(cart.code)
        return r

    def mine(self, site: str, sort: str | None) -> list[mb.ReplenishmentOrder]:
        key = uid_key(self.user.uid) if self.user else ""
        found = [r for r in self.state.b2b_replenishments.values()
                 if r.site == site and uid_key(r.user) == key]
        if sort == "byDate":
            return sorted(found, key=lambda r: (r.created, r.code), reverse=True)
        if sort == "byNextOrderDate":
            far = datetime.max.replace(tzinfo=timezone.utc)
            return sorted(found, key=lambda r: (r.nextDate or far, r.code))
        return sorted(found, key=lambda r: r.code, reverse=sort == "byReplenishmentNumber")

    def one(self, site: str, code: str) -> mb.ReplenishmentOrder:
        r = self.state.b2b_replenishments.get(code.strip())
        if r is None or r.site != site or self.user is None \
                or uid_key(r.user) != uid_key(self.user.uid):
            raise not_found(code)
        return r

    def cancel(self, r: mb.ReplenishmentOrder) -> mb.ReplenishmentOrder:
        """For good: the trigger never fires again (cancelling twice changes nothing)."""
        r.active = False
        r.nextDate = None
        return r

    def orders(self, r: mb.ReplenishmentOrder) -> list[m.Order]:
        """The orders it placed, newest first."""
        found = [self.state.orders[c] for c in r.orders if c in self.state.orders]
        return sorted(found, key=lambda o: (o.created, o.code), reverse=True)

    # -- the trigger -------------------------------------------------------------------------

    def due(self) -> bool:
        now = self.clock.now()
        return any(r.active and r.nextDate is not None and r.nextDate <= now
                   for r in self.state.b2b_replenishments.values())

    def catch_up(self) -> list[m.Order]:
        """Place the order of every activation the clock has passed, oldest first. A run that
        cannot place its order (a product out of stock, the buyer gone) is skipped, as a
        failed cron job run is; the trigger moves on."""
        now = self.clock.now()
        placed = []
        for r in sorted(self.state.b2b_replenishments.values(), key=lambda x: x.code):
            runs = 0
            while r.active and r.nextDate is not None and r.nextDate <= now \
                    and runs < MAX_RUNS:
                due = r.nextDate
                order = self._run(r, due)
                if order is not None:
                    placed.append(order)
                r.nextDate = next_date(r, due)
                runs += 1
            if r.active and r.nextDate is not None and r.nextDate <= now:
                r.nextDate = next_date(r, now)  # runs beyond MAX_RUNS are dropped
        return placed

    def _run(self, r: mb.ReplenishmentOrder, due: datetime) -> m.Order | None:
        buyer = self.db.principal(r.user)
        site = self.state.base_sites.get(r.site)
        store = self.state.base_stores.get(r.template.store)
        if not isinstance(buyer, m.B2BCustomer) or site is None or not buyer.active:
            return None
        carts = Carts(self.db, self.clock, self.config, site, store, r.template.currency)
        cart = dataclasses.replace(
            r.template, code=self.db.next_code("cart", CART_CODE_START), guid=uuid.uuid4().hex,
            entries=[dataclasses.replace(e) for e in r.template.entries],
            appliedVouchers=list(r.template.appliedVouchers), created=due, modified=due)
        self.db.add_cart(cart)
        try:
            order = place_order(carts, cart, None, b2b=True)
        except (ApiError, ApiErrors):
            self.db.remove_cart(cart.code)
            return None
        order.created = order.modified = due
        Approvals(self.db, self.clock, buyer).submit(order)
        r.orders.append(order.code)
        return order
