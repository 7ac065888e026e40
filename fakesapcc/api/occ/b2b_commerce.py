"""OCC B2B buying beside the organization (b2bocc; tags B2B Carts, B2B Orders, B2B Products,
B2B Users, Future Stocks, Order Forms): the current cart, a cart from a past order, the
unit-level orders of one's branch, a product with its volume prices, future stocks, order
forms, and an organization user's registration request (``commerce.b2b_commerce``)."""
from __future__ import annotations

from flask import Response

from ...commerce.b2b_commerce import (BRANCH_SORTS, BranchOrders, OrderForms, Registrations,
                                      cart_from_order, future_stocks)
from ...security import roles
from ...security.access import B2B
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, carts_service, catalog, empty, respond, site
from .carts.base import cart_response
from .dtos import b2b_commerce as dto
from .dtos.carts import ORDER_HISTORY_LIST, modification_list_dto, order_history_dto
from .dtos.catalog import pagination_dto, product_dto, sort_dtos
from .orders import order_response, unknown_order
from .products import find_product

USER = "/<baseSiteId>/users/<userId>"
ORG_USER = "/<baseSiteId>/orgUsers/<userId>"


# -- B2B Carts: the current cart -------------------------------------------------------------


@bp.get(USER + "/carts/current")
@operation("getCurrentOrgCart", secured=roles.OPEN, writes=True)
def get_current_org_cart(baseSiteId: str, userId: str):
    """B2BCartsController.getCurrentCart: the user's current cart. ``current`` is matched as
    the CartMatchingFilter matches it before the controller (no token → 401, the anonymous
    user or an employee → 403, no cart → 400 CartError)."""
    ctx().match_cart("current")
    return cart_response()


# -- B2B Orders: reorder and the branch's orders -----------------------------------------------


class CartFromOrderParams(i.Params):
    orderCode = i.TextParam(required=True)


@bp.post(ORG_USER + "/cartFromOrder")
@operation("createCartFromOrder", secured=roles.REORDER, anonymous=False, channel=B2B,
           params=CartFromOrderParams)
def create_cart_from_order(baseSiteId: str, userId: str, params: dict):
    carts = carts_service()
    code = params["orderCode"].strip()
    _, changes = cart_from_order(carts, ctx().acting.user, code, unknown_order(code))
    return respond(modification_list_dto(carts, changes, site().lang), 201,
                   headers={"Location": "/current"})


class BranchHistoryParams(i.Paging):
    statuses = i.TextParam()
    filters = i.TextParam()
    sort = i.TextParam(default="byDate")


@bp.get(ORG_USER + "/orgUnits/orders")
@operation("getUserBranchOrderHistory", secured=roles.UNIT_ORDER_VIEWER, anonymous=False,
           params=BranchHistoryParams)
def get_user_branch_order_history(baseSiteId: str, userId: str, params: dict):
    sort = params["sort"] if params["sort"] in BRANCH_SORTS else "byDate"
    orders = BranchOrders(runtime().db, ctx().acting.user).orders(
        site().site.uid, params["statuses"], params["filters"], sort)
    page, size = params["currentPage"], params["pageSize"]
    return respond(ORDER_HISTORY_LIST(
        orders=[order_history_dto(carts_service(o.currency), o, site().lang)
                for o in orders[page * size:(page + 1) * size]],
        sorts=sort_dtos(BRANCH_SORTS, sort), pagination=pagination_dto(page, size, len(orders),
                                                                       sort)),
        headers={"X-Total-Count": str(len(orders))})


@bp.get(ORG_USER + "/orgUnits/orders/<code>")
@operation("getBranchOrder", secured=roles.UNIT_ORDER_VIEWER, anonymous=False)
def get_branch_order(baseSiteId: str, userId: str, code: str):
    return order_response(BranchOrders(runtime().db, ctx().acting.user).order(site().site.uid,
                                                                              code))


# -- B2B Products ------------------------------------------------------------------------------


@bp.get("/<baseSiteId>/orgProducts/<productCode>")
@operation("getOrgProduct", secured=roles.OPEN, channel=B2B)
def get_org_product(baseSiteId: str, productCode: str):
    """B2BProductsController: the product as the organization buys it — its volume prices
    (``volumePrices``, what Spartacus' bulk pricing reads) and future stocks with it."""
    sc = site()
    cat = catalog()
    return respond(product_dto(cat, find_product(cat, productCode), sc.lang, sc.curr))


# -- Future Stocks -----------------------------------------------------------------------------


class FutureStocksParams(i.Params):
    productCodes = i.TextParam(required=True, blank_is_missing=False)


@bp.get(USER + "/futureStocks")
@operation("getFutureStocksList", secured=roles.USER, params=FutureStocksParams)
def get_future_stocks_list(baseSiteId: str, userId: str, params: dict):
    codes = [c.strip() for c in params["productCodes"].split(",")]
    found = future_stocks(runtime().db, carts_service(), codes)
    return respond(dto.PRODUCT_FUTURE_STOCKS_LIST(productFutureStocks=[
        dto.product_future_stocks_dto(code, found[code]) for code in dict.fromkeys(codes)]))


@bp.get(USER + "/futureStocks/<productCode>")
@operation("getFutureStocks", secured=roles.USER)
def get_future_stocks(baseSiteId: str, userId: str, productCode: str):
    found = future_stocks(runtime().db, carts_service(), [productCode])
    return respond(dto.product_future_stocks_dto(productCode, found[productCode]))


# -- Order Forms -------------------------------------------------------------------------------

ORDER_FORMS = "/<baseSiteId>/orderforms"


def order_forms() -> OrderForms:
    return OrderForms(runtime().db, carts_service(), ctx().acting.user)


@bp.get(ORDER_FORMS)
@operation("retrieveAllOrderForms", secured=roles.USER, anonymous=False)
def retrieve_all_order_forms(baseSiteId: str):
    state, lang = runtime().db.state, site().lang
    return respond(dto.ORDER_FORM_LIST(orderForms=[dto.order_form_dto(state, f, lang)
                                                   for f in order_forms().all()]))


@bp.post(ORDER_FORMS)
@operation("createAnOrderForm", secured=roles.USER, anonymous=False, body=dto.OrderFormBody)
def create_an_order_form(baseSiteId: str, body: dict):
    order_forms().create(body)
    return empty(201)


@bp.get(ORDER_FORMS + "/<orderFormCode>")
@operation("retrieveAnOrderForm", secured=roles.USER, anonymous=False)
def retrieve_an_order_form(baseSiteId: str, orderFormCode: str):
    return respond(dto.order_form_dto(runtime().db.state, order_forms().get(orderFormCode),
                                      site().lang))


@bp.put(ORDER_FORMS + "/<orderFormCode>")
@operation("updateAnOrderForm", secured=roles.USER, anonymous=False,
           body=dto.OrderFormUpdateBody)
def update_an_order_form(baseSiteId: str, orderFormCode: str, body: dict):
    forms = order_forms()
    form = forms.update(forms.get(orderFormCode), body)
    return respond(dto.order_form_dto(runtime().db.state, form, site().lang))


@bp.delete(ORDER_FORMS + "/<orderFormCode>")
@operation("deleteAnOrderForm", secured=roles.USER, anonymous=False)
def delete_an_order_form(baseSiteId: str, orderFormCode: str):
    forms = order_forms()
    forms.delete(forms.get(orderFormCode))
    return empty(204)


@bp.post(ORDER_FORMS + "/<orderFormCode>/cart")
@operation("addOrderFormToCart", secured=roles.USER, anonymous=False)
def add_order_form_to_cart(baseSiteId: str, orderFormCode: str):
    forms = order_forms()
    forms.add_to_cart(forms.get(orderFormCode))
    return empty(204)


# -- B2B Users: registration requests ------------------------------------------------------------


@bp.post("/<baseSiteId>/orgUsers")
@operation("createRegistrationRequest", secured=roles.REGISTRATION,
           body=dto.OrgUserRegistrationBody)
def create_registration_request(baseSiteId: str, body: dict):
    rt = runtime()
    Registrations(rt.db, rt.clock).register(site().site.uid, body)
    return Response(status=201)


