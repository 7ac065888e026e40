"""OCC customer ticketing (tag Tickets): the categories, the orders and carts a ticket can be
about, a customer's tickets, opening one, its events and their attachments."""
from __future__ import annotations

from flask import Response

from ...commerce.tickets import MAX_ATTACHMENT, Tickets
from ...models import localized
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, respond, site
from .dtos.catalog import SORT, pagination_dto
from .dtos.tickets import (ASSOCIATED_OBJECT, ASSOCIATED_OBJECT_LIST, TICKET_CATEGORY,
                           TICKET_CATEGORY_LIST, TICKET_LIST, TicketEventBody,
                           TicketStarterBody, attachment_dto, event_dto, ticket_dto)

USER = "/<baseSiteId>/users/<userId>"
TICKET = USER + "/tickets/<ticketId>"


def tickets() -> Tickets:
    rt = runtime()
    return Tickets(rt.db, rt.clock, site().site, ctx().user)


@bp.get("/<baseSiteId>/ticketCategories")
@operation("getTicketCategories", secured=roles.OPEN)
def get_ticket_categories(baseSiteId: str):
    state, lang = runtime().db.state, site().lang
    return respond(TICKET_CATEGORY_LIST(ticketCategories=[
        TICKET_CATEGORY(id=c.code, name=localized(c.name, lang) or c.code)
        for c in sorted(state.ticket_categories.values(), key=lambda c: c.code)]))


@bp.get(USER + "/ticketAssociatedObjects")
@operation("getTicketAssociatedObjects", secured=roles.USER, anonymous=False)
def get_ticket_associated_objects(baseSiteId: str, userId: str):
    return respond(ASSOCIATED_OBJECT_LIST(ticketAssociatedObjects=[
        ASSOCIATED_OBJECT(code=code, type=kind,
                          modifiedAt=when.isoformat(timespec="seconds") if when else None)
        for code, kind, when in tickets().associated_objects()]))


class TicketListParams(i.Paging):
    sort = i.ChoiceParam(("byDate", "byTicketId"), default="byDate",
                         message="Sort code [{value}] is invalid")


@bp.get(USER + "/tickets")
@operation("getTickets", secured=roles.USER, anonymous=False, params=TicketListParams)
def get_tickets(baseSiteId: str, userId: str, params: dict):
    service = tickets()
    found = service.mine(params["sort"])
    page, size = params["currentPage"], params["pageSize"]
    return respond(TICKET_LIST(
        tickets=[ticket_dto(service.state, t, site().lang) for t in found[page * size:(page + 1) * size]],
        pagination=pagination_dto(page, size, len(found), params["sort"]),
        sorts=[SORT(code=code, selected=code == params["sort"]) for code in ("byDate", "byTicketId")]))


@bp.post(USER + "/tickets")
@operation("createTicket", secured=roles.USER, anonymous=False, body=TicketStarterBody)
def create_ticket(baseSiteId: str, userId: str, body: dict):
    associated = body.get("associatedTo")
    service = tickets()
    ticket = service.create(body["subject"], body["message"],
                            (body.get("ticketCategory") or {}).get("id"),
                            (associated["code"], associated["type"]) if associated else None)
    return respond(ticket_dto(service.state, ticket, site().lang), 201)


@bp.get(TICKET)
@operation("getTicket", secured=roles.USER, anonymous=False)
def get_ticket(baseSiteId: str, userId: str, ticketId: str):
    service = tickets()
    return respond(ticket_dto(service.state, service.ticket(ticketId), site().lang))


@bp.post(TICKET + "/events")
@operation("createTicketEvent", secured=roles.USER, anonymous=False, body=TicketEventBody)
def create_ticket_event(baseSiteId: str, userId: str, ticketId: str, body: dict):
    status = (body.get("toStatus") or {}).get("id")
    event = tickets().add_event(ticketId, body["message"], status, ctx().agent)
    return respond(event_dto(event), 201)


@bp.post(TICKET + "/events/<eventCode>/attachments")
@operation("createTicketEventAttachment", secured=roles.USER, anonymous=False)
def create_ticket_event_attachment(baseSiteId: str, userId: str, ticketId: str,
                                   eventCode: str):
    service = tickets()
    service.event(ticketId, eventCode)  # an unknown ticket or event before the upload's checks
    filename, mime, data = i.uploaded_file("ticketEventAttachment", MAX_ATTACHMENT)
    return respond(attachment_dto(service.attach(ticketId, eventCode, filename, mime, data)), 201)


@bp.get(TICKET + "/events/<eventCode>/attachments/<attachmentId>")
@operation("getTicketEventAttachment", secured=roles.USER, anonymous=False)
def get_ticket_event_attachment(baseSiteId: str, userId: str, ticketId: str, eventCode: str,
                                attachmentId: str):
    found = tickets().attachment(ticketId, eventCode, attachmentId)
    return Response(found.data, mimetype=found.mime, headers={
        "Content-Disposition": f'attachment; filename="{found.filename}"'})
