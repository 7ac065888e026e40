"""The in-memory database (``Db``): the whole state of one fakesapcc instance. (SAP's "store"
is the ``BaseStore``; this module never uses the word for anything else.)

- ``State`` is plain data: one dict per item type plus the indexes that make hot lookups O(1)
  (uid lower-cased, customerId, cart guid, group membership). It pickles as one unit, so a
  snapshot is one ``pickling.dumps`` and a restore one ``pickle.loads`` (milliseconds for the
  default seed).
- ``Db`` guards a State with a readers–writer lock (``locks.RWLock``). An HTTP request holds
  it from authentication to teardown (``api.context``): reads (GET, HEAD) share it, a request
  that changes state holds it alone — so handlers never take it. Code that runs outside a
  request (the token endpoint, the ImpEx loader, snapshots, the test harness) takes it with
  ``db.locked()`` (write), ``db.reading()``, or ``db.transaction()`` to put the state back if
  the block raises.
  Writes that touch an index go through the Db's methods so that the indexes never disagree
  with the data.
- Derived data (the search indexes, images by media container, reviews by product) is not
  state: ``db.derived(key, kinds, build)`` builds it once from the state and keeps it until a
  write changes one of its ``kinds`` (``db.changed(kind, item)``). A derived value that can take
  one changed item (``touch(item)``) is updated in place; any other is dropped and rebuilt on
  its next use. A new state (restore, reset, a rolled-back transaction) and every ImpEx load
  (``transaction``) drop everything.

No Flask here: the HTTP layer, the ImpEx loader and the tests all use this same API.
"""
from __future__ import annotations

from datetime import datetime

import gc
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import models as m
from .models import b2b as mb
from .models import cms as mc
from .models import promotions as mp
from . import pickling
from .locks import RWLock

FIRST_PK = 8796093054976  # SAP-like item pks
T = TypeVar("T")
# what derived data depends on (``Db.derived``, ``Db.changed``)
CATALOG = "catalog"  # products, categories, prices, media: changed by ImpEx only
CUSTOMERS = "customers"  # principals: uid, name, groups, site, login state
REVIEWS = "reviews"
STOCK = "stock"  # stock levels' reserved units: orders placed and cancelled (and ImpEx)


@dataclass
class State:
    # internationalization
    languages: dict[str, m.Language] = field(default_factory=dict)
    currencies: dict[str, m.Currency] = field(default_factory=dict)
    countries: dict[str, m.Country] = field(default_factory=dict)
    regions: dict[str, m.Region] = field(default_factory=dict)
    cities: dict[str, m.City] = field(default_factory=dict)
    districts: dict[str, m.District] = field(default_factory=dict)
    titles: dict[str, m.Title] = field(default_factory=dict)
    card_types: dict[str, m.CreditCardType] = field(default_factory=dict)
    # catalog
    catalogs: dict[str, m.Catalog] = field(default_factory=dict)
    catalog_versions: dict[tuple[str, str], m.CatalogVersion] = field(default_factory=dict)
    categories: dict[tuple[str, str, str], m.Category] = field(default_factory=dict)
    media_formats: dict[str, m.MediaFormat] = field(default_factory=dict)
    media: dict[tuple[Any, str], m.Media] = field(default_factory=dict)
    media_containers: dict[tuple[Any, str], m.MediaContainer] = field(default_factory=dict)
    products: dict[tuple[str, str, str], m.Product] = field(default_factory=dict)
    price_rows: dict[int, m.PriceRow] = field(default_factory=dict)
    warehouses: dict[str, m.Warehouse] = field(default_factory=dict)
    stock_levels: dict[int, m.StockLevel] = field(default_factory=dict)
    reviews: dict[int, m.CustomerReview] = field(default_factory=dict)
    product_references: dict[int, m.ProductReference] = field(default_factory=dict)
    # principals: keyed by uid lower-cased
    principals: dict[str, m.Principal] = field(default_factory=dict)
    # organisation
    addresses: dict[int, m.Address] = field(default_factory=dict)
    points_of_service: dict[str, m.PointOfService] = field(default_factory=dict)
    base_sites: dict[str, m.BaseSite] = field(default_factory=dict)
    base_stores: dict[str, m.BaseStore] = field(default_factory=dict)
    zones: dict[str, m.Zone] = field(default_factory=dict)
    delivery_modes: dict[str, m.DeliveryMode] = field(default_factory=dict)
    zone_delivery_values: dict[int, m.ZoneDeliveryModeValue] = field(default_factory=dict)
    oauth_clients: dict[str, m.OAuthClientDetails] = field(default_factory=dict)
    vouchers: dict[str, m.PromotionVoucher] = field(default_factory=dict)
    consent_templates: dict[tuple[str, int], m.ConsentTemplate] = field(default_factory=dict)
    consents: dict[str, m.Consent] = field(default_factory=dict)
    product_interests: dict[int, m.ProductInterest] = field(default_factory=dict)
    # promotions, customer coupons, customer support tickets
    promotion_rules: dict[str, mp.PromotionRule] = field(default_factory=dict)
    customer_coupons: dict[str, mp.CustomerCoupon] = field(default_factory=dict)
    ticket_categories: dict[str, mp.TicketCategory] = field(default_factory=dict)
    payment_modes: dict[str, mp.PaymentMode] = field(default_factory=dict)
    tickets: dict[str, mp.Ticket] = field(default_factory=dict)
    site_messages: dict[str, mp.SiteMessage] = field(default_factory=dict)
    conversations: dict[str, mp.Conversation] = field(default_factory=dict)  # message center
    verification_tokens: dict[str, mp.VerificationToken] = field(default_factory=dict)  # by id
    # CMS: content catalog items keyed (catalog, version, uid); slot names (template key, name)
    cms_page_templates: dict[tuple[str, str, str], mc.PageTemplate] = field(default_factory=dict)
    cms_slot_names: dict[tuple[tuple[str, str, str], str], mc.ContentSlotName] = field(
        default_factory=dict)
    cms_pages: dict[tuple[str, str, str], mc.CMSPage] = field(default_factory=dict)
    cms_slots: dict[tuple[str, str, str], mc.ContentSlot] = field(default_factory=dict)
    cms_slots_for_template: dict[tuple[str, str, str], mc.ContentSlotForTemplate] = field(
        default_factory=dict)
    cms_slots_for_page: dict[tuple[str, str, str], mc.ContentSlotForPage] = field(
        default_factory=dict)
    cms_components: dict[tuple[str, str, str], mc.CMSComponent] = field(default_factory=dict)
    cms_restrictions: dict[tuple[str, str, str], mc.CMSRestriction] = field(default_factory=dict)
    cms_navigation_nodes: dict[tuple[str, str, str], mc.CMSNavigationNode] = field(
        default_factory=dict)
    cms_navigation_entries: dict[tuple[str, str, str], mc.CMSNavigationEntry] = field(
        default_factory=dict)
    # B2B: the organizations' budgets, cost centers and order approval permissions, by code
    b2b_budgets: dict[str, mb.B2BBudget] = field(default_factory=dict)
    b2b_cost_centers: dict[str, mb.B2BCostCenter] = field(default_factory=dict)
    b2b_permissions: dict[str, mb.B2BPermission] = field(default_factory=dict)
    b2b_approvals: dict[str, mb.OrderApproval] = field(default_factory=dict)  # by code
    b2b_replenishments: dict[str, mb.ReplenishmentOrder] = field(default_factory=dict)  # by code
    quotes: dict[str, mb.Quote] = field(default_factory=dict)  # by code
    future_stocks: dict[int, mb.FutureStock] = field(default_factory=dict)
    order_forms: dict[tuple[str, str], mb.OrderForm] = field(default_factory=dict)  # (site, code)
    b2b_registrations: dict[str, mb.B2BRegistration] = field(default_factory=dict)  # by code
    b2b_credit_limits: dict[str, mb.B2BCreditLimit] = field(default_factory=dict)  # by code
    b2b_documents: dict[str, mb.B2BDocument] = field(default_factory=dict)  # by number
    # transactions
    carts: dict[str, m.Cart] = field(default_factory=dict)
    orders: dict[str, m.Order] = field(default_factory=dict)
    consignments: dict[str, m.Consignment] = field(default_factory=dict)
    payment_infos: dict[str, m.PaymentInfo] = field(default_factory=dict)
    agent_sessions: list[m.AgentSession] = field(default_factory=list)
    return_requests: dict[str, m.ReturnRequest] = field(default_factory=dict)
    outbox: list[m.OutboxMail] = field(default_factory=list)
    fulfilment_queue: dict[str, datetime] = field(default_factory=dict)  # order code -> due
    # the authorization server
    access_tokens: dict[str, m.OAuthAccessToken] = field(default_factory=dict)
    refresh_tokens: dict[str, m.OAuthRefreshToken] = field(default_factory=dict)
    authorization_codes: dict[str, m.OAuthAuthorizationCode] = field(default_factory=dict)
    oauth_sessions: dict[str, m.OAuthLoginSession] = field(default_factory=dict)
    # indexes
    customer_ids: dict[str, str] = field(default_factory=dict)  # customerId -> uid lower
    group_members: dict[str, set[str]] = field(default_factory=dict)  # group uid lower -> member uids lower
    cart_guids: dict[str, str] = field(default_factory=dict)  # guid -> cart code
    order_guids: dict[str, str] = field(default_factory=dict)  # guid -> order code
    stock_by_product: dict[str, list[int]] = field(default_factory=dict)  # product code -> StockLevel pks
    prices_by_product: dict[str, list[int]] = field(default_factory=dict)  # product code -> PriceRow pks
    # counters
    next_pk: int = FIRST_PK
    counters: dict[str, int] = field(default_factory=dict)


BIG_SNAPSHOT = 8 << 20  # bytes: a state this big gives its freed memory back after a restore


_gc_lock = threading.Lock()
_gc_depth = 0  # bulk loads and restores under way in this process (threads may run side by side)
_gc_resume = False  # whether the collector was on when the first of them started


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a bulk load or a restore (``pickle.loads`` of
    100,000 customers, an ImpEx file's rows): they make millions of objects that all stay
    alive, and the collections they would set off (each traversing every object made so far)
    cost more than the work itself. Blocks nest and run in several threads; the last to end
    restores the collector as it was, after ``settle_collector``. Reference counting still frees
    what they drop; a cycle made meanwhile is collected when the collector runs again."""
    global _gc_depth, _gc_resume
    with _gc_lock:
        if _gc_depth == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_resume:
                settle_collector()
                gc.enable()


#: objects made (net) since the collector last ran above which a bulk load's are frozen
FREEZE_AFTER = 200_000


def settle_collector() -> None:
    """Before the collector runs again after a bulk load or restore: if it made many objects,
    move every object to the collector's permanent generation (``gc.freeze``). They are the
    state's, alive until the state is replaced, and its first collection would otherwise walk
    all of them (over half a second for 100,000 customers, at whatever request came next).
    Reference counting still frees them; a load of a few rows (a test's) freezes nothing."""
    if gc.get_count()[0] > FREEZE_AFTER:
        gc.freeze()


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``): after a big
    state is replaced, its freed blocks would stay in the process's resident size."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        pass


def uid_key(uid: str) -> str:
    """The index key of a uid: SAP matches uids case-insensitively and stores customer uids
    lower-cased. A uid that is its own key is returned itself, so that the indexes share the
    principal's string instead of holding a copy each."""
    key = uid.strip().lower()
    return uid if key == uid else key


_GROUP_SETS: dict[frozenset[str], frozenset[str]] = {}


def group_set(groups: Any) -> frozenset[str]:
    """``Principal.groups`` as stored: an immutable set, one instance for every principal in
    the same groups (100,000 customers in ``customergroup`` hold one set, not 100,000)."""
    value = groups if type(groups) is frozenset else frozenset(groups)
    if len(_GROUP_SETS) > 4096:  # distinct memberships are few; never let them pile up
        _GROUP_SETS.clear()
    return _GROUP_SETS.setdefault(value, value)


class SideLock:
    """``Db.side_lock``: a plain lock that counts the writes made under it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.writes = 0

    def __enter__(self) -> "SideLock":
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.writes += 1
        self._lock.release()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Hold it to read, without counting a write (a reader that must not race a side
        write: the state file's flush)."""
        with self._lock:
            yield


class Db:
    """A State guarded by a readers–writer lock, with the operations that keep its indexes
    true."""

    def __init__(self, state: State | None = None) -> None:
        self._rw = RWLock()
        self._lock = self  # ``with self._lock:`` in the methods below: the write lock
        #: for the few writes a read makes, as SAP's do: the agent session an emulated GET
        #: starts, the expired token a read finds (SAP's token store removes it)
        self.side_lock = SideLock()
        self._state = state or State()
        self._derived: dict[Any, tuple[frozenset[str], Any]] = {}
        self._derived_lock = threading.Lock()
        self._bulk = 0  # inside transaction(): derived data is dropped once, at its end

    def __enter__(self) -> "Db":
        self._rw.acquire_write()
        return self

    def __exit__(self, *exc: object) -> None:
        self._rw.release_write()

    # -- transactions and snapshots ----------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[State]:
        """Hold the write lock for a read-modify-write outside a request (it does not roll
        back: see ``transaction``)."""
        with self._rw.write():
            yield self._state

    @contextmanager
    def reading(self, first: bool = False) -> Iterator[State]:
        """Hold the read lock for a consistent read outside a request (``first``: ahead of
        the writers that wait, see ``RWLock.acquire_read``)."""
        with self._rw.read(first):
            yield self._state

    def acquire(self, write: bool = True) -> None:
        """Take the lock for a whole request (see ``api.context``): the write lock for a
        request that changes state, the read lock otherwise; ``release`` ends it."""
        if write:
            self._rw.acquire_write()
        else:
            self._rw.acquire_read()

    def release(self, write: bool = True) -> None:
        if write:
            self._rw.release_write()
        else:
            self._rw.release_read()

    @property
    def generation(self) -> int:
        """Grows with every write that ended (a write lock released, a side write): equal
        generations mean the same state (``persistence`` writes the state file when it grew)."""
        return self._rw.writes + self.side_lock.writes

    @property
    def state(self) -> State:
        """The live state, for code that holds the lock."""
        return self._state

    def snapshot(self) -> bytes:
        with self._rw.read():
            return pickling.dumps(self._state)

    def restore(self, snapshot: bytes) -> None:
        with gc_paused():
            state = pickle.loads(snapshot)
        with self._lock:
            self.replace(state)
        if len(snapshot) >= BIG_SNAPSHOT:
            release_free_memory()

    def replace(self, state: State) -> None:
        """Put a new state in place (the caller holds the write lock); derived data goes."""
        with self._lock:
            self._state = state
            self.changed()

    @contextmanager
    def transaction(self) -> Iterator[State]:
        """All or nothing: if the block raises, the state is put back as it was before. A bulk
        write (an ImpEx file): derived data is dropped either way."""
        with self._lock:
            before = pickling.dumps(self._state)
            self._bulk += 1
            try:
                yield self._state
            except BaseException:
                with gc_paused():
                    self._state = pickle.loads(before)
                raise
            finally:
                self._bulk -= 1
                self.changed()

    @contextmanager
    def bulk(self) -> Iterator[State]:
        """A bulk write without a rollback (an ImpEx load into a store that is thrown away if
        it fails): derived data is dropped once, at its end."""
        with self._lock:
            self._bulk += 1
            try:
                yield self._state
            finally:
                self._bulk -= 1
                self.changed()

    # -- derived data ------------------------------------------------------------------------

    def derived(self, key: Any, kinds: tuple[str, ...], build: Callable[[State], T]) -> T:
        """The value derived from the state under ``key``, built by ``build(state)`` if there
        is none; it is kept until a write changes one of ``kinds``. Readers may build it
        side by side (it is the same value); a writer's change drops it under the write lock,
        so no reader sees a value older than the state it reads."""
        entry = self._derived.get(key)
        if entry is not None:
            return entry[1]
        value = build(self._state)
        with self._derived_lock:
            return self._derived.setdefault(key, (frozenset(kinds), value))[1]

    def changed(self, kind: str | None = None, item: Any = None) -> None:
        """A write changed ``kind`` (every kind when None); with ``item``, derived values that
        can ``touch(item)`` take the change in place. Inside a transaction (an ImpEx load, which
        nothing reads derived data during) the transaction's end drops everything at once."""
        if self._bulk and kind is not None:
            return
        with self._derived_lock:
            if kind is None:
                self._derived.clear()
                return
            for key, (kinds, value) in list(self._derived.items()):
                if kind in kinds:
                    if item is not None and hasattr(value, "touch"):
                        value.touch(item)
                    else:
                        del self._derived[key]

    # -- identity ----------------------------------------------------------------------------

    def new_pk(self) -> int:
        with self._lock:
            pk = self._state.next_pk
            self._state.next_pk += 1
            return pk

    def next_code(self, sequence: str, start: int, width: int = 8) -> str:
        """The next code of a numbered sequence (cart and order codes), zero-padded like SAP's
        ``00001000``."""
        with self._lock:
            value = self._state.counters.get(sequence, start)
            self._state.counters[sequence] = value + 1
            return str(value).zfill(width)

    # -- principals --------------------------------------------------------------------------

    def principal(self, uid: str) -> m.Principal | None:
        return self._state.principals.get(uid_key(uid))

    def user_by_id(self, user_id: str) -> m.User | None:
        """A user by uid or by customerId, as SAP's UserMatchingService looks them up."""
        state = self._state
        found = state.principals.get(uid_key(user_id))
        if found is None:
            uid = state.customer_ids.get(user_id.strip())
            found = state.principals.get(uid) if uid else None
        return found if isinstance(found, m.User) else None

    def add_principal(self, principal: m.Principal) -> m.Principal:
        """Insert or replace a principal, keeping the uid, customerId and membership indexes."""
        with self._lock:
            state = self._state
            key = uid_key(principal.uid)
            old = state.principals.get(key)
            if old is not None:
                self._unindex(old)
            if isinstance(principal, m.Customer):
                principal.uid = key
            principal.groups = group_set(principal.groups)
            state.principals[key] = principal
            self._index(principal)
            if old is not None and old is not principal:
                self.changed(CUSTOMERS, old)
            self.changed(CUSTOMERS, principal)
            return principal

    def add_principals(self, principals: Iterable[m.Principal]) -> None:
        """``add_principal`` for each, in order, under one hold of the lock: a new principal's
        insert inline (the ImpEx loader's chunk writer adds 100,000 customers this way)."""
        with self._lock:
            state = self._state
            table = state.principals
            for principal in principals:
                key = uid_key(principal.uid)
                if key in table:  # a replacement: its old entry unindexed first
                    self.add_principal(principal)
                    continue
                if isinstance(principal, m.Customer):
                    principal.uid = key
                principal.groups = group_set(principal.groups)
                table[key] = principal
                self._index(principal)
                self.changed(CUSTOMERS, principal)

    def remove_principal(self, uid: str) -> m.Principal | None:
        with self._lock:
            state = self._state
            old = state.principals.pop(uid_key(uid), None)
            if old is not None:
                self._unindex(old)
                self.changed(CUSTOMERS, old)
                for member in state.group_members.pop(uid_key(uid), set()):
                    p = state.principals.get(member)
                    if p is not None:
                        p.groups = group_set(g for g in p.groups if uid_key(g) != uid_key(uid))
            return old

    def rename_principal(self, principal: m.Principal, new_uid: str) -> None:
        """Change a principal's uid (SAP's login change), carrying along its memberships and
        everything that names it: carts, orders, addresses, payment details, reviews, consents,
        product interests, agent sessions."""
        with self._lock:
            state = self._state
            old_key = uid_key(principal.uid)
            self._rekey_references(old_key, new_uid.strip().lower()
                                   if isinstance(principal, m.Customer) else new_uid)
            members = state.group_members.pop(old_key, set())
            self._unindex(principal)
            state.principals.pop(old_key, None)
            self.changed(CUSTOMERS)  # the old uid is gone from under its key
            principal.uid = new_uid.strip().lower() if isinstance(principal, m.Customer) else new_uid
            state.principals[uid_key(new_uid)] = principal
            self._index(principal)
            if members:
                state.group_members[uid_key(new_uid)] = members
                for member in members:
                    p = state.principals.get(member)
                    if p is not None:
                        p.groups = group_set(new_uid if uid_key(g) == old_key else g
                                             for g in p.groups)

    def _rekey_references(self, old_key: str, new_uid: str) -> None:
        state = self._state

        def same(uid: str | None) -> bool:
            return uid is not None and uid_key(uid) == old_key

        for order in [*state.carts.values(), *state.orders.values()]:
            if same(order.user):
                order.user = new_uid
            if same(order.placedBy):
                order.placedBy = new_uid
        for cart in state.carts.values():
            if same(cart.savedBy):
                cart.savedBy = new_uid
        for address in state.addresses.values():
            if address.ownerType == "User" and same(address.owner):
                address.owner = new_uid
        for items, attr in ((state.payment_infos.values(), "user"), (state.reviews.values(), "user"),
                            (state.consents.values(), "user"),
                            (state.product_interests.values(), "user"),
                            (state.agent_sessions, "customer"), (state.agent_sessions, "agent")):
            for item in items:
                if same(getattr(item, attr)):
                    setattr(item, attr, new_uid)

    def set_customer_id(self, customer: m.Customer, customer_id: str | None) -> None:
        with self._lock:
            if customer.customerId:
                self._state.customer_ids.pop(customer.customerId, None)
            customer.customerId = customer_id
            if customer_id:
                self._state.customer_ids[customer_id] = uid_key(customer.uid)

    def set_groups(self, principal: m.Principal, groups: set[str]) -> None:
        """Replace the direct groups of a principal."""
        with self._lock:
            member = uid_key(principal.uid)
            for g in principal.groups:
                self._state.group_members.get(uid_key(g), set()).discard(member)
            principal.groups = group_set(groups)
            for g in principal.groups:
                self._state.group_members.setdefault(uid_key(g), set()).add(member)
            self.changed(CUSTOMERS, principal)

    def add_to_group(self, principal: m.Principal, group_uid: str) -> None:
        self.set_groups(principal, principal.groups | {group_uid})

    def members_of(self, group_uid: str) -> list[m.Principal]:
        """Direct members of a group."""
        state = self._state
        keys = state.group_members.get(uid_key(group_uid), ())
        return [state.principals[k] for k in sorted(keys) if k in state.principals]

    def all_groups(self, uid: str) -> set[str]:
        """Every group a principal is in, directly or through nested groups (uids lower-cased)."""
        state = self._state
        seen: set[str] = set()
        principal = state.principals.get(uid_key(uid))
        todo = [uid_key(g) for g in (principal.groups if principal else ())]
        while todo:
            g = todo.pop()
            if g in seen:
                continue
            seen.add(g)
            group = state.principals.get(g)
            if group is not None:
                todo.extend(uid_key(x) for x in group.groups)
        return seen

    def _index(self, p: m.Principal) -> None:
        state = self._state
        key = uid_key(p.uid)
        if isinstance(p, m.Customer) and p.customerId:
            state.customer_ids[p.customerId] = key
        for g in p.groups:
            state.group_members.setdefault(uid_key(g), set()).add(key)

    def _unindex(self, p: m.Principal) -> None:
        state = self._state
        key = uid_key(p.uid)
        if isinstance(p, m.Customer) and p.customerId:
            if state.customer_ids.get(p.customerId) == key:
                del state.customer_ids[p.customerId]
        for g in p.groups:
            state.group_members.get(uid_key(g), set()).discard(key)

    # -- catalog -----------------------------------------------------------------------------

    def add_price_row(self, row: m.PriceRow) -> None:
        with self._lock:
            self._state.price_rows[row.pk] = row
            pks = self._state.prices_by_product.setdefault(row.product, [])
            if row.pk not in pks:
                pks.append(row.pk)

    def remove_price_row(self, pk: int) -> None:
        with self._lock:
            row = self._state.price_rows.pop(pk, None)
            if row is not None:
                pks = self._state.prices_by_product.get(row.product, [])
                if pk in pks:
                    pks.remove(pk)

    def prices(self, product_code: str) -> list[m.PriceRow]:
        state = self._state
        return [state.price_rows[pk] for pk in state.prices_by_product.get(product_code, ())]

    def add_stock_level(self, level: m.StockLevel) -> None:
        with self._lock:
            self._state.stock_levels[level.pk] = level
            pks = self._state.stock_by_product.setdefault(level.productCode, [])
            if level.pk not in pks:
                pks.append(level.pk)
            self.changed(STOCK)

    def remove_stock_level(self, pk: int) -> None:
        with self._lock:
            level = self._state.stock_levels.pop(pk, None)
            if level is not None:
                pks = self._state.stock_by_product.get(level.productCode, [])
                if pk in pks:
                    pks.remove(pk)
                self.changed(STOCK)

    def stock_levels(self, product_code: str) -> list[m.StockLevel]:
        state = self._state
        return [state.stock_levels[pk] for pk in state.stock_by_product.get(product_code, ())]

    # -- carts and orders --------------------------------------------------------------------

    def add_cart(self, cart: m.Cart) -> m.Cart:
        with self._lock:
            self._state.carts[cart.code] = cart
            self._state.cart_guids[cart.guid] = cart.code
            return cart

    def remove_cart(self, code: str) -> m.Cart | None:
        with self._lock:
            cart = self._state.carts.pop(code, None)
            if cart is not None:
                self._state.cart_guids.pop(cart.guid, None)
            return cart

    def cart(self, code_or_guid: str) -> m.Cart | None:
        state = self._state
        found = state.carts.get(code_or_guid)
        if found is None:
            code = state.cart_guids.get(code_or_guid)
            found = state.carts.get(code) if code else None
        return found

    def add_order(self, order: m.Order) -> m.Order:
        with self._lock:
            self._state.orders[order.code] = order
            self._state.order_guids[order.guid] = order.code
            return order

    def order(self, code_or_guid: str) -> m.Order | None:
        state = self._state
        found = state.orders.get(code_or_guid)
        if found is None:
            code = state.order_guids.get(code_or_guid)
            found = state.orders.get(code) if code else None
        return found
