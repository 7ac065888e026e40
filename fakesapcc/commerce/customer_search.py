"""The index behind the ASM customer search.

SAP's assisted service finds customers whose uid or name contains the query, ignoring case
(a ``LIKE '%query%'`` on both). The registered customers of one site scope are indexed in uid
order by the words of their uid and name (runs of letters and digits: ``mark``, ``rivers``,
``example``; numbers alone are left out). A query without a separator lies inside one word
wherever it occurs, so its customers are those of the words that contain it: the vocabulary (a
few thousand words for 100k customers) is searched, not the customers. A query with a
separator (``mark.riv``, ``k r``), a number, or a query most customers match is found with
``str.find`` over one lower-cased text, a line per customer (native speed, hits in uid order).

A write to a customer does not rebuild anything: the changed customers sit in a small overlay
that every search consults, and the index is rebuilt from the state once the overlay grows past
``OVERLAY_LIMIT``. The index lives in ``Db.derived`` and hears every change to a principal
(``Db.changed``).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from .. import models as m
from ..db import CUSTOMERS, Db, State, uid_key

OVERLAY_LIMIT = 512
SEPARATOR = "\n"
WORD_SEPARATOR = re.compile(r"[\W_]+")
# a query whose words hold more than this share of the customers is scanned for instead
SCAN_SHARE = 0.25


def searchable(customer: m.Principal, site_uid: str | None) -> bool:
    """Whether the customer search sees a principal: registered customers (no guests), of the
    site when the site is isolated."""
    return (isinstance(customer, m.Customer) and customer.type != "GUEST"
            and (customer.site is None or site_uid is None or customer.site == site_uid))


def haystack(customer: m.Customer) -> str:
    """What a query is matched against: uid, original uid and name."""
    return " ".join(filter(None, [customer.uid, customer.originalUid or "",
                                  customer.name or ""])).lower()


def matches(customer: m.Customer, query: str | None) -> bool:
    if not query:
        return True
    return query.strip().lower() in haystack(customer)


class _View:
    """One build of the text, with the overlay of the changes since: a search reads one view
    from start to end, even if another reader rebuilds beside it."""

    def __init__(self, customers: list[m.Customer]) -> None:
        self.customers = customers
        lines = [haystack(c) for c in customers]
        self.starts: list[int] = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.text = SEPARATOR.join(lines) + SEPARATOR
        rows_of: dict[str, list[int]] = {}
        for row, line in enumerate(lines):
            for word in set(WORD_SEPARATOR.split(line)):
                if word and not word.isdigit():  # numbers (in generated uids) are scanned for
                    rows_of.setdefault(word, []).append(row)
        self.words = list(rows_of)
        self.rows_of = rows_of  # word → its customers' rows, ascending
        self.word_starts: list[int] = []
        offset = 0
        for word in self.words:
            self.word_starts.append(offset)
            offset += len(word) + 1
        self.vocabulary = SEPARATOR.join(self.words) + SEPARATOR
        self.overlay: dict[str, m.Principal] = {}  # uid key → the principal as touched


class CustomerIndex:
    """The searchable customers of one site scope (see the module's docstring)."""

    def __init__(self, state: State, site_uid: str | None) -> None:
        self.state = state
        self.site_uid = site_uid
        self.view = self._build()

    def _build(self) -> _View:
        return _View(sorted((p for p in self.state.principals.values()  # type: ignore[misc]
                             if searchable(p, self.site_uid)), key=lambda c: c.uid))

    def touch(self, principal: m.Principal) -> None:
        """A principal was added, changed or removed (``Db.changed``, under the write lock)."""
        self.view.overlay[uid_key(principal.uid)] = principal

    def search(self, query: str | None) -> list[m.Customer]:
        """The customers whose uid, original uid or name contain ``query``, in uid order."""
        view = self.view
        if len(view.overlay) > OVERLAY_LIMIT:
            view = self.view = self._build()
        needle = (query or "").strip().lower()
        if not needle:
            hits = list(view.customers)
        elif SEPARATOR in needle:  # would span two lines of the text: match one by one
            hits = [c for c in view.customers if needle in haystack(c)]
        elif WORD_SEPARATOR.search(needle) or needle.isdigit():
            hits = _scan(view, needle)
        else:
            hits = _by_words(view, needle)
        if not view.overlay:
            return hits
        return self._with_overlay(view, hits, needle)

    def _with_overlay(self, view: _View, hits: list[m.Customer],
                      needle: str) -> list[m.Customer]:
        """The text's hits less the customers changed since, plus the changed ones that are
        still there and match now."""
        changed = view.overlay
        principals = self.state.principals
        result = [c for c in hits if uid_key(c.uid) not in changed]
        for key in changed:
            live = principals.get(key)
            if live is not None and searchable(live, self.site_uid) \
                    and (not needle or needle in haystack(live)):  # type: ignore[arg-type]
                result.append(live)  # type: ignore[arg-type]
        result.sort(key=lambda c: c.uid)
        return result


def lines_holding(text: str, starts: list[int], needle: str) -> list[int]:
    """The lines of ``text`` (starting at ``starts``) that hold ``needle``, once each, in order."""
    found: list[int] = []
    last = len(starts) - 1
    at = text.find(needle)
    while at != -1:
        line = bisect_right(starts, at) - 1
        found.append(line)
        if line == last:
            break
        at = text.find(needle, starts[line + 1])
    return found


def _scan(view: _View, needle: str) -> list[m.Customer]:
    customers = view.customers
    return [customers[row] for row in lines_holding(view.text, view.starts, needle)]


def _by_words(view: _View, needle: str) -> list[m.Customer]:
    words, rows_of = view.words, view.rows_of
    lists = [rows_of[words[i]] for i in lines_holding(view.vocabulary, view.word_starts, needle)]
    if sum(map(len, lists)) > SCAN_SHARE * len(view.customers):
        return _scan(view, needle)
    rows = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
    customers = view.customers
    return [customers[row] for row in rows]


def customer_index(db: Db, site_uid: str | None) -> CustomerIndex:
    build: Callable[[State], CustomerIndex] = lambda state: CustomerIndex(state, site_uid)
    return db.derived(("asm-customers", site_uid), (CUSTOMERS,), build)
