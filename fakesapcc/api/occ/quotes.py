"""OCC quotes (b2bocc's QuoteController; tag Quotes): create one from a cart or quote a
cancelled or expired one again, list and read them, the buyer's name and description and the
seller's expiry, the workflow actions, comments on the quote and its entries, the seller's
discount, and attachments (``commerce.quotes``). The user type — buyer, seller, seller
approver — is read from who calls: the B2B customer, or an agent emulating them."""
from __future__ import annotations

from flask import Response

from ...commerce.quotes import BUYER, SELLER, SELLER_APPROVER, SELLER_APPROVER_GROUP, \
    SELLER_GROUP, SORTS, Quotes, argument_error, quote_error
from ...errors import ApiError
from ...models import B2BCustomer
from ...security import roles
from ...security.roles import role_of_group
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, empty, respond, site
from .dtos.b2b import page
from .dtos.quotes import (QUOTE_LIST, CreateCommentBody, QuoteActionBody, QuoteDiscountBody,
                          QuoteMetadataBody, QuoteStarterBody, quote_dto)

QUOTES = "/<baseSiteId>/users/<userId>/quotes"
QUOTE = QUOTES + "/<quoteCode>"
#: QuoteController's @Secured: a customer, or a customer manager (the seller's agent)
QUOTING = roles.secured("QUOTING", roles.CUSTOMERGROUP, roles.CUSTOMERMANAGERGROUP)
#: createQuoteDiscount: the seller only
DISCOUNTING = roles.secured("DISCOUNTING", roles.CUSTOMERMANAGERGROUP)


def user_type() -> str | None:
    """QuoteUserTypeIdentificationStrategy on the quote user: the agent in an emulation (the
    seller approver's group before the seller's), else the B2B customer, the buyer."""
    c = ctx()
    if c.acting.emulated and c.caller.user is not None:
        if c.caller.has(role_of_group(SELLER_APPROVER_GROUP)):
            return SELLER_APPROVER
        if c.caller.has(role_of_group(SELLER_GROUP)):
            return SELLER
        return None
    return BUYER if isinstance(c.acting.user, B2BCustomer) else None


def quotes() -> Quotes:
    rt = runtime()
    c = ctx()
    kind = user_type()
    if kind is None:
        raise ApiError(403, "ForbiddenError", "Access is denied")
    actor = c.caller.user if c.acting.emulated else c.acting.user
    return Quotes(rt.db, rt.clock, rt.config, carts_service(), c.acting.user, actor, kind)


def _answer(service: Quotes, quote, status: int = 200) -> Response:
    return respond(quote_dto(service, quote, site().lang), status)


@bp.post(QUOTES)
@operation("createQuote", secured=QUOTING, anonymous=False, body=QuoteStarterBody)
def create_quote(baseSiteId: str, userId: str, body: dict):
    """From a cart (``cartId``) or again from a cancelled or expired quote (``quoteCode``):
    exactly one of them."""
    cart_id, code = (body.get("cartId") or "").strip(), (body.get("quoteCode") or "").strip()
    if bool(cart_id) == bool(code):
        raise argument_error("Either cartId or quoteCode must be provided")
    service = quotes()
    if code:
        return _answer(service, service.requote(code), 201)
    cart = runtime().db.cart(cart_id)
    user = ctx().acting.user
    if cart is None or user is None or cart.user.lower() != user.uid.lower() \
            or cart.site != site().site.uid or cart.saveTime is not None:
        raise ApiError(400, "CartError", "Cart not found.")
    return _answer(service, service.create(cart), 201)


class QuoteListParams(i.Paging):
    sort = i.TextParam()


@bp.get(QUOTES)
@operation("getQuotes", secured=QUOTING, anonymous=False, params=QuoteListParams)
def get_quotes(baseSiteId: str, userId: str, params: dict):
    if params["sort"] and params["sort"] not in SORTS:
        raise ApiError(400, "ValidationError", f"Sort [{params['sort']}] is not one of "
                       f"{', '.join(SORTS)}", reason="invalid", subject="sort",
                       subject_type="parameter")
    service = quotes()
    items, pagination = page(service.mine(params["sort"]), params)
    return respond(QUOTE_LIST(quotes=[quote_dto(service, q, site().lang) for q in items],
                              pagination=pagination))


@bp.get(QUOTE)
@operation("getQuote", secured=QUOTING, anonymous=False)
def get_quote(baseSiteId: str, userId: str, quoteCode: str):
    service = quotes()
    missing = ApiError(404, "NotFoundError", "Quote not found", reason="notFound")
    return _answer(service, service.quote(quoteCode, missing))


@bp.put(QUOTE)
@operation("replaceQuote", secured=QUOTING, anonymous=False, body=QuoteMetadataBody)
def replace_quote(baseSiteId: str, userId: str, quoteCode: str, body: dict):
    service = quotes()
    service.update_metadata(service.quote(quoteCode), body, replace=True)
    return empty()


@bp.patch(QUOTE)
@operation("updateQuote", secured=QUOTING, anonymous=False, body=QuoteMetadataBody)
def update_quote(baseSiteId: str, userId: str, quoteCode: str, body: dict):
    service = quotes()
    service.update_metadata(service.quote(quoteCode), body, replace=False)
    return empty()


@bp.post(QUOTE + "/action")
@operation("performQuoteAction", secured=QUOTING, anonymous=False, body=QuoteActionBody)
def perform_quote_action(baseSiteId: str, userId: str, quoteCode: str, body: dict):
    """CANCEL, SUBMIT, EDIT, CHECKOUT, APPROVE or REJECT, as the user's type allows it in the
    state it sees."""
    service = quotes()
    service.perform(service.quote(quoteCode), body["action"])
    return empty()


@bp.get(QUOTE + "/attachments/<attachmentId>")
@operation("getQuoteAttachment", secured=QUOTING, anonymous=False)
def get_quote_attachment(baseSiteId: str, userId: str, quoteCode: str, attachmentId: str):
    """A commerce quote has no attachments (those are SAP CPQ's): 404 for any."""
    quotes().quote(quoteCode)
    raise ApiError(404, "NotFoundError", f"Download for attachment {attachmentId} of quote "
                   f"{quoteCode} is unavailable")


@bp.post(QUOTE + "/comments")
@operation("createCommentForQuote", secured=QUOTING, anonymous=False, body=CreateCommentBody)
def create_comment_for_quote(baseSiteId: str, userId: str, quoteCode: str, body: dict):
    service = quotes()
    service.comment(service.quote(quoteCode), body["text"])
    return empty(201)


@bp.post(QUOTE + "/entries/<entryNumber>/comments")
@operation("createQuoteEntryComment", secured=QUOTING, anonymous=False, body=CreateCommentBody)
def create_quote_entry_comment(baseSiteId: str, userId: str, quoteCode: str, entryNumber: str,
                               body: dict):
    service = quotes()
    quote = service.quote(quoteCode)
    if not entryNumber.strip().isdigit():
        raise quote_error("Quote entry not found")
    service.comment(quote, body["text"], int(entryNumber))
    return empty(201)


@bp.post(QUOTE + "/discounts")
@operation("createQuoteDiscount", secured=DISCOUNTING, anonymous=False, body=QuoteDiscountBody)
def create_quote_discount(baseSiteId: str, userId: str, quoteCode: str, body: dict):
    service = quotes()
    service.discount(service.quote(quoteCode), body["discountType"].strip().upper(),
                     body["discountRate"])
    return empty(201)
