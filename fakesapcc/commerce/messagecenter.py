"""The message center (SAP's customer service instant messages, ``messagecenter/im``): a
customer writes to customer service, which opens a conversation nobody holds yet
(``unassigned``); a customer support agent picks it (``open``, the agent's), both write in it,
and either closes it (``closed``: no more messages). A customer sees its own conversations;
an agent the unassigned ones of the site and its own open ones.

Who may see what (docs/fidelity.md, "Message center"): a conversation is found for its
customer, for the agent that holds it, and — unassigned — for any agent (to read it before
picking it); for anyone else it does not exist (404)."""
from __future__ import annotations

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError, validation_error
from ..models import promotions as mp

UNASSIGNED, OPEN, CLOSED = "unassigned", "open", "closed"


def conversation_not_found(conversation_id: str) -> ApiError:
    return ApiError(404, "NotFoundError",
                    f"Conversation not found for the given ID {conversation_id}")


class MessageCenter:
    """The conversations of one site as one user sees them: a customer, or a customer
    support agent (``agent=True``)."""

    def __init__(self, db: Db, clock: Clock, site: m.BaseSite, user: m.User,
                 agent: bool) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.site = site
        self.user = user
        self.agent = agent

    def _mine(self, c: mp.Conversation) -> bool:
        me = uid_key(self.user.uid)
        return uid_key(c.customer) == me or (c.agent is not None and uid_key(c.agent) == me)

    def conversation(self, conversation_id: str) -> mp.Conversation:
        found = self.state.conversations.get(conversation_id)
        if found is None or found.site != self.site.uid or not (
                self._mine(found) or (self.agent and found.status == UNASSIGNED)):
            raise conversation_not_found(conversation_id)
        return found

    def for_customer(self) -> list[mp.Conversation]:
        me = uid_key(self.user.uid)
        return self._newest_first(c for c in self.state.conversations.values()
                                  if c.site == self.site.uid and uid_key(c.customer) == me)

    def for_agent(self, status: str) -> list[mp.Conversation]:
        """``unassigned``: every unassigned conversation of the site; ``open``: the agent's."""
        me = uid_key(self.user.uid)
        return self._newest_first(
            c for c in self.state.conversations.values() if c.site == self.site.uid
            and c.status == status and (status == UNASSIGNED or uid_key(c.agent or "") == me))

    @staticmethod
    def _newest_first(found) -> list[mp.Conversation]:
        def latest(c: mp.Conversation):
            return (c.messages[-1].sent if c.messages else c.created, c.id)
        return sorted(found, key=latest, reverse=True)

    def send(self, conversation_id: str | None, contents: list[str]) -> mp.Conversation:
        """Messages into a conversation; without one, a customer's first message opens a new
        conversation (the body's validation has checked each message)."""
        if not contents:
            raise validation_error("messages", "This field is required.")
        now = self.clock.now()
        if conversation_id:
            conversation = self.conversation(conversation_id)
            if conversation.status == CLOSED:
                raise ApiError(400, "ConversationClosedError",
                               f"Conversation {conversation_id} is closed")
            if self.agent and uid_key(conversation.customer) != uid_key(self.user.uid) \
                    and conversation.status == UNASSIGNED:
                raise ApiError(400, "ConversationNotAssignedError",
                               f"Conversation {conversation_id} must be picked before an agent "
                               "writes in it")
        else:
            if not isinstance(self.user, m.Customer):
                raise validation_error("conversationId", "An agent writes in a conversation "
                                                         "it picked: conversationId is required.")
            conversation = mp.Conversation(id=self._next_id(), site=self.site.uid,
                                           customer=self.user.uid, created=now)
            self.state.conversations[conversation.id] = conversation
        conversation.messages.extend(mp.ConversationMessage(content=text, sender=self.user.uid,
                                                            sent=now) for text in contents)
        return conversation

    def pick(self, conversation_id: str) -> mp.Conversation:
        conversation = self.conversation(conversation_id)
        if conversation.status != UNASSIGNED:
            raise ApiError(400, "ConversationAssignedError",
                           f"Conversation {conversation_id} is not unassigned")
        conversation.status = OPEN
        conversation.agent = self.user.uid
        return conversation

    def close(self, conversation_id: str) -> mp.Conversation:
        conversation = self.conversation(conversation_id)
        if conversation.status != OPEN or not self._mine(conversation):
            raise ApiError(400, "ConversationNotOpenError",
                           f"Conversation {conversation_id} is not open")
        conversation.status = CLOSED
        conversation.closed = self.clock.now()
        return conversation

    def _next_id(self) -> str:
        while True:
            code = self.db.next_code("conversation", 1000)
            if code not in self.state.conversations:
                return code

