"""The B2B commerce models, in SAP Commerce's vocabulary (b2bcommerce): budgets, cost centers,
order approval permissions and the organization's user groups.

The units themselves (``B2BUnit``) and the B2B customers (``B2BCustomer``) are principals and
live in ``models``; a unit's parent is the one B2BUnit among its groups, a customer's units and
roles are among its groups (SAP's PrincipalGroupRelation).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import Cart, OrderEntry, UserGroup

#: SAP's B2B roles: the user groups an organization's administrator may give its customers;
#: the last is a right (Spartacus shows it apart), viewing the orders of one's branch
B2B_ROLES = ("b2bcustomergroup", "b2bmanagergroup", "b2bapprovergroup", "b2badmingroup",
             "unitorderviewergroup")

#: SAP's order approval permission types (B2BPermission subtypes) and their names
PERMISSION_TYPES = {
    "B2BBudgetExceededPermission": "Budget Exceeded Permission",
    "B2BOrderThresholdPermission": "Allowed Order Threshold (per order)",
    "B2BOrderThresholdTimespanPermission": "Allowed Order Threshold (per timespan)",
}
#: B2BPeriodRange
PERIOD_RANGES = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
#: the approval processes a unit may use (b2bacceleratorservices' workflow)
APPROVAL_PROCESSES = {"accApproval": "Escalation Approval with Merchant Check"}


@dataclass(slots=True)
class B2BBudget:
    code: str
    unit: str  # B2BUnit.uid
    name: str | None = None
    budget: float = 0.0
    currency: str | None = None  # Currency.isocode
    startDate: datetime | None = None  # SAP's dateRange
    endDate: datetime | None = None
    active: bool = True


@dataclass(slots=True)
class B2BCostCenter:
    code: str
    unit: str  # B2BUnit.uid
    name: str | None = None
    currency: str | None = None  # Currency.isocode
    active: bool = True
    budgets: list[str] = field(default_factory=list)  # B2BBudget codes


@dataclass(slots=True)
class B2BPermission:
    """An order approval permission: ``typeCode`` is the B2BPermission subtype."""

    code: str
    unit: str  # B2BUnit.uid
    typeCode: str = "B2BOrderThresholdPermission"
    currency: str | None = None  # Currency.isocode (threshold types)
    threshold: float | None = None
    range: str | None = None  # PERIOD_RANGES (per-timespan type)
    active: bool = True


@dataclass(slots=True)
class B2BUserGroup(UserGroup):
    """An organization's user group: its unit and the permissions its members hold."""

    unit: str | None = None  # B2BUnit.uid
    permissions: list[str] = field(default_factory=list)  # B2BPermission codes

    type_code = "B2BUserGroup"


@dataclass(slots=True)
class ApprovalRecord:
    """One line of an approval's history: an approver's pending task or decision."""

    approver: str  # B2BCustomer.uid
    status: str  # PENDING_APPROVAL | APPROVED | REJECTED
    permissionTypes: list[str] = field(default_factory=list)
    comments: str | None = None
    date: datetime | None = None


@dataclass(slots=True)
class OrderApproval:
    """The approval of a B2B order that broke a permission (SAP's workflow action)."""

    code: str
    order: str  # Order.code
    approvers: list[str] = field(default_factory=list)  # B2BCustomer uids
    status: str = "PENDING"  # PENDING | APPROVED | REJECTED
    permissionTypes: list[str] = field(default_factory=list)
    records: list[ApprovalRecord] = field(default_factory=list)
    created: datetime | None = None


#: ScheduleReplenishmentForm.recurrencePeriod (b2bacceleratorservices' B2BReplenishmentRecurrenceEnum)
RECURRENCE_PERIODS = ("DAILY", "WEEKLY", "MONTHLY")
#: java.time.DayOfWeek's names, Monday first (ScheduleReplenishmentForm.daysOfWeek)
DAYS_OF_WEEK = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@dataclass(slots=True)
class ReplenishmentOrder:
    """A scheduled replenishment (SAP's CartToOrderCronJob with its trigger): the template cart
    it was scheduled from, the recurrence, and the orders its trigger has placed."""

    code: str
    user: str  # B2BCustomer.uid
    site: str
    template: Cart  # the checked cart, kept out of the user's carts
    recurrence: str = "WEEKLY"  # RECURRENCE_PERIODS
    interval: int = 1  # every n days (DAILY) or n weeks (WEEKLY)
    daysOfWeek: list[str] = field(default_factory=list)  # WEEKLY
    dayOfMonth: int = 1  # MONTHLY
    firstDate: datetime | None = None
    nextDate: datetime | None = None  # the trigger's next activation; None once cancelled
    active: bool = True
    orders: list[str] = field(default_factory=list)  # Order codes, oldest first
    created: datetime | None = None


#: commerceservices' QuoteState
QUOTE_STATES = ("CREATED", "BUYER_DRAFT", "BUYER_SUBMITTED", "BUYER_OFFER", "BUYER_ACCEPTED",
                "BUYER_ORDERED", "BUYER_APPROVED", "BUYER_REJECTED", "SELLER_REQUEST",
                "SELLER_DRAFT", "SELLER_SUBMITTED", "SELLERAPPROVER_DRAFT",
                "SELLERAPPROVER_PENDING", "SELLERAPPROVER_APPROVED", "SELLERAPPROVER_REJECTED",
                "CANCELLED", "EXPIRED")


@dataclass(slots=True)
class QuoteComment:
    text: str
    author: str  # the uid of the user who wrote it
    fromCustomer: bool
    date: datetime | None = None
    entryNumber: int | None = None  # a comment on one entry


@dataclass(slots=True)
class Quote:
    """A quote (commerceservices' QuoteModel): its entries and prices live in its cart (the
    quote's cart, which only its current editor may change), the rest here."""

    code: str
    user: str  # the buyer: B2BCustomer.uid
    site: str
    store: str
    cart: str  # Cart.code of the quote's cart
    name: str | None = None
    description: str | None = None
    state: str = "BUYER_DRAFT"
    version: int = 1
    expirationTime: datetime | None = None
    created: datetime | None = None
    updated: datetime | None = None
    comments: list[QuoteComment] = field(default_factory=list)
    discountType: str | None = None  # PERCENT | ABSOLUTE | TARGET
    discountRate: float | None = None
    previousTotal: float | None = None  # the estimated total of the version before
    order: str | None = None  # Order.code once checked out
    # what the buyer submitted (or the seller offered): the entries and totals of the quote's
    # cart when it left its editor
    entries: list[OrderEntry] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class FutureStock:
    """A quantity of a product expected on a date (b2bcommerce's FutureStock)."""

    pk: int
    productCode: str
    quantity: int = 0
    date: datetime | None = None


@dataclass(slots=True)
class OrderFormEntry:
    sku: str  # Product.code
    quantity: int = 1


@dataclass(slots=True)
class OrderForm:
    """A user's order form: a named list of products and quantities to add to a cart."""

    code: str
    user: str  # Customer.uid
    site: str  # BaseSite.uid
    currency: str | None = None  # Currency.isocode
    description: str | None = None
    entries: list[OrderFormEntry] = field(default_factory=list)


@dataclass(slots=True)
class B2BRegistration:
    """An organization user's registration request (b2bcommerce's B2BRegistration), kept until
    the merchant approves or rejects it (SAP: the registration workflow in Backoffice)."""

    code: str
    site: str  # BaseSite.uid
    email: str
    firstName: str
    lastName: str
    titleCode: str | None = None
    message: str | None = None
    status: str = "PENDING"  # PENDING | APPROVED | REJECTED
    created: datetime | None = None
    unit: str | None = None  # the B2BUnit the approved customer joined
    rejectionReason: str | None = None


#: b2bacceleratorservices' B2BDocumentType codes and their names
DOCUMENT_TYPES = {"INVOICE": "Invoice", "CREDIT_NOTE": "Credit Note", "DEBIT_NOTE": "Debit Note",
                  "PURCHASE_ORDER": "Purchase Order", "STATEMENT": "Statement"}


@dataclass(slots=True)
class B2BCreditLimit:
    """A unit's credit limit (b2bcommerce's B2BCreditLimit)."""

    code: str
    amount: float = 0.0
    currency: str | None = None  # Currency.isocode


@dataclass(slots=True)
class B2BDocument:
    """A financial document of a unit (b2bacceleratorservices' B2BDocument): an invoice, a
    credit note …, open until paid; ``attachments`` are its media's codes."""

    documentNumber: str
    unit: str  # B2BUnit.uid
    documentType: str = "INVOICE"  # DOCUMENT_TYPES
    status: str = "OPEN"  # OPEN | CLOSED
    date: datetime | None = None
    dueDate: datetime | None = None
    amount: float = 0.0
    openAmount: float = 0.0
    currency: str | None = None  # Currency.isocode
    attachments: list[str] = field(default_factory=list)
