"""Promotions, customer coupons, payment modes, customer support tickets, the message center's
conversations and verification tokens, in SAP's vocabulary.

``PromotionRule`` stands for SAP's ``PromotionSourceRule``: the rule engine's Drools rules are out
of reach, so a rule names one of the common kinds (``commerce.promotions.KINDS``) and its
parameters as plain attributes (docs/fidelity.md, "Promotions"). ``CustomerCoupon`` is
customercouponservices' coupon that a customer claims before applying it to a cart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Localized = dict  # dict[str, str]


@dataclass(slots=True)
class PromotionRule:
    code: str
    kind: str = "ORDER_PERCENTAGE_DISCOUNT"
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    messageFired: Localized = field(default_factory=dict)
    messagePotential: Localized = field(default_factory=dict)  # {missing}: the amount to go
    priority: int = 0
    status: str = "PUBLISHED"  # UNPUBLISHED | PUBLISHED | INACTIVE
    promotionGroup: str | None = None  # PromotionGroup identifier; None: every site
    startDate: datetime | None = None
    endDate: datetime | None = None
    value: float = 0.0  # a percentage, or an amount of ``currency``
    currency: str | None = None  # of ``value`` (fixed discounts) and of ``threshold``
    threshold: float | None = None  # the order subtotal from which the rule fires
    potentialFrom: float | None = None  # the subtotal from which a potential message shows
    products: list[str] = field(default_factory=list)  # Product codes
    categories: list[str] = field(default_factory=list)  # Category codes (and their subcategories)
    qualifyingCount: int = 1  # buy X …
    freeCount: int = 1  # … get Y free
    coupons: list[str] = field(default_factory=list)  # coupon codes the rule needs in the cart
    orderRestricted: bool = False  # SAP's PromotionOrderRestriction: only on the carts below
    orders: list[str] = field(default_factory=list)  # the carts a trusted client enabled it for


@dataclass(slots=True)
class CustomerCoupon:
    couponId: str
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    active: bool = True
    startDate: datetime | None = None
    endDate: datetime | None = None
    maxRedemptionsPerCustomer: int | None = None
    maxTotalRedemptions: int | None = None
    customers: list[str] = field(default_factory=list)  # uids of the customers who claimed it
    notified: list[str] = field(default_factory=list)  # uids subscribed to its notifications


@dataclass(slots=True)
class PaymentMode:
    """SAP's StandardPaymentMode: how a base store's customers may pay."""

    code: str
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    active: bool = True
    paymentInfoType: str | None = None


@dataclass(slots=True)
class TicketCategory:
    code: str  # SAP's CsTicketCategory enum code: ENQUIRY, COMPLAINT, PROBLEM, …
    name: Localized = field(default_factory=dict)


@dataclass(slots=True)
class TicketAttachment:
    id: str
    filename: str
    mime: str
    data: bytes


@dataclass(slots=True)
class TicketEvent:
    code: str
    author: str  # the author's uid
    created: datetime
    message: str
    addedByAgent: bool = False
    toStatus: str | None = None
    attachments: list[TicketAttachment] = field(default_factory=list)


@dataclass(slots=True)
class Ticket:
    id: str
    customer: str  # the customer's uid
    site: str  # BaseSite uid
    subject: str
    category: str | None = None  # TicketCategory code
    status: str = "OPEN"  # OPEN | INPROCESS | CLOSED
    associatedType: str | None = None  # Order | Cart | SavedCart
    associatedCode: str | None = None
    message: str | None = None  # the starter's message: the ticket's first event
    created: datetime | None = None
    modified: datetime | None = None
    events: list[TicketEvent] = field(default_factory=list)  # the events after the first


@dataclass(slots=True)
class SiteMessage:
    """A message to a customer on the site's message channel (notificationservices)."""

    uid: str
    user: str  # the customer's uid
    site: str  # BaseSite uid
    subject: str
    body: str
    notificationType: str  # NOTIFICATION | COUPON_EFFECTIVE | COUPON_EXPIRE | BACK_IN_STOCK …
    sentDate: datetime | None = None


@dataclass(slots=True)
class ConversationMessage:
    """One message of a message center conversation."""

    content: str
    sender: str  # the uid of the customer or the agent
    sent: datetime


@dataclass(slots=True)
class Conversation:
    """A message center conversation between a customer and a customer support agent: opened
    by the customer's first message (``unassigned``), picked by an agent (``open``), closed."""

    id: str
    site: str  # BaseSite uid
    customer: str  # the customer's uid
    status: str = "unassigned"  # unassigned | open | closed
    agent: str | None = None  # the employee's uid, once picked
    created: datetime | None = None
    closed: datetime | None = None
    messages: list[ConversationMessage] = field(default_factory=list)


@dataclass(slots=True)
class VerificationToken:
    """A one-time verification token: its id is answered, its code mailed (the outbox); the
    token endpoint takes the pair as username and password (purpose LOGIN)."""

    id: str
    code: str
    purpose: str  # LOGIN | REGISTRATION
    login: str  # the customer's uid (LOGIN) or the address to register (REGISTRATION)
    site: str | None
    created: datetime
    expires: datetime
    attempts: int = 0  # failed uses of the code
