"""CMS WsDTOs (cmsocc): pages with their content slots, components, and the lists of both.

SAP maps a CMS item to its WsDTO by ``fields`` (these declarations), then its JAXB adapters
(``PageAdapterUtil``, ``ComponentAdapterUtil``) write it out: ``otherProperties`` moves to the
top level and a component's ``modifiedtime`` is written ``modifiedTime`` (``adapt``). The lists
of components and pages are written with ``pagination`` and ``sorts``, which the document's
``ComponentList`` and ``CMSPageList`` do not declare (``ListAdaptedComponents``,
``ListAdaptedPages``).
"""
from __future__ import annotations

from typing import Any

from ... import dto as d
from ....commerce.cms import CmsService, Restricting, Slot, uuid
from ....models import localized
from ....models.cms import CMSComponent, CMSPage
from .account import page_dto

COMPONENT = d.DtoType("Component", "uid uuid typeCode modifiedtime name otherProperties",
                      BASIC="uid,uuid,typeCode,name", DEFAULT="BASIC,modifiedtime,otherProperties",
                      FULL="DEFAULT")
COMPONENT_LIST = d.DtoType("ComponentList", "component")
CONTENT_SLOT = d.DtoType(
    "ContentSlot", "slotId slotUuid position name slotShared slotStatus components otherProperties",
    BASIC="slotId,slotUuid,position,name,slotShared,slotStatus",
    DEFAULT="BASIC,components(DEFAULT)", FULL="DEFAULT")
CONTENT_SLOT_LIST = d.DtoType("ContentSlotList", "contentSlot")
CMS_PAGE = d.DtoType(
    "CMSPage", "uid uuid title template typeCode name description robotTag defaultPage "
               "contentSlots catalogVersionUuid otherProperties",
    BASIC="uid,uuid,title,template,typeCode,name,description,robotTag,defaultPage,"
          "catalogVersionUuid,otherProperties",
    DEFAULT="BASIC,contentSlots(DEFAULT)", FULL="DEFAULT")
CMS_PAGE_LIST = d.DtoType("CMSPageList", "page")
SORT = d.DtoType("sort", "code asc")
LIST_ADAPTED_COMPONENTS = d.DtoType("ListAdaptedComponents", "component pagination sorts",
                                    spec=None)
LIST_ADAPTED_PAGES = d.DtoType("ListAdaptedPages", "page pagination sorts", spec=None)


def _key(item: Any) -> tuple[str, str, str]:
    return (item.catalogVersion[0], item.catalogVersion[1], item.uid)


def component_dto(cms: CmsService, component: CMSComponent, ctx: Restricting) -> d.Dto:
    modified = component.modifiedtime
    return COMPONENT(uid=component.uid, uuid=uuid(_key(component)), typeCode=component.typeCode,
                     name=component.name,
                     modifiedtime=modified.isoformat(timespec="milliseconds") if modified
                     else None,
                     otherProperties=d.Lazy(lambda: cms.properties(component, ctx)))


def slot_dto(cms: CmsService, slot: Slot, ctx: Restricting) -> d.Dto:
    return CONTENT_SLOT(
        slotId=slot.slot.uid, slotUuid=uuid(_key(slot.slot)), position=slot.position,
        name=slot.slot.name, slotShared=slot.shared, slotStatus=slot.status,
        components=COMPONENT_LIST(component=[component_dto(cms, c, ctx)
                                             for c in slot.components]))


def cms_page_dto(cms: CmsService, page: CMSPage, ctx: Restricting, *,
                 slots: bool = True) -> d.Dto:
    template = cms.template(page)
    props: dict[str, Any] = {}
    if page.typeCode == "ContentPage" and page.label:
        props["label"] = page.label
    return CMS_PAGE(
        uid=page.uid, uuid=uuid(_key(page)), title=localized(page.title, cms.lang),
        template=template.uid if template else None, typeCode=page.typeCode, name=page.name,
        description=localized(page.description, cms.lang), robotTag=page.robotTag,
        defaultPage=page.defaultPage, catalogVersionUuid="/".join(page.catalogVersion),
        otherProperties=props or None,
        contentSlots=d.Lazy(lambda: CONTENT_SLOT_LIST(
            contentSlot=[slot_dto(cms, s, ctx) for s in cms.slots(page, ctx)])) if slots
        else None)


def sorts_dto(sort: str | None) -> list[d.Dto]:
    if not sort:
        return []
    code, _, direction = sort.partition(":")
    return [SORT(code=code, asc=direction.lower() != "desc")]


def listed(items: list, page: int, size: int) -> tuple[list, d.Dto]:
    """One page of a list and its pagination (webservicescommons' PaginationWsDTO)."""
    chunk = items[page * size:(page + 1) * size]
    return chunk, page_dto(len(chunk), len(items), page, size)


def adapt(value: Any) -> Any:
    """What SAP's CMS JAXB adapters write: ``otherProperties`` moved to the top level of its
    DTO, ``modifiedtime`` as ``modifiedTime``."""
    if isinstance(value, list):
        return [adapt(v) for v in value]
    if not isinstance(value, dict):
        return value
    result = {("modifiedTime" if k == "modifiedtime" else k): adapt(v)
              for k, v in value.items() if k != "otherProperties"}
    for k, v in (value.get("otherProperties") or {}).items():
        result.setdefault(k, v)
    return result
