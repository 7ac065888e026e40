"""OCC message center (tag Message Center, ``messagecenter/im``): a customer writes to customer
service and reads its conversations; a customer support agent lists the unassigned ones and
its own open ones, picks one, writes in it and closes it. The user is the token's: these
paths name none."""
from __future__ import annotations

from ...commerce.messagecenter import MessageCenter
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, respond, site
from .dtos.messagecenter import (CONVERSATION_LIST, ConversationMessageListBody,
                                 conversation_dto, messages_dto)

IM = "/<baseSiteId>/messagecenter/im/conversations"


def center() -> MessageCenter:
    rt, caller = runtime(), ctx().caller
    assert caller.user is not None  # every operation here needs a user's role
    return MessageCenter(rt.db, rt.clock, site().site, caller.user,
                         agent=caller.has(roles.CUSTOMERSUPPORTAGENTGROUP))


@bp.post(IM)
@operation("sendMessage", secured=roles.MESSAGE_CENTER, body=ConversationMessageListBody)
def send_message(baseSiteId: str, body: dict):
    service = center()
    conversation = service.send(body.get("conversationId") or None,
                                [m["content"] for m in body["messages"]])
    return respond(conversation_dto(service.state, conversation))


class AgentConversationsParams(i.Params):
    status = i.ChoiceParam(("open", "unassigned"), required=True,
                           message="Conversation status [{value}] is invalid")


@bp.get(IM + "/agentconversations")
@operation("getConversationsForAgent", secured=roles.MESSAGE_CENTER_AGENT,
           params=AgentConversationsParams)
def get_conversations_for_agent(baseSiteId: str, params: dict):
    service = center()
    return respond(CONVERSATION_LIST(conversations=[
        conversation_dto(service.state, c) for c in service.for_agent(params["status"])]))


@bp.get(IM + "/customerconversations")
@operation("getConversationsForCustomer", secured=roles.MESSAGE_CENTER_CUSTOMER)
def get_conversations_for_customer(baseSiteId: str):
    service = center()
    return respond(CONVERSATION_LIST(conversations=[
        conversation_dto(service.state, c) for c in service.for_customer()]))


@bp.get(IM + "/<conversationId>/messages")
@operation("getMessagesForConversation", secured=roles.MESSAGE_CENTER)
def get_messages_for_conversation(baseSiteId: str, conversationId: str):
    service = center()
    return respond(messages_dto(service.state, service.conversation(conversationId)))


@bp.patch(IM + "/<conversationId>/pick")
@operation("pickConversation", secured=roles.MESSAGE_CENTER_AGENT)
def pick_conversation(baseSiteId: str, conversationId: str):
    service = center()
    return respond(conversation_dto(service.state, service.pick(conversationId)))


@bp.patch(IM + "/<conversationId>/close")
@operation("closeConversation", secured=roles.MESSAGE_CENTER)
def close_conversation(baseSiteId: str, conversationId: str):
    service = center()
    return respond(conversation_dto(service.state, service.close(conversationId)))
