"""OCC CMS (tags Pages and Components; SAP's cmsocc): pages with their slots and components,
components by id, for the anonymous session (``/cms/...``) or for a user (``/users/{userId}/
cms/...``: restrictions by user group see that user). The domain is ``commerce/cms.py``."""
from __future__ import annotations

from typing import Any

from ...commerce.cms import PAGE_TYPES, CmsService, Restricting
from ...errors import ApiError
from ...security import roles
from .. import inputs as i
from .. import runtime
from ..context import ctx
from ..operations import operation
from .base import bp, respond, site
from .dtos import cms as dto

CMS = "/<baseSiteId>/cms"
USER_CMS = "/<baseSiteId>/users/<userId>/cms"
PAGE_TYPE_MESSAGE = "Page type {value} is not supported; it must be one of " + \
    ", ".join(PAGE_TYPES)
SORTABLE = {"uid": lambda x: x.uid, "name": lambda x: x.name or "",
            "typecode": lambda x: x.typeCode, "modifiedtime": lambda x: str(x.modifiedtime or "")}


def _page_type(**kwargs: Any) -> i.ChoiceParam:
    return i.ChoiceParam(PAGE_TYPES, message=PAGE_TYPE_MESSAGE, **kwargs)


class PageParams(i.Params):
    pageType = _page_type(default="ContentPage")
    pageLabelOrId = i.TextParam(blank_is_missing=False)
    pageLabel = i.TextParam(blank_is_missing=False)
    pageId = i.TextParam(blank_is_missing=False)
    code = i.TextParam()


class PageByIdParams(i.Params):
    productCode = i.TextParam()
    categoryCode = i.TextParam()


class SitePagesParams(i.Params):
    pageType = _page_type()
    currentPage = i.IntParam(minimum=0)
    pageSize = i.IntParam(default=10, minimum=1)
    sort = i.TextParam()


class ComponentParams(i.Params):
    catalogCode = i.TextParam()
    productCode = i.TextParam()
    categoryCode = i.TextParam()


class ComponentListParams(ComponentParams):
    currentPage = i.IntParam(default=0, minimum=0)
    pageSize = i.IntParam(default=10, minimum=1)
    sort = i.TextParam()


class ComponentIdsParams(ComponentListParams):
    componentIds = i.TextsParam()


class ComponentIDListBody(i.Body):
    idList = i.Texts()


def cms() -> CmsService:
    rt = runtime()
    sc = site()
    return CmsService(rt.db, sc.site, sc.store, sc.lang, rt.clock.now())


def restricting(service: CmsService, params: dict[str, Any], *, user: bool,
                subject: str | None = None, code: str | None = None,
                page_type: str | None = None) -> Restricting:
    """The session the restrictions see: the path's user on ``users/{userId}/cms``, else the
    anonymous user (OCC's session user when the path names none)."""
    product = params.get("productCode") or (code if page_type == "ProductPage" else None)
    category = params.get("categoryCode") or (code if page_type == "CategoryPage" else None)
    return service.restricting(ctx().acting.user if user else None, product_code=product,
                               category_code=category, catalog_code=params.get("catalogCode"),
                               subject=subject)


# -- Pages ----------------------------------------------------------------------------------


def _get_page(params: dict[str, Any], *, user: bool):
    if params["pageLabel"] is not None and params["pageId"] is not None:
        raise ApiError(400, "InvalidPageQualifierError",
                       "Should not pass both pageLabel and pageId simultaneously.")
    service = cms()
    page_type, code = params["pageType"], params["code"]
    session = restricting(service, params, user=user, subject="code", code=code,
                          page_type=page_type)
    if params["pageId"] is not None:
        page = service.page_by_id(params["pageId"], session, page_type)
    elif params["pageLabel"] is not None:
        page = service.page(page_type, params["pageLabel"], code, session, by_id=False)
    else:
        page = service.page(page_type, params["pageLabelOrId"], code, session)
    return respond(dto.cms_page_dto(service, page, session), adapt=dto.adapt)


@bp.get(CMS + "/pages")
@operation("getPage", secured=roles.OPEN, params=PageParams)
def get_page(baseSiteId: str, params: dict):
    return _get_page(params, user=False)


@bp.get(USER_CMS + "/pages")
@operation("getPageWithUser", secured=roles.OPEN, params=PageParams)
def get_page_with_user(baseSiteId: str, userId: str, params: dict):
    return _get_page(params, user=True)


def _get_page_by_id(page_id: str, params: dict[str, Any], *, user: bool):
    service = cms()
    session = restricting(service, params, user=user)
    return respond(dto.cms_page_dto(service, service.page_by_id(page_id, session), session),
                   adapt=dto.adapt)


@bp.get(CMS + "/pages/<pageId>")
@operation("getPageById", secured=roles.OPEN, params=PageByIdParams)
def get_page_by_id(baseSiteId: str, pageId: str, params: dict):
    return _get_page_by_id(pageId, params, user=False)


@bp.get(USER_CMS + "/pages/<pageId>")
@operation("getPageByIdAndUser", secured=roles.OPEN, params=PageByIdParams)
def get_page_by_id_and_user(baseSiteId: str, userId: str, pageId: str, params: dict):
    return _get_page_by_id(pageId, params, user=True)


def _get_all_pages(params: dict[str, Any]):
    if params["currentPage"] is None:  # the mapping's params = {"currentPage"}
        raise ApiError(400, "UnsatisfiedServletRequestParameterError",
                       'Parameter conditions "currentPage" not met for actual request '
                       "parameters: ")
    service = cms()
    pages = _sorted(service.pages(params["pageType"]), params["sort"])
    chunk, pagination = dto.listed(pages, params["currentPage"], params["pageSize"])
    session = restricting(service, {}, user=False)
    return respond(dto.LIST_ADAPTED_PAGES(
        page=[dto.cms_page_dto(service, p, session, slots=False) for p in chunk],
        pagination=pagination, sorts=dto.sorts_dto(params["sort"])), adapt=dto.adapt)


@bp.get(CMS + "/sitepages")
@operation("getAllPages", secured=roles.OPEN, params=SitePagesParams)
def get_all_pages(baseSiteId: str, params: dict):
    return _get_all_pages(params)


@bp.get(USER_CMS + "/sitepages")
@operation("getAllPagesWithUser", secured=roles.OPEN, params=SitePagesParams)
def get_all_pages_with_user(baseSiteId: str, userId: str, params: dict):
    return _get_all_pages(params)


# -- Components -----------------------------------------------------------------------------


def _components(ids: list[str] | None, params: dict[str, Any], *, user: bool):
    service = cms()
    session = restricting(service, params, user=user)
    found = _sorted(service.components(ids), params["sort"])
    chunk, pagination = dto.listed(found, params["currentPage"], params["pageSize"])
    return respond(dto.LIST_ADAPTED_COMPONENTS(
        component=[dto.component_dto(service, c, session) for c in chunk
                   if service.visible(c, session)],
        pagination=pagination, sorts=dto.sorts_dto(params["sort"])), adapt=dto.adapt)


@bp.get(CMS + "/components")
@operation("getComponentsByIds", secured=roles.OPEN, params=ComponentIdsParams)
def get_components_by_ids(baseSiteId: str, params: dict):
    return _components(params["componentIds"], params, user=False)


@bp.post(CMS + "/components")
@operation("searchComponentsByIds", secured=roles.OPEN, params=ComponentListParams,
           body=ComponentIDListBody)
def search_components_by_ids(baseSiteId: str, params: dict, body: dict):
    ids = [x for x in body.get("idList") or [] if x.strip()]
    if not ids:
        raise ApiError(400, "IllegalArgumentError",
                       "idList in the request body should contain component ID(s)")
    return _components(ids, params, user=False)


@bp.get(USER_CMS + "/components")
@operation("getComponentsByIdsAndUser", secured=roles.OPEN, params=ComponentIdsParams)
def get_components_by_ids_and_user(baseSiteId: str, userId: str, params: dict):
    return _components(params["componentIds"], params, user=True)


def _component(component_id: str, params: dict[str, Any], *, user: bool):
    service = cms()
    session = restricting(service, params, user=user)
    return respond(dto.component_dto(service, service.component(component_id, session),
                                     session), adapt=dto.adapt)


@bp.get(CMS + "/components/<componentId>")
@operation("getComponentById", secured=roles.OPEN, params=ComponentParams)
def get_component_by_id(baseSiteId: str, componentId: str, params: dict):
    return _component(componentId, params, user=False)


@bp.get(USER_CMS + "/components/<componentId>")
@operation("getComponentByIdAndUser", secured=roles.OPEN, params=ComponentParams)
def get_component_by_id_and_user(baseSiteId: str, userId: str, componentId: str,
                                 params: dict):
    return _component(componentId, params, user=True)


def _sorted(items: list, sort: str | None) -> list:
    """SAP's ``sort`` of a CMS search: ``attribute[:asc|:desc]``."""
    if not sort:
        return items
    name, _, direction = sort.partition(":")
    key = SORTABLE.get(name.strip().lower())
    if key is None or direction.lower() not in ("", "asc", "desc"):
        raise ApiError(400, "ValidationError", f"Invalid sort parameter '{sort}'",
                       reason="invalid", subject="sort", subject_type="parameter")
    return sorted(items, key=key, reverse=direction.lower() == "desc")
