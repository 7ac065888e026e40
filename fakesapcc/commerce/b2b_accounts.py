"""The money side of a B2B order and unit: an order's invoices (SAP's S/4HANA invoice
integration: a billing document once the order ships) and a unit's account summary with its
financial documents (b2bacceleratorservices' B2BDocument, as the Organization Account Summary
feature reads them).

An order's invoice is what its state says: it exists from the day the order's first
consignment shipped, for the order's total. A unit's documents are its seeded B2BDocuments
and the invoices of the orders placed on its account, open and due thirty days after they
were issued.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import models as m
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import b2b as mb

EXTERNAL_SYSTEM = "S4SALES"
PAYMENT_TERMS = timedelta(days=30)
#: the day ranges of the past-due balance (minBoundary, maxBoundary; None: and beyond)
DAY_RANGES = ((1, 30), (31, 60), (61, 90), (91, None))
#: how a document's open amount counts in the open balance: +1, -1 or not at all
BALANCE_SIGN = {"INVOICE": 1, "DEBIT_NOTE": 1, "CREDIT_NOTE": -1}
SHIPPED = ("SHIPPED", "PICKUP_COMPLETE", "DELIVERY_COMPLETED", "COMPLETED")


def not_found(message: str) -> ApiError:
    return ApiError(404, "NotFoundError", message)


def invalid(subject: str, message: str) -> ApiError:
    return ApiError(400, "ValidationError", message, reason="invalid", subject=subject,
                    subject_type="parameter")


# -- an order's invoices ---------------------------------------------------------------------


@dataclass(frozen=True)
class Invoice:
    invoiceId: str
    order: str
    createdAt: datetime
    total: float
    net: float
    currency: str
    externalSystemId: str = EXTERNAL_SYSTEM


def issued(db: Db, order: m.Order) -> datetime | None:
    """When the order's first consignment shipped (None: nothing has shipped)."""
    dates = [c.shippingDate for code in order.consignments
             if (c := db.state.consignments.get(code)) is not None and c.shippingDate]
    return min(dates) if dates else None


def invoices_of(db: Db, order: m.Order) -> list[Invoice]:
    date = issued(db, order)
    if date is None:
        return []
    total = float(order.totals.get("totalPriceWithTax") or 0)
    tax = float(order.totals.get("totalTax") or 0)
    return [Invoice(f"9{order.code}", order.code, date, total, round(total - tax, 2),
                    order.currency)]


INVOICE_SORTS = ("byCreatedAtDateAsc", "byCreatedAtDateDesc", "byInvoiceIdAsc",
                 "byInvoiceIdDesc", "byNetAmountAsc", "byNetAmountDesc", "byTotalAmountAsc",
                 "byTotalAmountDesc")


def sort_invoices(items: list[Invoice], sort: str) -> list[Invoice]:
    if sort not in INVOICE_SORTS:
        raise invalid("sort", f"Sort [{sort}] is not valid")
    key = {"byCreatedAtDate": lambda i: i.createdAt, "byInvoiceId": lambda i: i.invoiceId,
           "byNetAmount": lambda i: i.net, "byTotalAmount": lambda i: i.total}
    name = sort.removesuffix("Asc").removesuffix("Desc")
    return sorted(items, key=key[name], reverse=sort.endswith("Desc"))


def invoice_of(db: Db, order: m.Order, invoice_id: str,
               external_system: str | None) -> Invoice:
    for invoice in invoices_of(db, order):
        if invoice.invoiceId == invoice_id and external_system in (None, "",
                                                                   invoice.externalSystemId):
            return invoice
    raise not_found(f"Invoice with id [{invoice_id}] was not found")


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF of a few lines of text (what SAP's document systems hand out)."""
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    text = "BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(
        f"({esc(line)}) '" for line in [title, "", *lines]) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
               "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               f"<< /Length {len(text.encode('latin-1', 'replace'))} >>\nstream\n{text}\n"
               "endstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1", "replace")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n" \
        .encode()
    return bytes(out)


# -- a unit's account ------------------------------------------------------------------------


DOCUMENT_SORTS = {
    "byCreatedAtDateAsc": "Document Date (oldest first)",
    "byCreatedAtDateDesc": "Document Date (newest first)",
    "byDueAtDateAsc": "Due Date (oldest first)", "byDueAtDateDesc": "Due Date (newest first)",
    "byOriginalAmountAsc": "Original Amount (ascending)",
    "byOriginalAmountDesc": "Original Amount (descending)",
    "byOpenAmountAsc": "Open Amount (ascending)", "byOpenAmountDesc": "Open Amount (descending)",
    "byOrgDocumentTypeAsc": "Document Type (ascending)",
    "byOrgDocumentTypeDesc": "Document Type (descending)",
    "byOrgDocumentIdAsc": "Document Number (ascending)",
    "byOrgDocumentIdDesc": "Document Number (descending)"}
FILTER_KEYS = ("orgDocumentId", "orgDocumentIdRange", "orgDocumentType", "createdAtDateRange",
               "dueAtDateRange", "amountRange", "openAmountRange")
STATUSES = ("open", "closed", "all")


class Account:
    """A unit's account as its administrator reads it."""

    def __init__(self, db: Db, now: datetime) -> None:
        self.db = db
        self.state = db.state
        self.now = now

    def documents(self, unit: m.B2BUnit) -> list[mb.B2BDocument]:
        """The unit's documents: its B2BDocuments and the invoices of its orders on account."""
        key = uid_key(unit.uid)
        found = [d for d in self.state.b2b_documents.values() if uid_key(d.unit) == key]
        for order in self.state.orders.values():
            if order.paymentType != "ACCOUNT" or not order.unit or uid_key(order.unit) != key:
                continue
            for invoice in invoices_of(self.db, order):
                found.append(mb.B2BDocument(
                    documentNumber=invoice.invoiceId, unit=unit.uid, documentType="INVOICE",
                    date=invoice.createdAt, dueDate=invoice.createdAt + PAYMENT_TERMS,
                    amount=invoice.total, openAmount=invoice.total, currency=invoice.currency,
                    attachments=[invoice.invoiceId]))
        return found

    def document(self, unit: m.B2BUnit, number: str) -> mb.B2BDocument:
        for doc in self.documents(unit):
            if doc.documentNumber == number:
                return doc
        raise not_found(f"Organizational document with id [{number}] was not found")

    def search(self, unit: m.B2BUnit, status: str, sort: str, key: str, value: str,
               start: str, end: str) -> list[mb.B2BDocument]:
        """SAP's document search: a status, one filter (a value, or a range between
        ``start`` and ``end``: dates as MM/dd/yyyy), a sort."""
        status = status.lower()
        if status not in STATUSES:
            raise invalid("status", f"Status [{status}] is not valid")
        if sort not in DOCUMENT_SORTS:
            raise invalid("sort", f"Sort [{sort}] is not valid")
        if key not in FILTER_KEYS:
            raise invalid("filterByKey", f"Filter [{key}] is not valid")
        match = self._filter(key, value, start, end)
        docs = [d for d in self.documents(unit)
                if (status == "all" or d.status.lower() == status) and match(d)]
        return self._sorted(docs, sort)

    def _filter(self, key: str, value: str, start: str, end: str):  # type: ignore[no-untyped-def]
        if key == "orgDocumentId":
            return lambda d: not value or value.lower() in d.documentNumber.lower()
        if key == "orgDocumentType":
            return lambda d: not value or d.documentType == value.upper()
        if key == "orgDocumentIdRange":
            return lambda d: (not start or d.documentNumber >= start) \
                and (not end or d.documentNumber <= end)
        if key in ("createdAtDateRange", "dueAtDateRange"):
            low, high = self._date(start, "startRange"), self._date(end, "endRange")
            attr = "date" if key == "createdAtDateRange" else "dueDate"

            def in_dates(d: mb.B2BDocument) -> bool:
                when = getattr(d, attr)
                return when is not None and (low is None or when.date() >= low.date()) \
                    and (high is None or when.date() <= high.date())
            return in_dates
        low_n, high_n = self._number(start, "startRange"), self._number(end, "endRange")
        attr = "amount" if key == "amountRange" else "openAmount"
        return lambda d: (low_n is None or getattr(d, attr) >= low_n) \
            and (high_n is None or getattr(d, attr) <= high_n)

    @staticmethod
    def _date(text: str, subject: str) -> datetime | None:
        if not text:
            return None
        try:
            return datetime.strptime(text.strip(), "%m/%d/%Y")
        except ValueError:
            raise invalid(subject, f"Invalid date [{text}]: MM/dd/yyyy expected") from None

    @staticmethod
    def _number(text: str, subject: str) -> float | None:
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise invalid(subject, f"Invalid number [{text}]") from None

    @staticmethod
    def _sorted(docs: list[mb.B2BDocument], sort: str) -> list[mb.B2BDocument]:
        far = datetime.max.replace(tzinfo=None)

        def when(value: datetime | None) -> datetime:
            return value.replace(tzinfo=None) if value else far
        keys = {"byCreatedAtDate": lambda d: when(d.date), "byDueAtDate": lambda d: when(d.dueDate),
                "byOriginalAmount": lambda d: d.amount, "byOpenAmount": lambda d: d.openAmount,
                "byOrgDocumentType": lambda d: d.documentType,
                "byOrgDocumentId": lambda d: d.documentNumber}
        name = sort.removesuffix("Asc").removesuffix("Desc")
        ordered = sorted(docs, key=lambda d: d.documentNumber)
        return sorted(ordered, key=keys[name], reverse=sort.endswith("Desc"))

    def balances(self, unit: m.B2BUnit) -> tuple[float, float, float, list[float]]:
        """(open, past due, current, past due per DAY_RANGES) of the unit's open documents."""
        open_total = past_due = 0.0
        ranges = [0.0] * len(DAY_RANGES)
        today = self.now.replace(tzinfo=None)
        for doc in self.documents(unit):
            sign = BALANCE_SIGN.get(doc.documentType)
            if sign is None or doc.status != "OPEN":
                continue
            amount = sign * doc.openAmount
            open_total += amount
            due = doc.dueDate.replace(tzinfo=None) if doc.dueDate else None
            if due is None or due >= today:
                continue
            past_due += amount
            days = (today - due).days
            for n, (low, high) in enumerate(DAY_RANGES):
                if days >= low and (high is None or days <= high):
                    ranges[n] += amount
        return open_total, past_due, open_total - past_due, ranges

    def billing_address(self, unit: m.B2BUnit) -> m.Address | None:
        key = uid_key(unit.uid)
        found = sorted((a for a in self.state.addresses.values()
                        if a.ownerType == "User" and a.owner and uid_key(a.owner) == key
                        and a.billingAddress and a.visibleInAddressBook), key=lambda a: a.pk)
        return found[0] if found else None

    def credit_limit(self, unit: m.B2BUnit) -> mb.B2BCreditLimit | None:
        return self.state.b2b_credit_limits.get(unit.creditLimit or "")

    def account_manager(self, unit: m.B2BUnit) -> m.User | None:
        user = self.db.principal(unit.accountManager or "")
        return user if isinstance(user, m.User) else None
