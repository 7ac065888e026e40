"""Customer support tickets (SAP's customerticketing): a customer opens a ticket about an order
or a cart, writes events (messages, a status change, attachments), and an agent sees them in
Customer 360. Status transitions as SAP's default ticket business process: an open or in-process
ticket can be closed, a closed one reopened (``INPROCESS``)."""
from __future__ import annotations

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError, validation_error
from ..models import promotions as mp

STATUS_NAMES = {"OPEN": "Open", "INPROCESS": "In Process", "CLOSED": "Closed"}
TRANSITIONS = {"OPEN": ("CLOSED",), "INPROCESS": ("CLOSED",), "CLOSED": ("INPROCESS",)}
ASSOCIATED_TYPES = ("Order", "Cart", "SavedCart")
MAX_ATTACHMENT = 10 * 1024 * 1024  # customerticketingfacades' upload limit
ATTACHMENT_TYPES = ("pdf", "jpg", "jpeg", "png", "gif", "txt", "doc", "docx", "xls", "xlsx")


def ticket_not_found(ticket_id: str) -> ApiError:
    return ApiError(404, "NotFoundError", f"Ticket not found for the given ID {ticket_id}")


class Tickets:
    def __init__(self, db: Db, clock: Clock, site: m.BaseSite, user: m.User) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.site = site
        self.user = user

    def mine(self, sort: str = "byDate") -> list[mp.Ticket]:
        found = [t for t in self.state.tickets.values()
                 if uid_key(t.customer) == uid_key(self.user.uid) and t.site == self.site.uid]
        if sort == "byTicketId":
            return sorted(found, key=lambda t: t.id)
        return sorted(found, key=lambda t: (t.modified or t.created, t.id), reverse=True)

    def ticket(self, ticket_id: str) -> mp.Ticket:
        ticket = self.state.tickets.get(ticket_id)
        if (ticket is None or uid_key(ticket.customer) != uid_key(self.user.uid)
                or ticket.site != self.site.uid):
            raise ticket_not_found(ticket_id)
        return ticket

    def associated_objects(self) -> list[tuple[str, str, object]]:
        """The orders, carts and saved carts a ticket can be about: (code, type, modified)."""
        uid = uid_key(self.user.uid)
        found: list[tuple[str, str, object]] = []
        for order in self.state.orders.values():
            if uid_key(order.user) == uid and order.site == self.site.uid:
                found.append((order.code, "Order", order.modified or order.created))
        for cart in self.state.carts.values():
            if uid_key(cart.user) == uid and cart.site == self.site.uid:
                kind = "SavedCart" if cart.saveTime is not None else "Cart"
                found.append((cart.code, kind, cart.modified or cart.created))
        return sorted(found, key=lambda x: (x[1], x[0]))

    def next_id(self) -> str:
        while True:
            code = self.db.next_code("ticket", 2)
            if code not in self.state.tickets:
                return code

    def create(self, subject: str, message: str, category: str | None,
               associated: tuple[str, str] | None) -> mp.Ticket:
        if category is not None and category not in self.state.ticket_categories:
            raise validation_error("ticketCategory", "Ticket category is not valid.")
        if associated is not None:
            code, kind = associated
            if not any(c == code and t == kind for c, t, _ in self.associated_objects()):
                raise validation_error("associatedTo", "Associated object is not valid.")
        now = self.clock.now()
        ticket = mp.Ticket(id=self.next_id(), customer=self.user.uid, site=self.site.uid,
                           subject=subject, category=category, status="OPEN",
                           associatedType=associated[1] if associated else None,
                           associatedCode=associated[0] if associated else None,
                           message=message, created=now, modified=now)
        self.state.tickets[ticket.id] = ticket
        return ticket

    def add_event(self, ticket_id: str, message: str, to_status: str | None,
                  agent: m.User | None) -> mp.TicketEvent:
        ticket = self.ticket(ticket_id)
        if to_status is not None and to_status != ticket.status:
            if to_status not in TRANSITIONS.get(ticket.status, ()):
                raise validation_error("toStatus", f"Ticket status {ticket.status} cannot change "
                                                   f"to {to_status}.")
        elif ticket.status == "CLOSED":
            raise validation_error("toStatus", "A closed ticket must be reopened (INPROCESS) "
                                               "to add a message.")
        now = self.clock.now()
        event = mp.TicketEvent(code=self.db.next_code("ticketEvent", 1), created=now,
                               author=(agent or self.user).uid, message=message,
                               addedByAgent=agent is not None,
                               toStatus=to_status if to_status != ticket.status else None)
        if event.toStatus:
            ticket.status = event.toStatus
        ticket.events.append(event)
        ticket.modified = now
        return event

    def event(self, ticket_id: str, event_code: str) -> mp.TicketEvent:
        ticket = self.ticket(ticket_id)
        event = next((e for e in ticket.events if e.code == event_code), None)
        if event is None:
            raise ApiError(404, "NotFoundError",
                           f"Ticket event not found for the given code {event_code}")
        return event

    def attach(self, ticket_id: str, event_code: str, filename: str, mime: str,
               data: bytes) -> mp.TicketAttachment:
        event = self.event(ticket_id, event_code)
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in ATTACHMENT_TYPES:
            raise validation_error("ticketEventAttachment",
                                   f"File type not allowed; allowed: {', '.join(ATTACHMENT_TYPES)}")
        attachment = mp.TicketAttachment(id=str(self.db.new_pk()), filename=filename, mime=mime,
                                         data=data)
        event.attachments.append(attachment)
        return attachment

    def attachment(self, ticket_id: str, event_code: str,
                   attachment_id: str) -> mp.TicketAttachment:
        event = self.event(ticket_id, event_code)
        found = next((a for a in event.attachments if a.id == attachment_id), None)
        if found is None:
            raise ApiError(404, "NotFoundError",
                           f"Attachment not found for the given ID {attachment_id}")
        return found
