"""The WsDTOs of an order's invoices and a unit's account (SAPInvoice and its list,
AccountSummary, AmountBalance, DueBalanceRange, DayRange, OrgUnitReference, OrgDocument,
OrgDocumentType, OrgDocumentAttachment, OrgDocumentList)."""
from __future__ import annotations

from datetime import datetime

from ... import dto as d
from .... import models as m
from ....commerce.b2b_accounts import DAY_RANGES, Account, Invoice
from ....commerce.money import format_amount, round_amount
from ....db import State
from ....models import b2b as mb
from .account import PAGINATION as NEW_PAGINATION
from .catalog import PRICE
from .cms import SORT as SORT_ASC
from .sitecontext import currency_dto
from .users import address_dto

SAP_INVOICE = d.DtoType("SAPInvoice", "invoiceId createdAt totalAmount netAmount externalSystemId",
                        BASIC="invoiceId,createdAt,externalSystemId",
                        DEFAULT="invoiceId,createdAt,totalAmount(DEFAULT),netAmount(DEFAULT),"
                                "externalSystemId")
SAP_INVOICE_LIST = d.DtoType("SAPInvoiceList", "invoices sorts pagination",
                             BASIC="invoices(BASIC),sorts,pagination",
                             DEFAULT="invoices(DEFAULT),sorts,pagination")
ORG_UNIT_REFERENCE = d.DtoType("OrgUnitReference", "uid name")
DAY_RANGE = d.DtoType("DayRange", "minBoundary maxBoundary")
DUE_BALANCE_RANGE = d.DtoType("DueBalanceRange", "dayRange amount")
AMOUNT_BALANCE = d.DtoType("AmountBalance", "openBalance pastDueBalance currentBalance "
                           "dueBalances")
ACCOUNT_SUMMARY = d.DtoType("AccountSummary", "orgUnit amountBalance billingAddress creditLimit "
                            "accountManagerName accountManagerEmail")
ORG_DOCUMENT_TYPE = d.DtoType("OrgDocumentType", "code name")
ORG_DOCUMENT_ATTACHMENT = d.DtoType("OrgDocumentAttachment", "id")
ORG_DOCUMENT = d.DtoType("OrgDocument", "id orgDocumentType status createdAtDate dueAtDate "
                         "formattedAmount amount formattedOpenAmount openAmount currency "
                         "attachments")
ORG_DOCUMENT_LIST = d.DtoType("OrgDocumentList", "orgDocuments sorts orgDocumentTypes pagination")


def _money(state: State, value: float, currency: str | None, lang: str) -> str | None:
    """Java's currency format: a negative amount is ``-$75.00``."""
    cur = state.currencies.get(currency or "")
    if cur is None:
        return None
    text = format_amount(round_amount(abs(value), cur.digits), cur, lang)
    return "-" + text if value < 0 else text


def _price(state: State, value: float, currency: str, lang: str) -> d.Dto | None:
    cur = state.currencies.get(currency)
    if cur is None:
        return None
    value = round_amount(value, cur.digits)
    return PRICE(currencyIso=currency, value=value, priceType="BUY",
                 formattedValue=format_amount(value, cur, lang))


def invoice_dto(state: State, invoice: Invoice, lang: str) -> d.Dto:
    return SAP_INVOICE(invoiceId=invoice.invoiceId,
                       createdAt=invoice.createdAt.isoformat(timespec="seconds"),
                       totalAmount=_price(state, invoice.total, invoice.currency, lang),
                       netAmount=_price(state, invoice.net, invoice.currency, lang),
                       externalSystemId=invoice.externalSystemId)


def invoice_list_dto(state: State, invoices: list[Invoice], page: int, size: int, sort: str,
                     lang: str) -> d.Dto:
    shown = invoices[page * size:(page + 1) * size]
    pages = (len(invoices) + size - 1) // size
    name = sort.removesuffix("Asc").removesuffix("Desc")
    return SAP_INVOICE_LIST(
        invoices=[invoice_dto(state, i, lang) for i in shown],
        sorts=[SORT_ASC(code=name, asc=not sort.endswith("Desc"))],
        pagination=NEW_PAGINATION(count=len(shown), totalCount=len(invoices), page=page,
                                  totalPages=pages, hasNext=page + 1 < pages,
                                  hasPrevious=page > 0))


def account_summary_dto(account: Account, unit: m.B2BUnit, lang: str) -> d.Dto:
    state = account.state
    limit = account.credit_limit(unit)
    currency = limit.currency if limit else None
    docs = account.documents(unit)
    currency = currency or next((doc.currency for doc in docs if doc.currency), None) or "USD"
    open_total, past_due, current, ranges = account.balances(unit)
    manager = account.account_manager(unit)
    billing = account.billing_address(unit)
    return ACCOUNT_SUMMARY(
        orgUnit=ORG_UNIT_REFERENCE(uid=unit.uid, name=unit.name),
        amountBalance=AMOUNT_BALANCE(
            openBalance=_money(state, open_total, currency, lang),
            pastDueBalance=_money(state, past_due, currency, lang),
            currentBalance=_money(state, current, currency, lang),
            dueBalances=[DUE_BALANCE_RANGE(dayRange=DAY_RANGE(minBoundary=low, maxBoundary=high),
                                           amount=_money(state, amount, currency, lang))
                         for (low, high), amount in zip(DAY_RANGES, ranges)]),
        billingAddress=address_dto(state, billing, lang) if billing else None,
        creditLimit=_money(state, limit.amount, limit.currency, lang) if limit else None,
        accountManagerName=manager.name if manager else None,
        accountManagerEmail=manager.uid if manager else None)


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def document_type_dto(code: str) -> d.Dto:
    return ORG_DOCUMENT_TYPE(code=code, name=mb.DOCUMENT_TYPES.get(code, code))


def document_dto(state: State, doc: mb.B2BDocument, lang: str) -> d.Dto:
    cur = state.currencies.get(doc.currency or "")
    return ORG_DOCUMENT(
        id=doc.documentNumber, orgDocumentType=document_type_dto(doc.documentType),
        status=doc.status.lower(), createdAtDate=_day(doc.date), dueAtDate=_day(doc.dueDate),
        formattedAmount=_money(state, doc.amount, doc.currency, lang), amount=doc.amount,
        formattedOpenAmount=_money(state, doc.openAmount, doc.currency, lang),
        openAmount=doc.openAmount, currency=currency_dto(cur, lang) if cur else None,
        attachments=[ORG_DOCUMENT_ATTACHMENT(id=a) for a in doc.attachments])
