"""The WsDTOs of a B2B buyer's reads beside its organization (FutureStock, ProductFutureStocks
and their list, OrderForm, OrderFormEntry and their list) and the request bodies of order forms
and registration requests (OrderForm, OrgUserRegistrationData)."""
from __future__ import annotations

from ... import dto as d
from ... import inputs as i
from ....db import State
from ....models import b2b as mb
from .catalog import future_stock_dto
from .sitecontext import currency_dto
from .users import IsoCode, principal_dto

PRODUCT_FUTURE_STOCKS = d.DtoType("ProductFutureStocks", "productCode futureStocks",
                                  BASIC="productCode,futureStocks(BASIC)",
                                  DEFAULT="productCode,futureStocks(DEFAULT)",
                                  FULL="productCode,futureStocks(FULL)")
PRODUCT_FUTURE_STOCKS_LIST = d.DtoType("ProductFutureStocksList", "productFutureStocks")
ORDER_FORM_ENTRY = d.DtoType("OrderFormEntry", "sku quantity")
ORDER_FORM = d.DtoType("OrderForm", "code description currency user entries",
                       BASIC="code,description", DEFAULT="code,description,currency(DEFAULT),"
                       "user(DEFAULT),entries(DEFAULT)")
ORDER_FORM_LIST = d.DtoType("OrderFormList", "orderForms",
                            BASIC="orderForms(BASIC)", DEFAULT="orderForms(DEFAULT)",
                            FULL="orderForms(FULL)")


def product_future_stocks_dto(code: str, stocks: list[mb.FutureStock]) -> d.Dto:
    return PRODUCT_FUTURE_STOCKS(productCode=code,
                                 futureStocks=[future_stock_dto(fs) for fs in stocks])


def order_form_dto(state: State, form: mb.OrderForm, lang: str) -> d.Dto:
    owner = state.principals.get(form.user.lower())
    currency = state.currencies.get(form.currency or "")
    return ORDER_FORM(code=form.code, description=form.description,
                      currency=currency_dto(currency, lang) if currency else None,
                      user=principal_dto(form.user, getattr(owner, "name", None)),
                      entries=[ORDER_FORM_ENTRY(sku=e.sku, quantity=e.quantity)
                               for e in form.entries])


# -- request bodies ----------------------------------------------------------------------------


class OrderFormEntryBody(i.Body):
    sku = i.Text(required=True)
    quantity = i.Int(required=True, validate=i.greater_than_zero)


class OrderFormBody(i.Body):
    """OrderForm (createAnOrderForm: code, currency and entries are required)."""

    code = i.Text(required=True, max_length=255)
    description = i.Text(max_length=255)
    currency = i.Object(IsoCode)
    entries = i.Objects(OrderFormEntryBody, required=True)


class OrderFormUpdateBody(OrderFormBody):
    """OrderForm for updateAnOrderForm: every property optional."""

    code = i.Text(max_length=255)
    entries = i.Objects(OrderFormEntryBody)


class OrgUserRegistrationBody(i.Body):
    titleCode = i.Text(validate=i.reference("titles"))
    firstName = i.Text(required=True, max_length=255)
    lastName = i.Text(required=True, max_length=255)
    email = i.Text(required=True, max_length=255, validate=i.email())
    message = i.Text()
    verificationTokenId = i.Text()
    verificationTokenCode = i.Text()
