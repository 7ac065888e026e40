"""The Assisted Service Module's domain: customer search, customer lists by implementation type,
agent sessions, stores of an agent, and Customer 360 (asm-api.md §2, §6).

Customer lists are user groups the agent belongs to; what a list contains depends on its
``implementationType``:

- ``IN_STORE``: customers in ``POS_<STORE NAME>`` for each store of the agent's store employee
  groups (property ``assistedserviceservices.instore.customergroup.prefix``);
- ``BOPIS``: customers with a consignment ``READY_FOR_PICKUP`` at one of those stores;
- ``RECENT_SESSIONS`` (also a list ``myRecentCustomerSessions`` without a type, as SAP's sample
  data has it): the customers this agent acted for, newest first, at most
  ``assistedserviceservices.recent.sessions.limit``.

Login-disabled and deactivated customers never appear in a list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import models as m
from ..clock import Clock
from ..config import Config
from ..errors import ApiError
from ..db import State, Db, uid_key
from .customer_search import customer_index, matches

IN_STORE = "IN_STORE"
BOPIS = "BOPIS"
RECENT_SESSIONS = "RECENT_SESSIONS"
RECENT_SESSIONS_LIST = "myRecentCustomerSessions"

SEARCH_SORTS = ("byUidAsc", "byUidDesc", "byNameAsc", "byNameDesc")
LIST_SORTS = {
    IN_STORE: ("byNameAsc", "byNameDesc"),
    BOPIS: ("byOrderDateDesc", "byOrderDateAsc"),
    RECENT_SESSIONS: ("byDateDesc", "byDateAsc"),
}


@dataclass
class CustomerPage:
    customers: list[m.Customer]
    total: int
    current_page: int
    page_size: int
    sort: str
    sorts: tuple[str, ...]


def implementation_type(customer_list: m.CustomerList) -> str | None:
    if customer_list.implementationType:
        return customer_list.implementationType
    if customer_list.uid == RECENT_SESSIONS_LIST:
        return RECENT_SESSIONS
    return None


class AssistedService:
    def __init__(self, db: Db, clock: Clock, config: Config) -> None:
        self.db = db
        self.state: State = db.state
        self.clock = clock
        self.config = config

    # -- agents and their stores ---------------------------------------------------------------

    def agent_stores(self, agent: m.User) -> list[m.PointOfService]:
        """The stores of the agent's store employee groups (directly or through groups)."""
        names: list[str] = []
        for key in sorted(self.db.all_groups(agent.uid)):
            group = self.state.principals.get(key)
            if isinstance(group, m.StoreEmployeeGroup) and group.store and group.store not in names:
                names.append(group.store)
        return [self.state.points_of_service[n] for n in names if n in self.state.points_of_service]

    def customer_lists(self, agent: m.User) -> list[m.CustomerList]:
        lists = [g for k in self.db.all_groups(agent.uid)
                 if isinstance(g := self.state.principals.get(k), m.CustomerList)]
        return sorted(lists, key=lambda x: (-x.priority, x.uid))

    def customer_list(self, agent: m.User, uid: str) -> m.CustomerList:
        for found in self.customer_lists(agent):
            if uid_key(found.uid) == uid_key(uid):
                return found
        raise ApiError(400, "UnknownIdentifierError", f"Cannot find user group with uid '{uid}'")

    # -- sessions ------------------------------------------------------------------------------

    def sessions(self) -> list[m.AgentSession]:
        return self.state.agent_sessions

    def record_session(self, agent: m.User, customer: m.User, token: str | None) -> None:
        """Record a session start the first time an agent acts for a customer with one token.
        A read (an emulated GET) records too: the log has a lock of its own."""
        if not isinstance(customer, m.Customer) or uid_key(agent.uid) == uid_key(customer.uid):
            return
        with self.db.side_lock:
            sessions = self.sessions()
            if any(s.token == token and uid_key(s.customer) == uid_key(customer.uid)
                   and uid_key(s.agent) == uid_key(agent.uid) for s in sessions):
                return
            sessions.append(m.AgentSession(agent.uid, customer.uid, self.clock.now(), token))

    def bind_cart(self, agent: m.User, site: m.BaseSite, customer_id: str, cart_id: str,
                  token: str | None) -> m.Cart:
        """Give an anonymous cart of the site to a customer (by uid or customerId); the agent
        is recorded as the cart's placer and the session as started."""
        if not customer_id:
            raise _bind_error("Missing customer id")
        if not cart_id:
            raise _bind_error("Missing cart id")
        customer = self.db.user_by_id(customer_id)
        if not isinstance(customer, m.Customer):
            raise _bind_error(f"Customer with id {customer_id} not found")
        cart = self.db.cart(cart_id)
        if cart is None or cart.site != site.uid or cart.user != "anonymous":
            raise _bind_error(f"Cart with id {cart_id} not found or not anonymous")
        cart.user = customer.uid
        cart.placedBy = agent.uid
        cart.modified = self.clock.now()
        self.record_session(agent, customer, token)
        return cart

    # -- customers -----------------------------------------------------------------------------

    def active(self, customer: m.Customer) -> bool:
        return customer.is_active(self.clock.now())

    def customers(self, site: m.BaseSite | None = None, query: str | None = None) -> list[m.Customer]:
        """Registered customers (no guests), of the site when the site is isolated, whose uid
        or name contains ``query``; in uid order (from the index, ``customer_search``)."""
        return customer_index(self.db, site.uid if site else None).search(query)


    def search(self, agent: m.User, site: m.BaseSite, query: str | None, order_id: str | None,
               customer_list_id: str | None, sort: str | None, current_page: int,
               page_size: int) -> CustomerPage:
        """SAP's precedence: ``orderId``, then ``customerListId`` (with ``query`` as a filter
        inside it), then a plain ``query`` search."""
        if current_page < 0:
            raise _page_error("currentPage", "must be equal or greater than 0")
        if page_size <= 0:
            raise _page_error("pageSize", "must be greater than 0")
        if order_id and order_id.strip():
            order = self.db.order(order_id.strip())
            customer = self.db.principal(order.user) if order else None
            if order is None or not isinstance(customer, m.Customer) or order.site != site.uid:
                raise ApiError(400, "UnknownIdentifierError",
                               f"Order with code '{order_id}' not found")
            return CustomerPage([customer], 1, current_page, page_size, sort or "byUidAsc",
                                SEARCH_SORTS)
        if customer_list_id and customer_list_id.strip():
            return self.list_members(agent, site, customer_list_id.strip(), query, sort,
                                     current_page, page_size)
        sort = sort if sort in SEARCH_SORTS else "byUidAsc"
        found = self.customers(site, query)  # in uid order already
        ordered = found if sort == "byUidAsc" else self._sorted(found, sort)
        return self._page(ordered, current_page, page_size, sort, SEARCH_SORTS)

    def list_members(self, agent: m.User, site: m.BaseSite, uid: str, query: str | None,
                     sort: str | None, current_page: int, page_size: int) -> CustomerPage:
        customer_list = self.customer_list(agent, uid)
        kind = implementation_type(customer_list)
        sorts = LIST_SORTS.get(kind or "", SEARCH_SORTS)
        sort = sort if sort in sorts else sorts[0]
        if kind == IN_STORE:
            members = self._in_store(agent, site)
        elif kind == BOPIS:
            members = self._bopis(agent, site)
        elif kind == RECENT_SESSIONS:
            members = self._recent(agent)
        else:  # a list without a known strategy: its direct customer members
            members = [p for p in self.db.members_of(customer_list.uid) if isinstance(p, m.Customer)]
        members = [c for c in members if self.active(c) and matches(c, query)]
        return self._page(self._sorted(members, sort, agent), current_page, page_size, sort, sorts)

    def _in_store(self, agent: m.User, site: m.BaseSite) -> list[m.Customer]:
        prefix = self.config.prop("assistedserviceservices.instore.customergroup.prefix", "POS_") or "POS_"
        result: dict[str, m.Customer] = {}
        for pos in self.agent_stores(agent):
            for member in self.db.members_of(prefix + pos.name.upper()):
                if isinstance(member, m.Customer):
                    result[uid_key(member.uid)] = member
        return list(result.values())

    def _bopis(self, agent: m.User, site: m.BaseSite) -> list[m.Customer]:
        status = self.config.prop("assistedserviceservices.bopis.default.status", "READY_FOR_PICKUP")
        stores = {p.name for p in self.agent_stores(agent)}
        result: dict[str, m.Customer] = {}
        for consignment in self.state.consignments.values():
            if consignment.status != status or consignment.deliveryPointOfService not in stores:
                continue
            order = self.state.orders.get(consignment.order)
            customer = self.db.principal(order.user) if order else None
            if isinstance(customer, m.Customer) and order.site == site.uid:
                result[uid_key(customer.uid)] = customer
        return list(result.values())

    def _pickup_time(self, customer: m.Customer) -> datetime:
        times = [c.created for c in self.state.consignments.values()
                 if c.created and (o := self.state.orders.get(c.order)) is not None
                 and uid_key(o.user) == uid_key(customer.uid)]
        return max(times) if times else datetime.min.replace(tzinfo=self.clock.now().tzinfo)

    def _recent(self, agent: m.User) -> list[m.Customer]:
        limit = self.config.prop_int("assistedserviceservices.recent.sessions.limit", 20)
        latest: dict[str, datetime] = {}
        for s in self.sessions():
            if uid_key(s.agent) == uid_key(agent.uid):
                latest[uid_key(s.customer)] = max(latest.get(uid_key(s.customer), s.started), s.started)
        ordered = sorted(latest.items(), key=lambda kv: kv[1], reverse=True)[:limit]
        return [c for k, _ in ordered if isinstance(c := self.state.principals.get(k), m.Customer)]

    def _session_time(self, agent: m.User | None, customer: m.Customer) -> datetime:
        times = [s.started for s in self.sessions() if uid_key(s.customer) == uid_key(customer.uid)
                 and (agent is None or uid_key(s.agent) == uid_key(agent.uid))]
        return max(times) if times else datetime.min.replace(tzinfo=self.clock.now().tzinfo)

    def _sorted(self, customers: list[m.Customer], sort: str,
                agent: m.User | None = None) -> list[m.Customer]:
        keys = {
            "byUidAsc": (lambda c: c.uid, False), "byUidDesc": (lambda c: c.uid, True),
            "byNameAsc": (lambda c: ((c.name or "").lower(), c.uid), False),
            "byNameDesc": (lambda c: ((c.name or "").lower(), c.uid), True),
            "byOrderDateDesc": (self._pickup_time, True), "byOrderDateAsc": (self._pickup_time, False),
            "byDateDesc": (lambda c: self._session_time(agent, c), True),
            "byDateAsc": (lambda c: self._session_time(agent, c), False),
        }
        key, reverse = keys.get(sort, keys["byUidAsc"])
        return sorted(customers, key=key, reverse=reverse)

    @staticmethod
    def _page(customers: list[m.Customer], page: int, size: int, sort: str,
              sorts: tuple[str, ...]) -> CustomerPage:
        return CustomerPage(customers[page * size:(page + 1) * size], len(customers), page, size,
                            sort, sorts)

    # -- facts for customer cards and Customer 360 ------------------------------------------------

    def latest_cart(self, customer: m.User, site: m.BaseSite, saved: bool = False) -> m.Cart | None:
        carts = [c for c in self.state.carts.values()
                 if uid_key(c.user) == uid_key(customer.uid) and c.site == site.uid
                 and (c.saveTime is not None) == saved]
        key = (lambda c: c.saveTime) if saved else (lambda c: c.modified or c.created)
        return max(carts, key=key, default=None)

    def orders(self, customer: m.User, site: m.BaseSite) -> list[m.Order]:
        return sorted((o for o in self.state.orders.values()
                       if uid_key(o.user) == uid_key(customer.uid) and o.site == site.uid),
                      key=lambda o: o.created, reverse=True)


def _bind_error(message: str) -> ApiError:
    return ApiError(400, "AssistedServiceCartBindError", message)


def _page_error(name: str, rule: str) -> ApiError:
    return ApiError(400, "RequestParameterError", f"Request parameter {name} {rule}",
                    reason="invalid", subject=name, subject_type="parameter")
