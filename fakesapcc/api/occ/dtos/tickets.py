"""Customer ticketing WsDTOs (Ticket, TicketList, TicketEvent, TicketStatus, TicketCategory and
its list, TicketAssociatedObject and its list, TicketEventAttachment) and the request bodies
(TicketStarter, TicketEvent)."""
from __future__ import annotations

from datetime import datetime

from ... import dto as d
from ... import inputs as i
from ....commerce.tickets import STATUS_NAMES, TRANSITIONS
from ....models import localized
from ....models import promotions as mp

TICKET = d.DtoType(
    "Ticket", "id customerId subject createdAt modifiedAt availableStatusTransitions "
    "associatedTo status ticketEvents ticketCategory")
TICKET_LIST = d.DtoType("TicketList", "tickets pagination sorts")
TICKET_EVENT = d.DtoType("TicketEvent", "code author createdAt message addedByAgent "
                         "ticketEventAttachments toStatus")
TICKET_STATUS = d.DtoType("TicketStatus", "name id")
TICKET_CATEGORY = d.DtoType("TicketCategory", "name id")
TICKET_CATEGORY_LIST = d.DtoType("TicketCategoryList", "ticketCategories")
ASSOCIATED_OBJECT = d.DtoType("TicketAssociatedObject", "code type modifiedAt")
ASSOCIATED_OBJECT_LIST = d.DtoType("TicketAssociatedObjectList", "ticketAssociatedObjects")
ATTACHMENT = d.DtoType("TicketEventAttachment", "id filename")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def status_dto(code: str) -> d.Dto:
    return TICKET_STATUS(id=code, name=STATUS_NAMES.get(code, code))


def category_dto(state, code: str | None, lang: str) -> d.Dto | None:
    if code is None:
        return None
    category = state.ticket_categories.get(code)
    return TICKET_CATEGORY(id=code, name=localized(category.name, lang) if category else code)


def attachment_dto(attachment: mp.TicketAttachment) -> d.Dto:
    return ATTACHMENT(id=attachment.id, filename=attachment.filename)


def event_dto(event: mp.TicketEvent) -> d.Dto:
    return TICKET_EVENT(code=event.code, author=event.author, createdAt=_iso(event.created),
                        message=event.message, addedByAgent=event.addedByAgent,
                        ticketEventAttachments=[attachment_dto(a) for a in event.attachments],
                        toStatus=status_dto(event.toStatus) if event.toStatus else None)


def ticket_dto(state, ticket: mp.Ticket, lang: str) -> d.Dto:
    """A ticket with its events, newest first as SAP lists them; the starter's message is the
    first event."""
    starter = mp.TicketEvent(code=f"{ticket.id}-0", author=ticket.customer,
                             created=ticket.created or ticket.modified, message=ticket.message or "")
    events = [starter, *ticket.events] if ticket.message else list(ticket.events)
    customer = state.principals.get(ticket.customer.lower())
    return TICKET(
        id=ticket.id, customerId=getattr(customer, "customerId", None) or ticket.customer,
        subject=ticket.subject, createdAt=_iso(ticket.created), modifiedAt=_iso(ticket.modified),
        availableStatusTransitions=[status_dto(s) for s in TRANSITIONS.get(ticket.status, ())],
        associatedTo=ASSOCIATED_OBJECT(code=ticket.associatedCode, type=ticket.associatedType)
        if ticket.associatedCode else None,
        status=status_dto(ticket.status),
        ticketEvents=[event_dto(e) for e in reversed(events)],
        ticketCategory=category_dto(state, ticket.category, lang))


# -- request bodies ----------------------------------------------------------------------------


class TicketCategoryBody(i.Body):
    id = i.Text(required=True)
    name = i.Text()


class AssociatedObjectBody(i.Body):
    code = i.Text(required=True)
    type = i.Text(required=True)
    modifiedAt = i.Text()


class TicketStarterBody(i.Body):
    """``TicketStarterValidator``: a subject (up to 255 characters) and a message (up to 5000)."""

    subject = i.Text(required=True, max_length=255)
    message = i.Text(required=True, max_length=5000)
    ticketCategory = i.Object(TicketCategoryBody)
    associatedTo = i.Object(AssociatedObjectBody)


class TicketStatusBody(i.Body):
    id = i.Text(required=True)
    name = i.Text()


class TicketEventBody(i.Body):
    """``TicketEventValidator``: a message (up to 5000 characters), optionally a new status."""

    message = i.Text(required=True, max_length=5000)
    toStatus = i.Object(TicketStatusBody)
    code = i.Text()
    author = i.Text()
    createdAt = i.Text()
    addedByAgent = i.Bool()
