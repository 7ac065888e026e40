"""A tiny OCC client, as a B2B storefront's backend writes one: it logs a customer or an agent
in and reads the B2B profile (``getOrgUser``).

An agent (Assisted Service Module) acts for a customer by naming the customer's userId in the
path; ``current`` means the token's own user — for an agent, the agent itself.
``LegacyOccClient`` keeps the mistake the ASM setup warns about: its ``get_org_user`` always
asks for ``orgUsers/current``, so an agent emulating a customer silently reads its own profile.
"""
from __future__ import annotations

from typing import Any

import requests

CURRENT = "current"


class OccClient:
    def __init__(self, oauth_url: str, occ_url: str, site: str,
                 client: tuple[str, str] = ("mobile_android", "secret")) -> None:
        self.oauth_url = oauth_url
        self.occ_url = occ_url
        self.site = site
        self.client = client
        self.session = requests.Session()
        self.customer_id: str | None = None  # the customer an agent emulates

    def login(self, username: str, password: str) -> None:
        """Password grant: the customer's or the agent's own token."""
        response = self.session.post(f"{self.oauth_url}/oauth/token", timeout=10, data={
            "grant_type": "password", "username": username, "password": password,
            "client_id": self.client[0], "client_secret": self.client[1]})
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def emulate(self, customer_id: str) -> None:
        """An agent starts acting for a customer."""
        self.customer_id = customer_id

    @property
    def user_id(self) -> str:
        """The path's userId: the emulated customer, else the token's own user."""
        return self.customer_id or CURRENT

    def org_user_response(self) -> requests.Response:
        return self.session.get(f"{self.occ_url}/{self.site}/orgUsers/{self.user_id}",
                                timeout=10)

    def get_org_user(self) -> dict[str, Any]:
        response = self.org_user_response()
        response.raise_for_status()
        return response.json()


class LegacyOccClient(OccClient):
    """The same client with the ``getOrgUser()`` mistake: it forgets the userId."""

    def org_user_response(self) -> requests.Response:
        return self.session.get(f"{self.occ_url}/{self.site}/orgUsers/{CURRENT}", timeout=10)
