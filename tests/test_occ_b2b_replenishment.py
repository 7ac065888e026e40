"""B2B replenishment orders on ``powertools-spa`` over HTTP: a checked B2B cart scheduled daily,
weekly or monthly, listed, read, cancelled for good; the trigger places real orders when the
server clock passes its dates, and the replenishment's history lists them. Schema-checked."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import spec
from fakesapcc.commerce.b2b_replenishment import next_date
from fakesapcc.models import b2b as mb

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

SITE = "powertools-spa"
BUYER = "mark.rivers@rustic-hw.com"
DRILL = "3881018"
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@pytest.fixture
def buyer(sapcc, sapcc_client, customer_token):
    sapcc.freeze_clock()
    return spec.Client(sapcc_client, site=SITE, token=customer_token(BUYER, "pw4all"))


def ready_cart(sapcc, client, po: str = "PO-R1") -> str:
    """A cart on account, with a cost center, a unit address and a delivery mode."""
    code = client.post("users/current/carts").get_json()["code"]
    client.post(f"orgUsers/current/carts/{code}/entries/",
                json={"orderEntries": [{"product": {"code": DRILL}, "quantity": 2}]})
    cart = f"users/current/carts/{code}"
    client.put(f"{cart}/paymenttype?paymentType=ACCOUNT&purchaseOrderNumber={po}")
    client.put(f"{cart}/costcenter?costCenterId=Custom_Retail")
    unit_pk = next(pk for pk, a in sapcc.runtime.db.state.addresses.items()
                   if a.owner == "Custom Retail")
    client.put(f"orgUsers/current/carts/{code}/addresses/delivery?addressId={unit_pk}")
    client.put(f"{cart}/deliverymode?deliveryModeId=standard-gross")
    return code


def schedule(client, code: str, form: dict, terms: str = "true"):
    return client.post(f"orgUsers/current/replenishmentOrders?cartId={code}"
                       f"&termsChecked={terms}&fields=FULL", json=form)


def tomorrow(sapcc) -> datetime:
    now = sapcc.runtime.clock.now()
    return datetime.combine((now + timedelta(days=1)).date(), datetime.min.time(),
                            tzinfo=timezone.utc)


def test_story_a_weekly_replenishment_places_an_order_when_the_clock_passes_its_date(
        sapcc, buyer, customer_token):
    code = ready_cart(sapcc, buyer)
    start = tomorrow(sapcc)
    made = schedule(buyer, code, {"recurrencePeriod": "WEEKLY", "numberOfWeeks": "1",
                                  "daysOfWeek": [DAYS[start.weekday()]],
                                  "replenishmentStartDate": start.date().isoformat()})
    assert made.status_code == 201, made.get_data(as_text=True)
    r = made.get_json()
    rcode = r["replenishmentOrderCode"]
    assert r["active"] is True and r["purchaseOrderNumber"] == "PO-R1"
    assert r["costCenter"]["code"] == "Custom_Retail" and r["entries"][0]["quantity"] == 2
    assert r["firstDate"] == r["trigger"]["activationTime"] == start.isoformat()
    assert r["trigger"]["displayTimeTable"] == \
        f"Every 1 week(s) on {DAYS[start.weekday()].capitalize()} at 00:00"
    # the cart became the template: it is no longer the buyer's
    assert spec.error(buyer.get(f"users/current/carts/{code}"), 400)["type"] == "CartError"
    history = f"users/current/replenishmentOrders/{rcode}/orders"
    assert buyer.get(history).get_json()["orders"] == []

    sapcc.advance_clock((start - sapcc.runtime.clock.now()).total_seconds() - 60)
    buyer.token = customer_token(BUYER, "pw4all")  # up to a day later: the old one may expire
    assert buyer.get(history).get_json()["orders"] == []  # a minute before
    sapcc.advance_clock(120)
    orders = buyer.get(history).get_json()["orders"]
    assert len(orders) == 1 and orders[0]["placed"] == start.isoformat()
    order = buyer.get(f"users/current/orders/{orders[0]['code']}?fields=FULL").get_json()
    assert (order["purchaseOrderNumber"], order["costCenter"]["code"],
            order["entries"][0]["quantity"]) == ("PO-R1", "Custom_Retail", 2)
    assert order["code"] in [o["code"] for o in buyer.get("users/current/orders").get_json()[
        "orders"]]
    one = buyer.get(f"users/current/replenishmentOrders/{rcode}?fields=FULL").get_json()
    assert one["trigger"]["activationTime"] == (start + timedelta(days=7)).isoformat()

    sapcc.advance_clock(7 * 86400)
    buyer.token = customer_token(BUYER, "pw4all")  # the old one has expired
    assert len(buyer.get(history).get_json()["orders"]) == 2
    cancelled = buyer.patch(f"users/current/replenishmentOrders/{rcode}?fields=FULL")
    assert cancelled.status_code == 200 and cancelled.get_json()["active"] is False
    assert "activationTime" not in cancelled.get_json()["trigger"]
    sapcc.advance_clock(14 * 86400)
    buyer.token = customer_token(BUYER, "pw4all")
    assert len(buyer.get(history).get_json()["orders"]) == 2  # never again
    assert buyer.patch(f"users/current/replenishmentOrders/{rcode}").status_code == 200


def test_list_and_read(sapcc, buyer, customer_token, sapcc_client):
    start = tomorrow(sapcc)
    daily = schedule(buyer, ready_cart(sapcc, buyer, "PO-D"), {
        "recurrencePeriod": "DAILY", "numberOfDays": "3",
        "replenishmentStartDate": start.strftime("%Y-%m-%dT%H:%M:%S+0000")}).get_json()
    monthly = schedule(buyer, ready_cart(sapcc, buyer, "PO-M"), {
        "recurrencePeriod": "MONTHLY", "nthDayOfMonth": "31",
        "replenishmentStartDate": start.date().isoformat()}).get_json()
    assert daily["trigger"]["displayTimeTable"] == "Every 3 day(s) at 00:00"
    assert monthly["trigger"]["displayTimeTable"] == "Day 31 of every month at 00:00"
    listed = buyer.get("users/current/replenishmentOrders?fields=FULL").get_json()
    assert [r["replenishmentOrderCode"] for r in listed["replenishmentOrders"]] == [
        daily["replenishmentOrderCode"], monthly["replenishmentOrderCode"]]
    assert listed["pagination"]["totalResults"] == 2
    assert {s["code"] for s in listed["sorts"]} >= {"byDate", "byNextOrderDate"}
    paged = buyer.get("users/current/replenishmentOrders?pageSize=1&currentPage=1").get_json()
    assert [r["replenishmentOrderCode"] for r in paged["replenishmentOrders"]] == [
        monthly["replenishmentOrderCode"]]
    basic = buyer.get(f"users/current/replenishmentOrders/{daily['replenishmentOrderCode']}"
                      "?fields=BASIC").get_json()
    assert set(basic) <= {"replenishmentOrderCode", "active", "trigger", "firstDate", "code",
                          "guid"}
    # another buyer sees none of them
    other = spec.Client(sapcc_client, site=SITE,
                        token=customer_token("gi.sun@rustic-hw.com", "pw4all"))
    assert other.get("users/current/replenishmentOrders").get_json()[
        "replenishmentOrders"] == []
    assert spec.error(other.get(
        f"users/current/replenishmentOrders/{daily['replenishmentOrderCode']}"), 400)[
        "type"] == "UnknownIdentifierError"
    for call in (other.patch, buyer.patch):
        assert spec.error(call("users/current/replenishmentOrders/nope"), 400)[
            "type"] == "UnknownIdentifierError"
    assert spec.error(buyer.get("users/current/replenishmentOrders/nope/orders"), 400)[
        "type"] == "UnknownIdentifierError"


def test_the_form_and_the_cart_are_checked(sapcc, buyer):
    code = ready_cart(sapcc, buyer)
    start = tomorrow(sapcc).date().isoformat()
    assert spec.error(schedule(buyer, code, {"recurrencePeriod": "DAILY",
                                             "numberOfDays": "1",
                                             "replenishmentStartDate": start}, terms="false"),
                      400)["subject"] == "termsChecked"
    errors = spec.errors(schedule(buyer, code, {}), 400)
    assert {e["subject"] for e in errors} == {"recurrencePeriod", "replenishmentStartDate"}
    cases = [({"recurrencePeriod": "YEARLY", "replenishmentStartDate": start},
              "recurrencePeriod"),
             ({"recurrencePeriod": "DAILY", "replenishmentStartDate": "someday"},
              "replenishmentStartDate"),
             ({"recurrencePeriod": "DAILY", "replenishmentStartDate": "2001-01-01"},
              "replenishmentStartDate"),
             ({"recurrencePeriod": "DAILY", "numberOfDays": "0",
               "replenishmentStartDate": start}, "numberOfDays"),
             ({"recurrencePeriod": "WEEKLY", "numberOfWeeks": "2", "daysOfWeek": [],
               "replenishmentStartDate": start}, "daysOfWeek"),
             ({"recurrencePeriod": "WEEKLY", "numberOfWeeks": "2", "daysOfWeek": ["FUNDAY"],
               "replenishmentStartDate": start}, "daysOfWeek"),
             ({"recurrencePeriod": "MONTHLY", "nthDayOfMonth": "32",
               "replenishmentStartDate": start}, "nthDayOfMonth")]
    for form, subject in cases:
        error = spec.error(schedule(buyer, code, form), 400)
        assert (error["type"], error["subject"]) == ("ValidationError", subject), form
    assert buyer.get("users/current/replenishmentOrders").get_json()[
        "replenishmentOrders"] == []
    assert buyer.get(f"users/current/carts/{code}").status_code == 200  # still the buyer's
    # a cart that cannot be ordered cannot be scheduled
    bare = buyer.post("users/current/carts").get_json()["code"]
    buyer.post(f"orgUsers/current/carts/{bare}/entries/",
               json={"orderEntries": [{"product": {"code": DRILL}, "quantity": 1}]})
    messages = {e["message"] for e in spec.errors(schedule(buyer, bare, {
        "recurrencePeriod": "DAILY", "numberOfDays": "1", "replenishmentStartDate": start}),
        400)}
    assert "Delivery mode is not set" in messages


def test_anonymous_and_guests_cannot_schedule(sapcc_client):
    anonymous = spec.Client(sapcc_client, site=SITE)
    assert anonymous.get("users/anonymous/replenishmentOrders").status_code == 401
    assert anonymous.post("orgUsers/anonymous/replenishmentOrders?cartId=x&termsChecked=true",
                          json={}).status_code in (400, 401)


def _r(**kw) -> mb.ReplenishmentOrder:
    return mb.ReplenishmentOrder(code="1", user="u", site="s", template=None, **kw)


def test_next_dates():
    monday = datetime(2030, 1, 7, 9, 30, tzinfo=timezone.utc)  # a Monday
    weekly = _r(recurrence="WEEKLY", interval=2, daysOfWeek=["MONDAY", "THURSDAY"],
                firstDate=monday)
    dates, last = [], None
    for _ in range(4):
        last = next_date(weekly, last)
        dates.append(last.date().isoformat())
    assert dates == ["2030-01-07", "2030-01-10", "2030-01-21", "2030-01-24"]
    # a start on a Wednesday skips that week's Monday
    wednesday = _r(recurrence="WEEKLY", interval=1, daysOfWeek=["MONDAY"],
                   firstDate=monday + timedelta(days=2))
    assert next_date(wednesday, None).date().isoformat() == "2030-01-14"
    monthly = _r(recurrence="MONTHLY", dayOfMonth=31, firstDate=datetime(2030, 1, 31,
                                                                         tzinfo=timezone.utc))
    first = next_date(monthly, None)
    assert [first.day, next_date(monthly, first).day] == [31, 28]  # February's last day
    daily = _r(recurrence="DAILY", interval=3, firstDate=monday)
    assert next_date(daily, monday + timedelta(days=4)) == monday + timedelta(days=6)


def test_a_replenishment_survives_a_snapshot_and_restore(sapcc, buyer, customer_token):
    start = tomorrow(sapcc)
    rcode = schedule(buyer, ready_cart(sapcc, buyer), {
        "recurrencePeriod": "DAILY", "numberOfDays": "1",
        "replenishmentStartDate": start.date().isoformat()}).get_json()["replenishmentOrderCode"]
    document = sapcc.snapshot()
    sapcc.reset()
    sapcc.restore(document)
    sapcc.freeze_clock()
    sapcc.advance_clock((start - sapcc.runtime.clock.now()).total_seconds() + 60)
    buyer.token = customer_token(BUYER, "pw4all")
    assert len(buyer.get(f"users/current/replenishmentOrders/{rcode}/orders").get_json()[
        "orders"]) == 1
