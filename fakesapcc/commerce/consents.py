"""Consents: the newest version of each consent template of a site, and a user's consents given
and withdrawn on the server clock."""
from __future__ import annotations

from .. import models as m
from ..clock import Clock
from ..db import Db, uid_key
from ..errors import ApiError, validation_error


class Consents:
    def __init__(self, db: Db, clock: Clock, site: m.BaseSite) -> None:
        self.db = db
        self.state = db.state
        self.clock = clock
        self.site = site

    def templates(self) -> list[m.ConsentTemplate]:
        """The newest version of each template of this site (or of every site)."""
        newest: dict[str, m.ConsentTemplate] = {}
        for t in self.state.consent_templates.values():
            if t.baseSite in (None, self.site.uid) and (t.id not in newest
                                                        or t.version > newest[t.id].version):
                newest[t.id] = t
        return sorted(newest.values(), key=lambda t: t.id)

    def template(self, template_id: str) -> m.ConsentTemplate:
        for t in self.templates():
            if t.id == template_id:
                return t
        raise ApiError(400, "UnknownIdentifierError",
                       f"No ConsentTemplate with id [{template_id}] found for the current BaseSite")

    def current(self, template: m.ConsentTemplate, user: m.User) -> m.Consent | None:
        """The user's latest consent to a template (given, or given and withdrawn)."""
        mine = [c for c in self.state.consents.values()
                if c.template == template.id and uid_key(c.user) == uid_key(user.uid)]
        return max(mine, key=lambda c: c.consentGivenDate or 0, default=None)

    def give(self, user: m.User, template_id: str, version: str) -> m.ConsentTemplate:
        template = self.template(template_id)
        if version != str(template.version):
            raise validation_error("consentTemplateVersion", "Consent template version is not valid.")
        consent = m.Consent(code=str(self.db.new_pk()), template=template.id,
                            templateVersion=template.version, user=user.uid,
                            consentGivenDate=self.clock.now())
        self.state.consents[consent.code] = consent
        return template

    def withdraw(self, user: m.User, code: str) -> None:
        consent = self.state.consents.get(code)
        if consent is None or uid_key(consent.user) != uid_key(user.uid):
            raise ApiError(400, "UnknownIdentifierError", f"Consent with code [{code}] not found")
        if consent.consentWithdrawnDate is None:
            consent.consentWithdrawnDate = self.clock.now()
