"""The domain models, in SAP Commerce's own vocabulary.

Plain dataclasses with no behaviour beyond small derived properties. References between items
are stored as natural keys (a uid, an isocode, a ``(catalogId, version)`` pair, an address pk),
never as object pointers, so that the whole state pickles fast and snapshots stay cheap.
Localized attributes are ``dict[language isocode, str]``. The CMS items are in ``models.cms``,
the B2B organization's budgets, cost centers, permissions and user groups in ``models.b2b``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Localized = dict  # dict[str, str]


def localized(value: Localized | None, lang: str, fallback: str = "en") -> str | None:
    """The value of a localized attribute in ``lang``, falling back to ``fallback`` and then to
    any language, as SAP's localization fallback does."""
    if not value:
        return None
    return value.get(lang) or value.get(fallback) or next(iter(value.values()), None)


# ---------------------------------------------------------------------------- internationalization


@dataclass(slots=True)
class Language:
    isocode: str
    name: Localized = field(default_factory=dict)
    active: bool = True


@dataclass(slots=True)
class Currency:
    isocode: str
    name: Localized = field(default_factory=dict)
    symbol: str = ""
    digits: int = 2
    active: bool = True
    conversion: float = 1.0
    base: bool = False


@dataclass(slots=True)
class Country:
    isocode: str
    name: Localized = field(default_factory=dict)
    active: bool = True


@dataclass(slots=True)
class Region:
    isocode: str
    country: str  # Country.isocode
    name: Localized = field(default_factory=dict)
    isocodeShort: str | None = None
    active: bool = True


@dataclass(slots=True)
class City:
    """A city of a region (SAP's address services: Chinese addresses and the like)."""

    isocode: str  # e.g. CN-11-1
    region: str  # Region.isocode
    name: Localized = field(default_factory=dict)


@dataclass(slots=True)
class District:
    isocode: str  # e.g. CN-11-1-1
    city: str  # City.isocode
    name: Localized = field(default_factory=dict)


@dataclass(slots=True)
class Title:
    code: str
    name: Localized = field(default_factory=dict)


@dataclass(slots=True)
class CreditCardType:
    code: str
    name: Localized = field(default_factory=dict)


# ----------------------------------------------------------------------------------- catalog


@dataclass(slots=True)
class Catalog:
    id: str
    name: Localized = field(default_factory=dict)
    defaultCatalog: bool = False


@dataclass(slots=True)
class CatalogVersion:
    catalog: str  # Catalog.id
    version: str
    active: bool = False
    languages: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.catalog, self.version)


@dataclass(slots=True)
class Category:
    code: str
    catalogVersion: tuple[str, str]
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    supercategories: list[str] = field(default_factory=list)  # Category codes, same version
    picture: str | None = None  # Media code
    order: int = 0


@dataclass(slots=True)
class MediaFormat:
    qualifier: str
    name: Localized = field(default_factory=dict)


@dataclass(slots=True)
class Media:
    code: str
    catalogVersion: tuple[str, str] | None
    url: str | None = None
    mime: str | None = None
    altText: str | None = None
    mediaFormat: str | None = None  # MediaFormat.qualifier
    mediaContainer: str | None = None  # MediaContainer.qualifier


@dataclass(slots=True)
class MediaContainer:
    qualifier: str
    catalogVersion: tuple[str, str] | None


@dataclass(slots=True)
class Product:
    code: str
    catalogVersion: tuple[str, str]
    name: Localized = field(default_factory=dict)
    summary: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    manufacturerName: str | None = None
    manufacturerAID: str | None = None
    ean: str | None = None
    unit: str = "pieces"
    approvalStatus: str = "approved"
    supercategories: list[str] = field(default_factory=list)  # Category codes, same version
    picture: str | None = None  # Media code
    thumbnail: str | None = None  # Media code
    galleryImages: list[str] = field(default_factory=list)  # MediaContainer qualifiers
    onlineDate: datetime | None = None
    offlineDate: datetime | None = None
    averageRating: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def purchasable(self) -> bool:
        return self.approvalStatus == "approved"


@dataclass(slots=True)
class PriceRow:
    pk: int
    product: str  # Product.code
    currency: str  # Currency.isocode
    price: float
    catalogVersion: tuple[str, str] | None = None
    unit: str = "pieces"
    net: bool = False
    minqtd: int = 1


@dataclass(slots=True)
class Warehouse:
    code: str
    name: Localized = field(default_factory=dict)
    default: bool = False


@dataclass(slots=True)
class StockLevel:
    pk: int
    productCode: str
    warehouse: str  # Warehouse.code
    available: int = 0
    reserved: int = 0
    inStockStatus: str = "notSpecified"  # notSpecified | forceInStock | forceOutOfStock
    maxPreOrder: int = 0

    @property
    def free(self) -> int:
        return max(self.available - self.reserved, 0)


# -------------------------------------------------------------------------------- principals


class _NoExtra(dict):
    """``Principal.extra`` of a principal that has none: one empty mapping that every such
    principal shares (100,000 customers held 100,000 empty dicts, 6 MiB), and that refuses to
    be changed in place: give the principal a new dict (``p.extra = {**p.extra, key: value}``).
    It pickles (and deep-copies) as itself."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a principal's empty extra is shared: assign a new dict instead")

    __setitem__ = __delitem__ = __ior__ = update = setdefault = pop = popitem = clear = _refuse

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _no_extra, ()


NO_EXTRA = _NoExtra()


def _no_extra() -> dict[str, Any]:
    return NO_EXTRA


@dataclass(slots=True)
class Principal:
    """Anything with a uid: users and groups. ``groups`` holds the uids of the groups this
    principal is a direct member of (SAP's PrincipalGroupRelation): an immutable set, replaced
    through ``Db.set_groups``, which shares one instance among the principals in the same groups."""

    uid: str
    name: str | None = None
    description: str | None = None
    groups: frozenset[str] = frozenset()  # shared: replaced, never changed in place
    extra: dict[str, Any] = field(default_factory=_no_extra)  # none: NO_EXTRA, shared; assign

    type_code = "Principal"


@dataclass(slots=True)
class UserGroup(Principal):
    locname: Localized = field(default_factory=dict)

    type_code = "UserGroup"


@dataclass(slots=True)
class CsAgentGroup(UserGroup):
    type_code = "CsAgentGroup"


@dataclass(slots=True)
class StoreEmployeeGroup(UserGroup):
    store: str | None = None  # PointOfService.name

    type_code = "StoreEmployeeGroup"


@dataclass(slots=True)
class SiteEmployeeGroup(UserGroup):
    visibleSite: str | None = None  # BaseSite.uid

    type_code = "SiteEmployeeGroup"


@dataclass(slots=True)
class CustomerList(UserGroup):
    """A user group whose members (agents or their groups) may see the list."""

    implementationType: str | None = None  # IN_STORE | BOPIS | RECENT_SESSIONS | …
    priority: int = 0
    searchBoxEnabled: bool = False
    additionalColumnsKeys: list[str] = field(default_factory=list)

    type_code = "CustomerList"


@dataclass(slots=True)
class B2BUnit(UserGroup):
    active: bool = True
    lineOfBusiness: str | None = None
    buyer: bool = True
    approvers: list[str] = field(default_factory=list)  # B2BCustomer uids (B2BUnitApprovers)
    approvalProcessCode: str | None = None
    creditLimit: str | None = None  # B2BCreditLimit.code
    accountManager: str | None = None  # Employee.uid

    type_code = "B2BUnit"


@dataclass(slots=True)
class User(Principal):
    password: str | None = None  # plain text; None = no password set
    loginDisabled: bool = False
    deactivationDate: datetime | None = None
    sessionLanguage: str | None = None
    sessionCurrency: str | None = None
    defaultShipmentAddress: int | None = None  # Address.pk
    defaultPaymentAddress: int | None = None  # Address.pk

    type_code = "User"

    def is_active(self, now: datetime) -> bool:
        """SAP's rule for lists and log-in: login not disabled, not (yet) deactivated."""
        return not self.loginDisabled and (
            self.deactivationDate is None or self.deactivationDate > now
        )


@dataclass(slots=True)
class Employee(User):
    type_code = "Employee"


@dataclass(slots=True)
class Customer(User):
    customerId: str | None = None
    originalUid: str | None = None
    title: str | None = None  # Title.code
    type: str = "REGISTERED"  # REGISTERED | GUEST
    site: str | None = None  # BaseSite.uid (isolated sites)
    creationtime: datetime | None = None
    token: str | None = None  # the forgotten-password token SAP keeps on the customer
    tokenIssued: datetime | None = None

    type_code = "Customer"

    @property
    def guest(self) -> bool:
        return self.type == "GUEST"

    @property
    def firstName(self) -> str | None:
        """SAP keeps one ``name``; OCC splits it at the first space (CustomerNameStrategy)."""
        return (self.name or "").split(" ", 1)[0] or None

    @property
    def lastName(self) -> str | None:
        parts = (self.name or "").split(" ", 1)
        return parts[1] if len(parts) > 1 else None


@dataclass(slots=True)
class B2BCustomer(Customer):
    email: str | None = None
    defaultB2BUnit: str | None = None  # B2BUnit.uid
    active: bool = True
    approvers: list[str] = field(default_factory=list)  # B2BCustomer uids (B2BCustomersApprovers)
    permissions: list[str] = field(default_factory=list)  # B2BPermission codes

    type_code = "B2BCustomer"


# ----------------------------------------------------------------------------- organisation


@dataclass(slots=True)
class Address:
    pk: int
    owner: str | None = None  # a user uid, or a PointOfService name (see ownerType)
    ownerType: str = "User"  # "User" | "PointOfService" | "Order"
    title: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    company: str | None = None
    streetname: str | None = None  # OCC line1
    streetnumber: str | None = None  # OCC line2
    postalcode: str | None = None
    town: str | None = None
    district: str | None = None
    country: str | None = None  # Country.isocode
    region: str | None = None  # Region.isocode
    phone1: str | None = None
    cellphone: str | None = None
    email: str | None = None
    duplicate: bool = False
    billingAddress: bool = False
    shippingAddress: bool = True
    contactAddress: bool = False
    visibleInAddressBook: bool = True


@dataclass(slots=True)
class PointOfService:
    name: str
    displayName: str | None = None
    type: str = "STORE"
    description: str | None = None
    address: int | None = None  # Address.pk
    latitude: float | None = None
    longitude: float | None = None
    basestore: str | None = None  # BaseStore.uid
    features: list[str] = field(default_factory=list)
    warehouses: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BaseSite:
    """SAP's BaseSite; a CMSSite row in ImpEx lands here too."""

    uid: str
    name: Localized = field(default_factory=dict)
    stores: list[str] = field(default_factory=list)  # BaseStore uids
    contentCatalogs: list[str] = field(default_factory=list)  # ContentCatalog ids
    channel: str = "B2C"  # B2C | B2B
    active: bool = True
    defaultLanguage: str | None = None
    theme: str | None = None
    urlPatterns: list[str] = field(default_factory=list)
    requiresAuthentication: bool = False
    isolated: bool = False
    urlEncodingAttributes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BaseStore:
    uid: str
    name: Localized = field(default_factory=dict)
    catalogs: list[str] = field(default_factory=list)  # Catalog ids
    currencies: list[str] = field(default_factory=list)
    defaultCurrency: str | None = None
    languages: list[str] = field(default_factory=list)
    defaultLanguage: str | None = None
    deliveryCountries: list[str] = field(default_factory=list)
    billingCountries: list[str] = field(default_factory=list)
    net: bool = False
    pickupInStoreMode: str = "DISABLED"
    warehouses: list[str] = field(default_factory=list)
    deliveryModes: list[str] = field(default_factory=list)  # DeliveryMode codes
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Zone:
    code: str
    countries: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DeliveryMode:
    """A delivery mode; ``kind`` tells SAP's subtype (ZoneDeliveryMode, PickUpDeliveryMode)."""

    code: str
    kind: str = "ZoneDeliveryMode"
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    active: bool = True
    net: bool = False


@dataclass(slots=True)
class ZoneDeliveryModeValue:
    pk: int
    deliveryMode: str  # DeliveryMode.code
    zone: str  # Zone.code
    currency: str
    value: float
    minimum: float = 0.0


@dataclass(slots=True)
class OAuthClientDetails:
    clientId: str
    clientSecret: str | None = None
    authorities: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)
    authorizedGrantTypes: list[str] = field(default_factory=list)
    registeredRedirectUri: list[str] = field(default_factory=list)
    resourceIds: list[str] = field(default_factory=list)
    accessTokenValiditySeconds: int | None = None
    refreshTokenValiditySeconds: int | None = None
    public: bool = False
    loginPageUri: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PromotionVoucher:
    code: str
    voucherCode: str
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    value: float = 0.0
    currency: str | None = None  # None = percentage
    freeShipping: bool = False
    redemptionQuantityLimit: int | None = None
    redemptionQuantityLimitPerUser: int | None = None


@dataclass(slots=True)
class CustomerReview:
    pk: int
    product: str  # Product.code
    user: str | None  # User.uid; None for anonymous reviews
    rating: float
    headline: str | None = None
    comment: str | None = None
    alias: str | None = None
    date: datetime | None = None
    approvalStatus: str = "approved"


@dataclass(slots=True)
class ProductReference:
    pk: int
    source: str  # Product.code
    target: str  # Product.code
    referenceType: str = "SIMILAR"  # ACCESSORIES | SIMILAR | CROSSELLING | UPSELLING | …
    description: str | None = None
    quantity: int = 1
    preselected: bool = False
    active: bool = True


@dataclass(slots=True)
class ConsentTemplate:
    id: str
    version: int
    baseSite: str | None = None  # BaseSite.uid; None = every site
    name: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    exposed: bool = False


@dataclass(slots=True)
class Consent:
    code: str
    template: str  # ConsentTemplate.id
    templateVersion: int
    user: str  # User.uid
    consentGivenDate: datetime | None = None
    consentWithdrawnDate: datetime | None = None


@dataclass(slots=True)
class AgentSession:
    """SAP's START_SESSION_EVENT: an agent began acting for a customer (one per token)."""

    agent: str  # Employee.uid
    customer: str  # Customer.uid
    started: datetime
    token: str | None = None


@dataclass(slots=True)
class ProductInterest:
    pk: int
    user: str
    product: str
    notificationType: str = "BACK_IN_STOCK"
    site: str | None = None
    creationtime: datetime | None = None


# ------------------------------------------------------------------------------------ orders


@dataclass(slots=True)
class OrderEntry:
    entryNumber: int
    product: str  # Product.code
    quantity: int
    basePrice: float
    deliveryPointOfService: str | None = None  # PointOfService.name
    totalPrice: float = 0.0
    quantityCancelled: int = 0  # an order's entry: cancelled (quantity is what remains)
    order: str | None = None  # Order.code, for an entry ImpEx writes into an order


@dataclass(slots=True)
class PaymentInfo:
    id: str
    user: str
    accountHolderName: str | None = None
    cardNumber: str | None = None  # masked
    cardType: str | None = None
    expiryMonth: str | None = None
    expiryYear: str | None = None
    startMonth: str | None = None
    startYear: str | None = None
    issueNumber: str | None = None
    billingAddress: int | None = None
    defaultPayment: bool = False
    saved: bool = True
    subscriptionId: str | None = None
    deleted: bool = False  # removed from the wallet; orders keep pointing at it


@dataclass(slots=True)
class AbstractOrder:
    code: str
    guid: str
    user: str  # User.uid ("anonymous" for anonymous carts)
    site: str
    store: str
    currency: str
    entries: list[OrderEntry] = field(default_factory=list)
    deliveryAddress: int | None = None
    deliveryMode: str | None = None
    paymentInfo: str | None = None
    appliedVouchers: list[str] = field(default_factory=list)
    net: bool = False
    name: str | None = None
    description: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    guestEmail: str | None = None
    placedBy: str | None = None  # the agent's uid when an agent created or placed it
    # B2B checkout (models.b2b): CARD or ACCOUNT, the buyer's PO number, B2BCostCenter.code, and
    # the B2BUnit.uid the order is placed for
    paymentType: str | None = None
    purchaseOrderNumber: str | None = None
    costCenter: str | None = None
    unit: str | None = None
    # quotes (models.b2b.Quote): the quote whose cart this is (or whose offer was ordered), and
    # the seller's discount on it, an amount off the order
    quote: str | None = None
    quoteDiscount: float = 0.0
    # the B2C checkout's extras: the date the customer asked to collect it on, a billing
    # address (Address.pk), SAP's payment option, the cart's access code
    requestedRetrievalAt: datetime | None = None
    billingAddress: int | None = None
    sapPaymentOptionId: str | None = None
    accessCode: str | None = None


@dataclass(slots=True)
class Cart(AbstractOrder):
    saveTime: datetime | None = None
    savedBy: str | None = None
    expirationTime: datetime | None = None  # a saved cart's: removed by the cleanup after it


@dataclass(slots=True)
class Consignment:
    code: str
    order: str  # Order.code
    status: str  # e.g. READY, READY_FOR_PICKUP, SHIPPED
    entries: list[int] = field(default_factory=list)  # OrderEntry numbers
    deliveryPointOfService: str | None = None
    warehouse: str | None = None
    created: datetime | None = None
    statusDate: datetime | None = None  # when the status last changed
    trackingID: str | None = None  # set when it ships
    carrier: str | None = None  # a carrier code, with the tracking id
    shippingDate: datetime | None = None


@dataclass(slots=True)
class Order(AbstractOrder):
    status: str = "CREATED"
    consignments: list[str] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)  # frozen when the order was placed
    cartCode: str | None = None


@dataclass(slots=True)
class ReturnEntry:
    entryNumber: int  # OrderEntry.entryNumber
    expectedQuantity: int
    refundAmount: float = 0.0
    action: str = "HOLD"
    refundReason: str = "GOODWILL"


@dataclass(slots=True)
class ReturnRequest:
    """An order return request (OMS's ReturnRequest): its RMA is its code, as SAP's
    DefaultRMAGenerator makes it."""

    code: str
    order: str  # Order.code
    user: str  # the order's user uid
    site: str
    status: str = "APPROVAL_PENDING"
    entries: list[ReturnEntry] = field(default_factory=list)
    refundDeliveryCost: bool = False
    created: datetime | None = None
    modified: datetime | None = None

    @property
    def rma(self) -> str:
        return self.code


@dataclass(slots=True)
class OutboxMail:
    """A message SAP's customer communication would send (the forgotten-password mail): kept
    in the outbox the control plane reads."""

    id: int
    to: str  # the customer's uid (e-mail)
    kind: str  # e.g. ForgottenPassword
    site: str | None
    subject: str
    body: str
    sent: datetime
    data: dict[str, str] = field(default_factory=dict)  # token, link …


# ------------------------------------------------------------------------------------- oauth


@dataclass(slots=True)
class OAuthAccessToken:
    """An issued access token. ``authorities`` are fixed when the token is issued, as SAP's
    token store keeps the authentication it was issued for."""

    value: str
    clientId: str
    userUid: str | None  # None for a client_credentials token
    scope: list[str]
    authorities: list[str]
    issuedAt: datetime
    expiresAt: datetime
    refreshToken: str | None = None
    grantType: str = "password"


@dataclass(slots=True)
class OAuthRefreshToken:
    value: str
    clientId: str
    userUid: str
    scope: list[str]
    expiresAt: datetime


@dataclass(slots=True)
class OAuthAuthorizationCode:
    """An authorization code the authorization endpoint issued: single use, short-lived, bound
    to its client, its redirect URI and its PKCE challenge."""

    value: str
    clientId: str
    userUid: str
    #: the ``redirect_uri`` of the authorization request; None when it sent none (the client's
    #: only registered URI was used, and the token request need not repeat it)
    redirectUri: str | None
    resolvedRedirectUri: str
    scope: list[str]
    issuedAt: datetime
    expiresAt: datetime
    codeChallenge: str | None = None
    codeChallengeMethod: str | None = None  # S256 | plain
    used: bool = False  # redeemed (or invalidated); kept so that a reuse can be detected
    #: the tokens it was exchanged for, revoked if the code is presented again (RFC 6749 §4.1.2)
    accessToken: str | None = None
    refreshToken: str | None = None


@dataclass(slots=True)
class OAuthLoginSession:
    """The authorization server's HTTP session (``JSESSIONID``): the authorization request
    waiting for the login form, the form's CSRF token, and who logged in."""

    id: str
    csrfToken: str
    createdAt: datetime
    lastAccessedAt: datetime
    #: the query of the ``/oauth/authorize`` request that sent the browser to the login page
    authorizationRequest: dict[str, str] | None = None
    clientId: str | None = None
    userUid: str | None = None  # set by a successful login
