"""Message center WsDTOs (conversation, conversationList, conversationMessage,
conversationMessageList) and the request body of a message (conversationMessageList)."""
from __future__ import annotations

from datetime import datetime

from ... import dto as d
from ... import inputs as i
from ....db import State
from ....models import promotions as mp
from .users import principal_dto

CONVERSATION = d.DtoType("conversation",
                         "id status agent customer createDate closeDate latestMessage")
CONVERSATION_LIST = d.DtoType("conversationList", "conversations")
MESSAGE = d.DtoType("conversationMessage", "content sentTime sender")
MESSAGE_LIST = d.DtoType("conversationMessageList", "conversationId messages")
MAX_MESSAGE = 5000  # characters of one message (docs/fidelity.md, "Message center")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _principal(state: State, uid: str | None) -> d.Dto | None:
    if uid is None:
        return None
    user = state.principals.get(uid.lower())
    return principal_dto(uid, getattr(user, "name", None) or uid)


def message_dto(state: State, message: mp.ConversationMessage) -> d.Dto:
    return MESSAGE(content=message.content, sentTime=_iso(message.sent),
                   sender=_principal(state, message.sender))


def conversation_dto(state: State, c: mp.Conversation) -> d.Dto:
    return CONVERSATION(id=c.id, status=c.status, agent=_principal(state, c.agent),
                        customer=_principal(state, c.customer), createDate=_iso(c.created),
                        closeDate=_iso(c.closed),
                        latestMessage=message_dto(state, c.messages[-1]) if c.messages else None)


def messages_dto(state: State, c: mp.Conversation) -> d.Dto:
    return MESSAGE_LIST(conversationId=c.id, messages=[message_dto(state, x) for x in c.messages])


# -- request bodies ----------------------------------------------------------------------------


class ConversationMessageBody(i.Body):
    content = i.Text(required=True, max_length=MAX_MESSAGE)
    sentTime = i.Text()


class ConversationMessageListBody(i.Body):
    """A message (or several) to send: ``conversationId`` names the conversation; without
    it, a customer's message opens one."""

    conversationId = i.Text()
    messages = i.Objects(ConversationMessageBody, required=True)
