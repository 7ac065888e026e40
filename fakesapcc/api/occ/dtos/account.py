"""Account WsDTOs: consent templates and consents, product interests."""
from __future__ import annotations

from typing import Any

from ... import dto as d
from .... import models as m
from ....commerce.catalog import CatalogService
from ....commerce.consents import Consents
from ....models import localized
from .catalog import product_dto

CONSENT = d.DtoType("Consent", "code consentGivenDate consentWithdrawnDate")
CONSENT_TEMPLATE = d.DtoType("ConsentTemplate", "id name description version currentConsent")
CONSENT_TEMPLATE_LIST = d.DtoType("ConsentTemplateList", "consentTemplates")
INTEREST_ENTRY = d.DtoType("productInterestEntry", "interestType dateAdded expirationDate")
INTEREST_RELATION = d.DtoType("productInterestRelation", "product productInterestEntry")
INTERESTS_PAGE = d.DtoType("customerInterestsSearchPage", "results sorts pagination")
PAGINATION = d.DtoType("pagination", "count totalCount page totalPages hasNext hasPrevious")


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def consent_template_dto(consents: Consents, template: m.ConsentTemplate,
                         user: m.User | None, lang: str) -> d.Dto:
    current = consents.current(template, user) if user is not None else None
    return CONSENT_TEMPLATE(
        id=template.id, name=localized(template.name, lang),
        description=localized(template.description, lang), version=template.version,
        currentConsent=CONSENT(code=current.code,
                               consentGivenDate=_iso(current.consentGivenDate),
                               consentWithdrawnDate=_iso(current.consentWithdrawnDate))
        if current else None)


def interest_relation_dto(catalog: CatalogService, product: m.Product,
                          interests: list[m.ProductInterest], lang: str, curr: str) -> d.Dto:
    return INTEREST_RELATION(
        product=product_dto(catalog, product, lang, curr),
        productInterestEntry=[INTEREST_ENTRY(interestType=x.notificationType,
                                             dateAdded=_iso(x.creationtime))
                              for x in interests])


def page_dto(count: int, total: int, page: int, size: int) -> d.Dto:
    pages = (total + size - 1) // size
    return PAGINATION(count=count, totalCount=total, page=page, totalPages=pages,
                      hasNext=page + 1 < pages, hasPrevious=page > 0)
