"""Customer ticketing over OCC (tag Tickets) and the tickets in Customer 360: categories,
associated objects, a ticket opened, its events, status transitions and attachments, with their
errors; every JSON body checked against SAP's schema. In process (``sapcc_client``)."""
from __future__ import annotations

import io

import pytest

import spec

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

CUSTOMER = "mark.rivers@pronto-hw.com"
OTHER = "yuki.tanaka@example.jp"
ASM = "/assistedservicewebservices/electronics-spa"


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


@pytest.fixture
def me(occ, customer_token):
    return spec.Client(occ.http, token=customer_token(CUSTOMER))


def open_ticket(client, **more) -> dict:
    response = client.post("users/current/tickets", json={
        "subject": "Broken lens", "message": "The lens arrived cracked.",
        "ticketCategory": {"id": "COMPLAINT"}, **more})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_categories_and_associated_objects(occ, me):
    body = occ.get("ticketCategories").get_json()
    assert [c["id"] for c in body["ticketCategories"]] == ["COMPLAINT", "ENQUIRY", "PROBLEM"]
    cart = me.post("users/current/carts").get_json()["code"]
    objects = me.get("users/current/ticketAssociatedObjects").get_json()["ticketAssociatedObjects"]
    assert {"code": cart, "type": "Cart"} in [{"code": o["code"], "type": o["type"]} for o in objects]


def test_open_read_and_list_tickets(me):
    seeded = me.get("users/current/tickets").get_json()
    assert [t["id"] for t in seeded["tickets"]] == ["00000001"]
    cart = me.post("users/current/carts").get_json()["code"]
    ticket = open_ticket(me, associatedTo={"code": cart, "type": "Cart"})
    assert ticket["subject"] == "Broken lens" and ticket["status"] == {"id": "OPEN", "name": "Open"}
    assert ticket["ticketCategory"] == {"id": "COMPLAINT", "name": "Complaint"}
    assert ticket["associatedTo"]["code"] == cart
    assert [e["message"] for e in ticket["ticketEvents"]] == ["The lens arrived cracked."]
    assert ticket["availableStatusTransitions"] == [{"id": "CLOSED", "name": "Closed"}]
    assert me.get(f"users/current/tickets/{ticket['id']}").get_json()["id"] == ticket["id"]
    listed = me.get("users/current/tickets?pageSize=1&sort=byTicketId").get_json()
    assert [t["id"] for t in listed["tickets"]] == ["00000001"]
    assert listed["pagination"]["totalResults"] == 2 and listed["pagination"]["totalPages"] == 2


def test_ticket_errors(me, occ, customer_token):
    errors = spec.errors(me.post("users/current/tickets", json={}), 400)
    assert {e["subject"] for e in errors} == {"subject", "message"}
    assert spec.error(me.post("users/current/tickets", json={
        "subject": "x" * 256, "message": "m"}), 400)["subject"] == "subject"
    assert spec.error(me.post("users/current/tickets", json={
        "subject": "s", "message": "m", "ticketCategory": {"id": "NOPE"}}), 400)["subject"] == "ticketCategory"
    assert spec.error(me.post("users/current/tickets", json={
        "subject": "s", "message": "m", "associatedTo": {"code": "nope", "type": "Order"}}), 400)[
        "subject"] == "associatedTo"
    assert spec.error(me.get("users/current/tickets/99999999"), 404)["type"] == "NotFoundError"
    other = spec.Client(occ.http, token=customer_token(OTHER))
    assert spec.error(other.get("users/current/tickets/00000001"), 404)["type"] == "NotFoundError"
    assert spec.error(me.get("users/current/tickets?sort=nope"), 400)["subject"] == "sort"
    assert occ.get("users/anonymous/tickets").status_code in (401, 403)


def test_events_and_status_transitions(me):
    ticket = open_ticket(me)
    url = f"users/current/tickets/{ticket['id']}/events"
    event = me.post(url, json={"message": "Any news?"})
    assert event.status_code == 201
    assert event.get_json()["message"] == "Any news?" and event.get_json()["addedByAgent"] is False
    closed = me.post(url, json={"message": "Solved", "toStatus": {"id": "CLOSED"}}).get_json()
    assert closed["toStatus"]["id"] == "CLOSED"
    body = me.get(f"users/current/tickets/{ticket['id']}").get_json()
    assert body["status"]["id"] == "CLOSED"
    assert [e["message"] for e in body["ticketEvents"]] == ["Solved", "Any news?",
                                                            "The lens arrived cracked."]
    assert body["availableStatusTransitions"] == [{"id": "INPROCESS", "name": "In Process"}]
    assert spec.error(me.post(url, json={"message": "again"}), 400)["subject"] == "toStatus"
    assert spec.error(me.post(url, json={"message": "x", "toStatus": {"id": "OPEN"}}), 400)[
        "subject"] == "toStatus"
    assert me.post(url, json={"message": "Back", "toStatus": {"id": "INPROCESS"}}).status_code == 201
    assert spec.error(me.post(url, json={}), 400)["subject"] == "message"
    assert spec.error(me.post("users/current/tickets/99999999/events", json={"message": "m"}), 404)[
        "type"] == "NotFoundError"


def test_attachments(me):
    ticket = open_ticket(me)
    event = me.post(f"users/current/tickets/{ticket['id']}/events", json={"message": "photo"}).get_json()
    url = f"users/current/tickets/{ticket['id']}/events/{event['code']}/attachments"
    sent = me.post(url, data={"ticketEventAttachment": (io.BytesIO(b"%PDF-1.4 receipt"), "receipt.pdf")},
                   content_type="multipart/form-data")
    assert sent.status_code == 201 and sent.get_json()["filename"] == "receipt.pdf"
    attachment = sent.get_json()["id"]
    got = me.http.get(f"/occ/v2/electronics-spa/{url}/{attachment}",
                      headers={"Authorization": f"Bearer {me.token}"})
    assert got.status_code == 200 and got.data == b"%PDF-1.4 receipt"
    listed = me.get(f"users/current/tickets/{ticket['id']}").get_json()["ticketEvents"][0]
    assert listed["ticketEventAttachments"] == [{"id": attachment, "filename": "receipt.pdf"}]
    assert spec.error(me.post(url, data={}, content_type="multipart/form-data"), 400)[
        "type"] == "MissingServletRequestPartError"
    assert spec.error(me.post(url, data={"ticketEventAttachment": (io.BytesIO(b"MZ"), "run.exe")},
                              content_type="multipart/form-data"), 400)["subject"] == "ticketEventAttachment"
    assert me.post(url, json={}).status_code == 415
    assert spec.error(me.post(f"users/current/tickets/{ticket['id']}/events/nope/attachments",
                              data={}, content_type="multipart/form-data"), 404)["type"] == "NotFoundError"
    assert spec.error(me.get(f"{url}/12345"), 404)["type"] == "NotFoundError"


def test_story_open_a_ticket_and_an_agent_sees_it_in_customer_360(me, occ, agent_token):
    ticket = open_ticket(me)
    agent = {"Authorization": f"Bearer {agent_token()}"}
    customer_id = me.get("users/current").get_json()["customerId"]
    response = occ.http.post(f"{ASM}/users/{customer_id}/customer360", headers=agent, json={
        "customer360Queries": [{"type": "c360TicketList"}, {"type": "c360Overview"},
                               {"type": "c360ActivityList"}]})
    assert response.status_code == 200, response.get_data(as_text=True)
    tickets, overview, activities = response.get_json()["value"]
    assert tickets["tickets"][0]["id"] == ticket["id"]
    assert tickets["tickets"][0]["status"] == {"code": "OPEN", "name": "Open"}
    assert tickets["tickets"][0]["category"] == {"code": "COMPLAINT", "name": "Complaint"}
    assert overview["overview"]["latestOpenedTicketId"] == ticket["id"]
    assert ticket["id"] in [a["associatedTypeId"] for a in activities["activities"]
                            if a["type"]["code"] == "TICKET"]
    # the agent answers, acting for the customer: the event says so
    answer = occ.post(f"users/{CUSTOMER}/tickets/{ticket['id']}/events",
                      headers=agent, json={"message": "We send a new lens."})
    assert answer.status_code == 201 and answer.get_json()["addedByAgent"] is True
