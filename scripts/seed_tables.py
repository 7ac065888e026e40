"""The README's tables of the default seed, made from the seed itself: every account
(customers, agents and employees with their groups and store, B2B users), every OAuth client
with its grants and secret and who uses it, product codes per category, Customer 360's fragment
types. Written between ``<!-- seed-tables:start -->`` and ``<!-- seed-tables:end -->``.

    python scripts/seed_tables.py            # rewrite the README's tables
    python scripts/seed_tables.py --check    # exit 1 if they are out of date (the suite runs it)
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- seed-tables:start -->", "<!-- seed-tables:end -->"
sys.path.insert(0, str(ROOT))

from fakesapcc import models as m  # noqa: E402
from fakesapcc.models import b2b as mb  # noqa: E402
from fakesapcc.api.asm.dtos import ALWAYS_VALID, LIST_TYPES, PREVIEW  # noqa: E402
from fakesapcc.commerce.asm import AssistedService  # noqa: E402
from fakesapcc.config import build_config  # noqa: E402
from fakesapcc.clock import Clock  # noqa: E402
from fakesapcc.db import Db  # noqa: E402
from fakesapcc.impex.loader import load_paths  # noqa: E402
from fakesapcc.runtime import default_data_dir  # noqa: E402

#: who logs in with which client (the seed cannot say)
CLIENT_USERS = {
    "mobile_android": "Spartacus (`authentication.client_id`/`client_secret`), Alokai "
                      "(`SAPCC_OAUTH_CLIENT_ID`/`_SECRET`, what `fakesapcc env` prints), "
                      "customers' password grant",
    "asm_client": "ASM agents (Spartacus ASM's `asm.agentAuthentication`): password grant "
                  "**without** `client_secret` — a public client given a secret answers 401",
    "trusted_client": "server-side integrations acting for any customer",
    "client-side": "the implicit flow",
    "mobile_android_public": "Spartacus with the authorization code flow",
}
PRODUCTS_PER_CATEGORY = 3
CUSTOMER_PASSWORD, EMPLOYEE_PASSWORD = "Password123!", "pw4all"


def code(text: object) -> str:
    return f"`{text}`"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(r) + " |" for r in rows), ""]


def tables() -> str:
    db = Db()
    report = load_paths(db, [default_data_dir()])
    assert report.ok, [str(e) for e in report.errors]
    state = db.state
    asm = AssistedService(db, Clock(), build_config({}, env={}))
    principals = sorted(state.principals.values(), key=lambda p: p.uid)
    out: list[str] = []

    customers = [p for p in principals if type(p) is m.Customer and p.uid != "anonymous"]
    out += [f"**Customers** of `electronics-spa` ({len(customers)}), password "
            f"`{CUSTOMER_PASSWORD}` unless said otherwise:", ""]
    rows = []
    for c in customers:
        groups = ", ".join(code(g) for g in sorted(c.groups) if g != "customergroup") or "—"
        state_text = ("login disabled" if c.loginDisabled else
                      "deactivated" if c.deactivationDate else "")
        if c.password != CUSTOMER_PASSWORD:
            state_text = (state_text + "; " if state_text else "") + "another password"
        rows.append([code(c.uid), c.name or "", groups, state_text or "—"])
    out += table(["uid", "name", "groups (besides `customergroup`)", "state"], rows)

    employees = [p for p in principals if type(p) is m.Employee]
    out += [f"**Agents and employees** ({len(employees)}); an agent acts for customers through "
            "`customermanagergroup`:", ""]
    rows = []
    for e in employees:
        everything = db.all_groups(e.uid)
        stores = ", ".join(p.name for p in asm.agent_stores(e)) or "—"
        rows.append([code(e.uid), code(e.password), ", ".join(code(g) for g in sorted(e.groups)),
                     "yes" if "asagentgroup" in everything else "no",
                     "yes" if "customermanagergroup" in everything else "no", stores])
    out += table(["uid", "password", "groups", "ASM agent", "acts for customers", "store"], rows)

    b2b = [p for p in principals if type(p) is m.B2BCustomer]
    units = {p.uid for p in principals if type(p) is m.B2BUnit}
    out += [f"**B2B users** of `powertools-spa` ({len(b2b)}), password `{EMPLOYEE_PASSWORD}`:",
            ""]
    teams = {p.uid for p in principals if type(p) is mb.B2BUserGroup}
    rows = [[code(u.uid), u.name or "", ", ".join(sorted(g for g in u.groups if g in units)),
             ", ".join(code(g) for g in sorted(u.groups) if g not in units | teams),
             ", ".join(code(g) for g in sorted(u.groups) if g in teams) or "—",
             ", ".join(code(x) for x in u.permissions) or "—"] for u in b2b]
    out += table(["uid", "name", "unit", "roles", "user groups", "permissions"], rows)

    out += ["**OAuth clients** (`/authorizationserver/oauth/token`):", ""]
    rows = []
    for client in sorted(state.oauth_clients.values(), key=lambda c: c.clientId):
        secret = "none (public)" if client.public or not client.clientSecret \
            else code(client.clientSecret)
        rows.append([code(client.clientId), secret, ", ".join(client.authorities),
                     ", ".join(client.authorizedGrantTypes), ", ".join(client.scope),
                     CLIENT_USERS.get(client.clientId, "")])
    out += table(["client", "secret", "authorities", "grants", "scope", "used by"], rows)

    out += ["**Products**, a few per category (`fields=FULL` on "
            "`/occ/v2/{site}/products/{code}`; the search lists them all):", ""]
    rows = []
    for (catalog, version, cat_code), category in sorted(state.categories.items()):
        products = sorted((p for (pc, pv, _), p in state.products.items()
                           if (pc, pv) == (catalog, version) and cat_code in p.supercategories),
                          key=lambda p: p.code)
        if not products or cat_code.startswith("brand_"):
            continue
        shown = ", ".join(code(p.code) for p in products[:PRODUCTS_PER_CATEGORY])
        more = f" (+{len(products) - PRODUCTS_PER_CATEGORY})" \
            if len(products) > PRODUCTS_PER_CATEGORY else ""
        rows.append([f"`{catalog}`", code(cat_code), category.name.get("en", ""), shown + more])
    out += table(["catalog", "category", "name", "products"], rows)

    out += ["**Promotions** (simplified `PromotionSourceRule` rows, docs/fidelity.md; amounts in "
            "the rule's currency, converted for a cart in another):", ""]
    rows = []
    for rule in sorted(state.promotion_rules.values(), key=lambda r: (-r.priority, r.code)):
        scope = ", ".join([*(code(x) for x in rule.products),
                           *(f"category {code(x)}" for x in rule.categories)]) or "the order"
        needs = ", ".join(code(c) for c in rule.coupons) or (
            "enabled per cart by a trusted client" if rule.orderRestricted else "—")
        threshold = f"{rule.threshold:g} {rule.currency or ''}".strip() \
            if rule.threshold is not None else "—"
        if rule.kind == "FREE_DELIVERY":
            value = "free delivery"
        elif rule.kind == "BUY_X_GET_Y":
            value = f"buy {rule.qualifyingCount}, get {rule.freeCount} free"
        elif rule.kind == "ORDER_FIXED_DISCOUNT":
            value = f"{rule.value:g} {rule.currency or ''}".strip()
        else:
            value = f"{rule.value:g} %"
        rows.append([code(rule.code), code(rule.kind), value, threshold, scope, needs])
    out += table(["rule", "kind", "value", "threshold", "on", "needs"], rows)

    out += ["**Customer coupons** (claim with `POST /occ/v2/{site}/users/current/customercoupons/"
            "claim`, then apply like a voucher):", ""]
    rows = []
    for c in sorted(state.customer_coupons.values(), key=lambda c: c.couponId):
        rules = [r.code for r in state.promotion_rules.values() if c.couponId in r.coupons]
        rows.append([code(c.couponId), c.name.get("en", ""),
                     f"{c.startDate:%Y-%m-%d} – {c.endDate:%Y-%m-%d}" if c.startDate and c.endDate
                     else "—", ", ".join(code(r) for r in sorted(rules)) or "—",
                     ", ".join(code(u) for u in c.customers) or "—"])
    out += table(["coupon", "name", "valid", "promotion", "claimed by"], rows)

    out += ["**Support tickets** (categories " + ", ".join(
        code(t) for t in sorted(state.ticket_categories)) + "):", ""]
    rows = [[code(t.id), code(t.customer), t.subject, t.category or "—", t.status]
            for t in sorted(state.tickets.values(), key=lambda t: t.id)]
    out += table(["ticket", "customer", "subject", "category", "status"], rows)

    out += ["**Customer 360** fragment types (`POST /assistedservicewebservices/{site}/users/"
            "{userId}/customer360`): always "
            + ", ".join(code(t) for t in ALWAYS_VALID) + "; with `toggle.customer360.enabled` "
            "(the default from 2211.16) also " + ", ".join(code(t) for t in PREVIEW)
            + ". List types take `additionalRequestParameters.listSize` (1–999): "
            + ", ".join(code(t) for t in LIST_TYPES) + ".", ""]
    return "\n".join(out)


def replaced(readme: str, generated: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{generated}{END}{tail}"


def main(argv: list[str]) -> int:
    readme = README.read_text(encoding="utf-8")
    new = replaced(readme, tables())
    if "--check" in argv:
        if new != readme:
            print("README.md's seed tables are out of date: run python scripts/seed_tables.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
