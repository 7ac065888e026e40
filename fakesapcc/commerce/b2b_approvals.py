"""B2B order approvals, as b2bapprovalprocess' ``accApproval`` runs them: a B2B order is
checked against the permissions its buyer holds (its own and its user groups'); an order that
breaks one — over a threshold per order, over a threshold per timespan with the buyer's other
orders of the period, or over a budget of its cost center in the budget's dates — waits as
``PENDING_APPROVAL`` for the buyer's approvers (else its unit's, up the tree). An approver
approves (``APPROVED``) or rejects it (``REJECTED``, the comment required); each decision is
a record in the approval's history."""
from __future__ import annotations

from datetime import datetime, timedelta

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb
from ..security import policy

DECISIONS = ("APPROVE", "REJECT")
_PERIODS = {"DAY": 1, "WEEK": 7, "MONTH": 30, "QUARTER": 91, "YEAR": 365}


def _total(order: m.Order) -> float:
    return float(order.totals.get("totalPriceWithTax") or order.totals.get("totalPrice") or 0)


def _period_start(now: datetime, period: str | None) -> datetime:
    """The start of the current period (a day, a week from Monday, a month, a quarter, a
    year), as SAP's B2BOrderThresholdTimespanPermission counts it."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "WEEK":
        return day - timedelta(days=day.weekday())
    if period == "MONTH":
        return day.replace(day=1)
    if period == "QUARTER":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    if period == "YEAR":
        return day.replace(day=1, month=1)
    return day


class Approvals:
    """The approvals of one user (the buyer who places, or the approver who decides)."""

    def __init__(self, db: Db, clock: Clock, user: m.User | None) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.user = user

    # -- placing -----------------------------------------------------------------------------

    def permissions_of(self, customer: m.B2BCustomer) -> list[mb.B2BPermission]:
        codes = list(customer.permissions)
        for g in sorted(customer.groups):
            group = self.db.principal(g)
            if isinstance(group, mb.B2BUserGroup):
                codes.extend(group.permissions)
        seen: dict[str, mb.B2BPermission] = {}
        for code in codes:
            p = self.state.b2b_permissions.get(code)
            if p is not None and p.active:
                seen.setdefault(code, p)
        return list(seen.values())

    def broken(self, customer: m.B2BCustomer, order: m.Order) -> list[mb.B2BPermission]:
        """The permissions the order breaks."""
        total = _total(order)
        result = []
        for p in self.permissions_of(customer):
            if p.typeCode == "B2BOrderThresholdPermission":
                if p.currency == order.currency and total > (p.threshold or 0):
                    result.append(p)
            elif p.typeCode == "B2BOrderThresholdTimespanPermission":
                start = _period_start(order.created or self.clock.now(), p.range)
                spent = sum(_total(o) for o in self.state.orders.values()
                            if uid_key(o.user) == uid_key(customer.uid) and o.code != order.code
                            and o.currency == p.currency and o.created and o.created >= start
                            and o.status not in ("REJECTED", "CANCELLED"))
                if p.currency == order.currency and spent + total > (p.threshold or 0):
                    result.append(p)
            elif p.typeCode == "B2BBudgetExceededPermission" and self._over_budget(order):
                result.append(p)
        return result

    def _over_budget(self, order: m.Order) -> bool:
        cc = self.state.b2b_cost_centers.get(order.costCenter or "")
        if cc is None:
            return False
        when = order.created or self.clock.now()
        for code in cc.budgets:
            budget = self.state.b2b_budgets.get(code)
            if budget is None or not budget.active or budget.currency != order.currency \
                    or (budget.startDate and when < budget.startDate) \
                    or (budget.endDate and when > budget.endDate):
                continue
            spent = sum(_total(o) for o in self.state.orders.values()
                        if o.costCenter == cc.code and o.code != order.code
                        and o.status not in ("REJECTED", "CANCELLED") and o.created
                        and (budget.startDate is None or o.created >= budget.startDate)
                        and (budget.endDate is None or o.created <= budget.endDate))
            if spent + _total(order) > budget.budget:
                return True
        return False

    def approvers_for(self, customer: m.B2BCustomer) -> list[str]:
        """The buyer's approvers; without any, the nearest unit's up the tree."""
        if customer.approvers:
            return list(customer.approvers)
        unit = policy.unit_of(self.db, customer)
        while isinstance(unit, m.B2BUnit):
            if unit.approvers:
                return list(unit.approvers)
            unit = policy.parent_unit(self.db, unit)
        return []

    def submit(self, order: m.Order) -> mb.OrderApproval | None:
        """After a B2B order is placed: PENDING_APPROVAL and an approval for its approvers
        when it breaks a permission (None: it needs none)."""
        customer = self.db.principal(order.user)
        if not isinstance(customer, m.B2BCustomer):
            return None
        broken = self.broken(customer, order)
        if not broken:
            return None
        approvers = self.approvers_for(customer)
        code = self.db.next_code("orderApproval", 1000)
        types = sorted({p.typeCode for p in broken})
        approval = mb.OrderApproval(
            code=code, order=order.code, approvers=approvers, permissionTypes=types,
            created=self.clock.now(),
            records=[mb.ApprovalRecord(approver=a, status="PENDING_APPROVAL",
                                       permissionTypes=types) for a in approvers])
        self.state.b2b_approvals[code] = approval
        order.status = "PENDING_APPROVAL"
        return approval

    # -- deciding ----------------------------------------------------------------------------

    def assigned(self) -> list[mb.OrderApproval]:
        """The approvals the user is an approver of, newest first."""
        if self.user is None:
            return []
        me = uid_key(self.user.uid)
        found = [a for a in self.state.b2b_approvals.values()
                 if me in {uid_key(x) for x in a.approvers}]
        return sorted(found, key=lambda a: a.code, reverse=True)

    def approval(self, code: str) -> mb.OrderApproval:
        for a in self.assigned():
            if a.code == code:
                return a
        raise ApiError(400, "UnknownIdentifierError",
                       f"Order approval with code [{code}] was not found")

    def decide(self, approval: mb.OrderApproval, decision: str, comment: str | None) -> None:
        decision = decision.strip().upper()
        if decision not in DECISIONS:
            raise ApiError(400, "ValidationError", "This field is not valid.", reason="invalid",
                           subject="decision", subject_type="parameter")
        if decision == "REJECT" and not (comment or "").strip():
            raise ApiError(400, "ValidationError", "This field is required.", reason="missing",
                           subject="comment", subject_type="parameter")
        if approval.status != "PENDING":
            raise ApiError(400, "OrderApprovalError",
                           f"Order approval [{approval.code}] has already been decided")
        order = self.state.orders.get(approval.order)
        approval.status = "APPROVED" if decision == "APPROVE" else "REJECTED"
        me = self.user.uid if self.user else None
        approval.records = [r for r in approval.records
                            if not (r.status == "PENDING_APPROVAL" and me
                                    and uid_key(r.approver) == uid_key(me))]
        approval.records.append(mb.ApprovalRecord(
            approver=me or "", status=approval.status, comments=(comment or "").strip() or None,
            permissionTypes=list(approval.permissionTypes), date=self.clock.now()))
        if order is not None:
            order.status = approval.status
            order.modified = self.clock.now()

    def for_order(self, order_code: str) -> mb.OrderApproval | None:
        return next((a for a in self.state.b2b_approvals.values() if a.order == order_code),
                    None)
