"""OCC invoices and account summaries (tags Invoices, Organizational Unit Account Summary): an
order's invoices and one as a PDF; a unit's account summary, its financial documents and their
attachments, for the organization's administrator (``commerce.b2b_accounts``)."""
from __future__ import annotations

from flask import Response

from ... import models as m
from ...commerce.b2b_accounts import (DOCUMENT_SORTS, Account, invoice_of, invoices_of,
                                      not_found, pdf, sort_invoices)
from ...commerce.b2b_org import Organization
from ...commerce.orders import find_order
from ...db import uid_key
from ...errors import ApiError
from ...models import b2b as mb
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, respond, site
from .dtos import b2b_accounts as dto
from .dtos.catalog import pagination_dto, sort_dtos
from .orders import unknown_order

USER = "/<baseSiteId>/users/<userId>"
UNIT = USER + "/orgUnits/<orgUnitId>"


def own_order(code: str) -> m.Order:
    order = find_order(runtime().db, site().site, code)
    user = ctx().acting.user
    if order is None or user is None or uid_key(order.user) != uid_key(user.uid):
        raise unknown_order(code)
    return order


def attachment(name: str, content: bytes) -> Response:
    return Response(content, status=200, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


# -- Invoices ----------------------------------------------------------------------------------


class InvoiceParams(i.Paging):
    sort = i.TextParam(default="byCreatedAtDateAsc")


class InvoiceBinaryParams(i.Params):
    externalSystemId = i.TextParam()


@bp.get(USER + "/orders/<code>/invoices")
@operation("getUserOrderInvoices", secured=roles.USER, anonymous=False, params=InvoiceParams)
def get_user_order_invoices(baseSiteId: str, userId: str, code: str, params: dict):
    db = runtime().db
    invoices = sort_invoices(invoices_of(db, own_order(code)), params["sort"])
    return respond(dto.invoice_list_dto(db.state, invoices, params["currentPage"],
                                        params["pageSize"], params["sort"], site().lang))


@bp.get(USER + "/orders/<code>/invoices/<invoiceId>/download")
@operation("getUserOrderInvoiceBinary", secured=roles.USER, anonymous=False,
           params=InvoiceBinaryParams)
def get_user_order_invoice_binary(baseSiteId: str, userId: str, code: str, invoiceId: str,
                                  params: dict):
    order = own_order(code)
    invoice = invoice_of(runtime().db, order, invoiceId, params["externalSystemId"])
    return attachment(invoice.invoiceId, pdf(f"Invoice {invoice.invoiceId}", [
        f"Order {order.code}", f"Date {invoice.createdAt.date().isoformat()}",
        f"Net amount {invoice.net:.2f} {invoice.currency}",
        f"Total amount {invoice.total:.2f} {invoice.currency}"]))


# -- Organizational Unit Account Summary -----------------------------------------------------------


def account_unit(unit_id: str) -> tuple[Account, m.B2BUnit]:
    rt = runtime()
    return Account(rt.db, rt.clock.now()), Organization(rt.db, ctx().acting.user).unit(unit_id)


@bp.get(UNIT + "/accountSummary")
@operation("getAccountSummary", secured=roles.ACCOUNT_SUMMARY, anonymous=False)
def get_account_summary(baseSiteId: str, userId: str, orgUnitId: str):
    account, unit = account_unit(orgUnitId)
    return respond(dto.account_summary_dto(account, unit, site().lang))


class OrgDocumentParams(i.Params):
    page = i.IntParam(default=0, minimum=0)
    pageSize = i.IntParam(default=10, minimum=1)
    status = i.TextParam(default="open")
    sort = i.TextParam(default="byCreatedAtDateAsc")
    startRange = i.TextParam(default="")
    endRange = i.TextParam(default="")
    filterByKey = i.TextParam(default="orgDocumentId")
    filterByValue = i.TextParam(default="")


@bp.get(UNIT + "/orgDocuments")
@operation("getOrgDocuments", secured=roles.ACCOUNT_SUMMARY, anonymous=False,
           params=OrgDocumentParams)
def get_org_documents(baseSiteId: str, userId: str, orgUnitId: str, params: dict):
    account, unit = account_unit(orgUnitId)
    docs = account.search(unit, params["status"], params["sort"], params["filterByKey"],
                          params["filterByValue"], params["startRange"], params["endRange"])
    page, size, lang = params["page"], params["pageSize"], site().lang
    return respond(dto.ORG_DOCUMENT_LIST(
        orgDocuments=[dto.document_dto(account.state, doc, lang)
                      for doc in docs[page * size:(page + 1) * size]],
        sorts=sort_dtos(DOCUMENT_SORTS, params["sort"]),
        orgDocumentTypes=[dto.document_type_dto(code) for code in mb.DOCUMENT_TYPES],
        pagination=pagination_dto(page, size, len(docs), params["sort"])))


@bp.get(UNIT + "/orgDocuments/<orgDocumentId>/attachments/<orgDocumentAttachmentId>")
@operation("getOrgDocumentAttachment", secured=roles.ACCOUNT_SUMMARY, anonymous=False)
def get_org_document_attachment(baseSiteId: str, userId: str, orgUnitId: str,
                                orgDocumentId: str, orgDocumentAttachmentId: str):
    account, unit = account_unit(orgUnitId)
    doc = account.document(unit, orgDocumentId)
    if orgDocumentAttachmentId not in doc.attachments:
        raise account_attachment_missing(orgDocumentAttachmentId)
    name = mb.DOCUMENT_TYPES.get(doc.documentType, doc.documentType)
    return attachment(orgDocumentAttachmentId, pdf(f"{name} {doc.documentNumber}", [
        f"Unit {unit.name or unit.uid}",
        f"Date {doc.date.date().isoformat() if doc.date else ''}",
        f"Amount {doc.amount:.2f} {doc.currency or ''}",
        f"Open amount {doc.openAmount:.2f} {doc.currency or ''}"]))


def account_attachment_missing(attachment_id: str) -> ApiError:
    return not_found(f"Attachment with id [{attachment_id}] was not found")
