"""The message center (tag Message Center), cities and districts (tag Cities) and one-time
verification tokens (tag Verification Token) over OCC: state changes, errors, every JSON body
checked against SAP's schema. In process (``sapcc_client``)."""
from __future__ import annotations

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "yuki.tanaka@example.jp"
IM = "messagecenter/im/conversations"


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


@pytest.fixture
def me(occ, customer_token):
    return spec.Client(occ.http, token=customer_token(CUSTOMER))


@pytest.fixture
def agent(occ, agent_token):
    return spec.Client(occ.http, token=agent_token("csagent"))


def send(client, *contents: str, conversation: str | None = None) -> dict:
    body: dict = {"messages": [{"content": c} for c in contents]}
    if conversation:
        body["conversationId"] = conversation
    response = client.post(IM, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# -- message center ----------------------------------------------------------------------------


def test_a_customer_and_an_agent_talk_in_a_conversation(me, agent):
    opened = send(me, "Where is my parcel?")
    assert opened["status"] == "unassigned" and "agent" not in opened
    assert opened["customer"]["uid"] == CUSTOMER
    assert opened["latestMessage"]["content"] == "Where is my parcel?"
    code = opened["id"]
    mine = me.get(f"{IM}/customerconversations").get_json()["conversations"]
    assert [c["id"] for c in mine] == [code]

    waiting = agent.get(f"{IM}/agentconversations?status=unassigned").get_json()
    assert code in [c["id"] for c in waiting["conversations"]]
    assert agent.get(f"{IM}/agentconversations?status=open").get_json()["conversations"] == []
    picked = agent.patch(f"{IM}/{code}/pick").get_json()
    assert picked["status"] == "open" and picked["agent"]["uid"] == "csagent"
    assert [c["id"] for c in agent.get(f"{IM}/agentconversations?status=open")
            .get_json()["conversations"]] == [code]
    assert code not in [c["id"] for c in agent.get(f"{IM}/agentconversations?status=unassigned")
                        .get_json()["conversations"]]

    send(agent, "It left our warehouse today.", conversation=code)
    send(me, "Thanks!", "Bye.", conversation=code)
    thread = me.get(f"{IM}/{code}/messages").get_json()
    assert thread["conversationId"] == code
    assert [(m["sender"]["uid"], m["content"]) for m in thread["messages"]] == [
        (CUSTOMER, "Where is my parcel?"), ("csagent", "It left our warehouse today."),
        (CUSTOMER, "Thanks!"), (CUSTOMER, "Bye.")]
    assert agent.get(f"{IM}/{code}/messages").get_json() == thread

    closed = agent.patch(f"{IM}/{code}/close").get_json()
    assert closed["status"] == "closed" and closed["closeDate"]
    refused = spec.error(me.post(IM, json={"conversationId": code,
                                           "messages": [{"content": "Hello?"}]}), 400)
    assert refused["type"] == "ConversationClosedError"
    assert len(me.get(f"{IM}/{code}/messages").get_json()["messages"]) == 4


def test_message_center_errors(occ, me, agent, customer_token):
    code = send(me, "Hello")["id"]
    # the body: messages and their content are required, bounded
    missing = spec.errors(me.post(IM, json={}), 400)
    assert [(e["type"], e["subject"]) for e in missing] == [("ValidationError", "messages")]
    blank = spec.error(me.post(IM, json={"messages": [{"content": " "}]}), 400)
    assert (blank["type"], blank["subject"]) == ("ValidationError", "messages[0].content")
    huge = spec.error(me.post(IM, json={"messages": [{"content": "x" * 5001}]}), 400)
    assert huge["subject"] == "messages[0].content"
    assert len(me.get(f"{IM}/customerconversations").get_json()["conversations"]) == 1
    # another customer's conversation does not exist for it
    other = spec.Client(occ.http, token=customer_token(OTHER))
    assert spec.error(other.get(f"{IM}/{code}/messages"), 404)["type"] == "NotFoundError"
    assert spec.error(other.patch(f"{IM}/{code}/close"), 404)["type"] == "NotFoundError"
    assert spec.error(me.get(f"{IM}/99999999/messages"), 404)["type"] == "NotFoundError"
    # an agent writes only in a conversation it picked, and picks an unassigned one once
    assert spec.error(agent.post(IM, json={"conversationId": code, "messages": [
        {"content": "Hi"}]}), 400)["type"] == "ConversationNotAssignedError"
    assert spec.error(agent.post(IM, json={"messages": [{"content": "Hi"}]}), 400)[
        "subject"] == "conversationId"
    assert spec.error(me.patch(f"{IM}/{code}/close"), 400)["type"] == "ConversationNotOpenError"
    agent.patch(f"{IM}/{code}/pick")
    assert spec.error(agent.patch(f"{IM}/{code}/pick"), 400)["type"] == "ConversationAssignedError"
    # the customer may close its open conversation too
    assert me.patch(f"{IM}/{code}/close").get_json()["status"] == "closed"
    # the status parameter of the agent's list
    assert spec.error(agent.get(f"{IM}/agentconversations"), 400)[
        "type"] == "MissingServletRequestParameterError"
    assert spec.error(agent.get(f"{IM}/agentconversations?status=closed"), 400)[
        "subject"] == "status"


def test_message_center_access(occ, me, agent, agent_token, client_token):
    assert spec.error(occ.get(f"{IM}/customerconversations"), 401)["type"] == "AccessDeniedError"
    client = spec.Client(occ.http, token=client_token())
    assert spec.error(client.post(IM, json={"messages": [{"content": "x"}]}), 401)[
        "type"] == "AccessDeniedError"
    # a customer is no agent; an agent has no conversations of its own as a customer
    assert spec.error(me.get(f"{IM}/agentconversations?status=open"), 401)[
        "type"] == "AccessDeniedError"
    assert spec.error(agent.get(f"{IM}/customerconversations"), 401)["type"] == "AccessDeniedError"
    # an assisted service agent outside customer support is no message center agent
    asagent = spec.Client(occ.http, token=agent_token("asagent"))
    assert spec.error(asagent.get(f"{IM}/agentconversations?status=unassigned"), 401)[
        "type"] == "AccessDeniedError"


def test_a_second_agent_does_not_see_a_picked_conversation(occ, me, agent, sapcc):
    sapcc.load_impex("INSERT_UPDATE Employee; uid[unique=true]; name; password; groups(uid)\n"
                     "; csagent2 ; Second Agent ; 1234 ; customersupportagentgroup\n")
    code = send(me, "Hello")["id"]
    agent.patch(f"{IM}/{code}/pick")
    second = spec.Client(occ.http, token=sapcc.agent_token("csagent2", "1234"))
    assert spec.error(second.get(f"{IM}/{code}/messages"), 404)["type"] == "NotFoundError"
    assert spec.error(second.patch(f"{IM}/{code}/close"), 404)["type"] == "NotFoundError"
    assert second.get(f"{IM}/agentconversations?status=open").get_json()["conversations"] == []


# -- cities and districts ----------------------------------------------------------------------


def test_cities_of_a_region_and_districts_of_a_city(occ):
    cities = occ.get("regions/CN-11/cities").get_json()
    assert cities == {"cities": [{"isocode": "CN-11-1", "name": "Beijing"}]}
    districts = occ.get("cities/CN-11-1/districts?lang=ja").get_json()["districts"]
    assert [d["isocode"] for d in districts] == ["CN-11-1-1", "CN-11-1-2", "CN-11-1-5"]
    assert districts[0]["name"] == "東城区"
    assert occ.get("regions/US-NY/cities").get_json() == {"cities": []}
    assert spec.error(occ.get("regions/XX-99/cities"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(occ.get("cities/XX-1/districts"), 400)["type"] == "UnknownIdentifierError"


# -- verification tokens -----------------------------------------------------------------------


def test_a_one_time_login(occ, sapcc, client_token, sapcc_client):
    client = spec.Client(occ.http, token=client_token())
    sapcc.freeze_clock()
    created = client.post("users/anonymous/verificationToken", json={
        "purpose": "LOGIN", "loginId": CUSTOMER, "password": "Password123!"})
    assert created.status_code == 201, created.get_data(as_text=True)
    token = created.get_json()
    assert token["expiresIn"] == 300 and token["tokenId"].startswith("<LGN[")
    mail = sapcc.outbox(to=CUSTOMER, kind="VerificationToken")[-1]
    assert mail["data"]["tokenId"] == token["tokenId"]
    code = mail["data"]["code"]
    assert code in mail["body"]

    def login(password: str):
        return sapcc_client.post("/authorizationserver/oauth/token", data={
            "grant_type": "password", "client_id": "mobile_android", "client_secret": "secret",
            "username": token["tokenId"], "password": password})

    assert login("WRONG").status_code == 400
    answer = login(code)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    me = spec.Client(occ.http, token=answer.get_json()["access_token"])
    assert me.get("users/current").get_json()["uid"] == CUSTOMER
    assert login(code).status_code == 400  # spent


def test_verification_tokens_expire_and_wear_out(occ, sapcc, client_token, sapcc_client):
    client = spec.Client(occ.http, token=client_token())
    sapcc.freeze_clock()

    def new_token() -> tuple[str, str]:
        token = client.post("users/anonymous/verificationToken", json={
            "purpose": "LOGIN", "loginId": CUSTOMER, "password": "Password123!"}).get_json()["tokenId"]
        return token, sapcc.outbox(kind="VerificationToken")[-1]["data"]["code"]

    def login(token: str, password: str) -> int:
        return sapcc_client.post("/authorizationserver/oauth/token", data={
            "grant_type": "password", "client_id": "mobile_android", "client_secret": "secret",
            "username": token, "password": password}).status_code

    token, code = new_token()
    sapcc.advance_clock(301)
    assert login(token, code) == 400
    token, code = new_token()
    assert [login(token, "WRONG") for _ in range(3)] == [400, 400, 400]
    assert login(token, code) == 400  # three wrong codes spent it


def test_verification_token_errors_and_silence(occ, sapcc, client_token, customer_token):
    client = spec.Client(occ.http, token=client_token())
    url = "users/anonymous/verificationToken"
    errors = spec.errors(client.post(url, json={}), 400)
    assert sorted(e["subject"] for e in errors) == ["loginId", "purpose"]
    assert spec.error(client.post(url, json={"purpose": "LOGIN", "loginId": CUSTOMER}), 400)[
        "subject"] == "password"
    assert spec.error(client.post(url, json={"purpose": "RESET", "loginId": CUSTOMER}), 400)[
        "subject"] == "purpose"
    assert spec.error(client.post(url, json={"purpose": "REGISTRATION", "loginId": "nope"}),
                      400)["subject"] == "loginId"
    assert spec.error(occ.post(url, json={"purpose": "REGISTRATION", "loginId": "a@b.co"}),
                      401)["type"] == "AccessDeniedError"
    # a wrong password or a taken address gets a token like any other, and no mail
    before = len(sapcc.outbox(kind="VerificationToken"))
    for body in ({"purpose": "LOGIN", "loginId": CUSTOMER, "password": "wrong"},
                 {"purpose": "LOGIN", "loginId": "nobody@example.com", "password": "x"},
                 {"purpose": "REGISTRATION", "loginId": CUSTOMER}):
        answer = client.post(url, json=body)
        assert answer.status_code == 201 and answer.get_json()["tokenId"]
    assert len(sapcc.outbox(kind="VerificationToken")) == before
    fresh = client.post(url, json={"purpose": "REGISTRATION", "loginId": "new.one@example.com"})
    assert fresh.get_json()["tokenId"].startswith("<REG[")
    assert sapcc.outbox(to="new.one@example.com", kind="VerificationToken")


def test_the_seed_has_a_conversation_waiting_for_an_agent(occ, agent, customer_token):
    giulia = spec.Client(occ.http, token=customer_token("giulia.rossi@example.it"))
    (seeded,) = giulia.get(f"{IM}/customerconversations").get_json()["conversations"]
    assert seeded["status"] == "unassigned"
    assert seeded["latestMessage"]["content"] == "Can my order still be delivered to my office?"
    waiting = agent.get(f"{IM}/agentconversations?status=unassigned").get_json()["conversations"]
    assert [c["id"] for c in waiting] == [seeded["id"]]


def test_a_registration_with_its_verification_code(occ, sapcc, client_token):
    client = spec.Client(occ.http, token=client_token())
    address = "new.customer@example.com"
    token = client.post("users/anonymous/verificationToken", json={
        "purpose": "REGISTRATION", "loginId": address}).get_json()["tokenId"]
    code = sapcc.outbox(to=address, kind="VerificationToken")[-1]["data"]["code"]
    signup = {"uid": address, "firstName": "New", "lastName": "Customer",
              "password": "Password123!", "verificationTokenId": token}
    wrong = spec.error(client.post("users", json={**signup, "verificationTokenCode": "WRONG"}), 400)
    assert wrong["subject"] == "verificationTokenCode"
    other = spec.error(client.post("users", json={**signup, "uid": "someone@example.com",
                                                  "verificationTokenCode": code}), 400)
    assert other["subject"] == "verificationTokenCode"
    assert sapcc.runtime.db.principal("someone@example.com") is None
    created = client.post("users", json={**signup, "verificationTokenCode": code})
    assert created.status_code == 201, created.get_data(as_text=True)
    assert sapcc.customer_token(address, "Password123!")
    again = client.post("users", json={**signup, "verificationTokenCode": code})
    assert spec.error(again, 400)["subject"] == "verificationTokenCode"  # spent
