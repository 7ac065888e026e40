"""OCC consents (tag Consents) and product interests (tag Product Interests)."""
from __future__ import annotations

from ...commerce.consents import Consents
from ...commerce.interests import NOTIFICATION_TYPES, ProductInterests
from ...errors import ApiError
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, catalog, empty, respond, site
from .dtos.account import (CONSENT_TEMPLATE_LIST, INTERESTS_PAGE, consent_template_dto,
                           interest_relation_dto, page_dto)

USER = "/<baseSiteId>/users/<userId>"


def consents() -> Consents:
    rt = runtime()
    return Consents(rt.db, rt.clock, site().site)


@bp.get(USER + "/consenttemplates")
@operation("getConsentTemplates", secured=roles.OPEN)
def get_consent_templates(baseSiteId: str, userId: str):
    # SAP's ConsentsController declares no @Secured here: anonymous callers (Spartacus's
    # anonymous-consents banner, users/anonymous/consenttemplates) get the exposed templates,
    # with no consent of theirs; users get every template with theirs
    service = consents()
    user = ctx().acting.user
    if user is None:
        return respond(CONSENT_TEMPLATE_LIST(consentTemplates=[
            consent_template_dto(service, t, None, site().lang)
            for t in service.templates() if t.exposed]))
    return respond(CONSENT_TEMPLATE_LIST(consentTemplates=[
        consent_template_dto(service, t, user, site().lang) for t in service.templates()]))


@bp.get(USER + "/consenttemplates/<consentTemplateId>")
@operation("getConsentTemplate", secured=roles.OPEN)
def get_consent_template(baseSiteId: str, userId: str, consentTemplateId: str):
    service = consents()
    return respond(consent_template_dto(service, service.template(consentTemplateId),
                                        ctx().acting.user, site().lang))


class ConsentParams(i.Params):
    consentTemplateId = i.TextParam(required=True)
    consentTemplateVersion = i.TextParam(required=True)


@bp.post(USER + "/consents")
@operation("doGiveConsent", secured=roles.USER, anonymous=False, params=ConsentParams)
def give_consent(baseSiteId: str, userId: str, params: dict):
    service = consents()
    template = service.give(ctx().user, params["consentTemplateId"],
                            params["consentTemplateVersion"])
    return respond(consent_template_dto(service, template, ctx().user, site().lang), 201)


@bp.delete(USER + "/consents/<consentCode>")
@operation("removeConsent", secured=roles.USER, anonymous=False)
def remove_consent(baseSiteId: str, userId: str, consentCode: str):
    consents().withdraw(ctx().user, consentCode)
    return empty()


# -- product interests --------------------------------------------------------------------------


def interests() -> ProductInterests:
    rt = runtime()
    return ProductInterests(rt.db, rt.clock, site().site, ctx().user)


class InterestListParams(i.Paging):
    notificationType = i.TextParam()
    productCode = i.TextParam()


class InterestParams(i.Params):
    productCode = i.TextParam(required=True)
    notificationType = i.ChoiceParam(NOTIFICATION_TYPES, required=True,
                                     message="Invalid notification type: {value}")


@bp.get(USER + "/productinterests")
@operation("getProductInterests", secured=roles.USER, anonymous=False,
           params=InterestListParams)
def get_product_interests(baseSiteId: str, userId: str, params: dict):
    page, size = params["currentPage"], params["pageSize"]
    sc = site()
    cat = catalog()
    items = interests().by_product(params["notificationType"], params["productCode"])
    results = []
    for code, entries in items[page * size:(page + 1) * size]:
        product = cat.product(code)
        if product is not None:
            results.append(interest_relation_dto(cat, product, entries, sc.lang, sc.curr))
    return respond(INTERESTS_PAGE(results=results, sorts=[],
                                  pagination=page_dto(len(results), len(items), page, size)))


@bp.post(USER + "/productinterests")
@operation("createProductInterest", secured=roles.USER, anonymous=False, params=InterestParams)
def create_product_interest(baseSiteId: str, userId: str, params: dict):
    code = params["productCode"]
    sc = site()
    cat = catalog()
    product = cat.product(code)
    if product is None:
        raise ApiError(400, "UnknownIdentifierError", f"Product with code '{code}' not found!")
    service = interests()
    service.add(code, params["notificationType"])
    return respond(interest_relation_dto(cat, product, service.of(code), sc.lang, sc.curr))


@bp.delete(USER + "/productinterests")
@operation("removeProductInterest", secured=roles.USER, anonymous=False, params=InterestParams)
def remove_product_interest(baseSiteId: str, userId: str, params: dict):
    interests().remove(params["productCode"], params["notificationType"])
    return empty()
