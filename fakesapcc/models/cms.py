"""The CMS models, in SAP Commerce's vocabulary: content catalogs, page templates, pages,
content slots and their relations, components, restrictions and navigation.

Content catalog items are keyed ``(catalog, version, uid)``, and references store that key.
SAP renders components generically over their type's attributes: one model, ``typeCode``
names the type, ``attributes`` holds its own attributes by qualifier.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import Catalog, Localized

CmsKey = tuple[str, str, str]  # catalog id, version, uid


@dataclass(slots=True)
class ContentCatalog(Catalog):
    """A catalog of CMS items."""


@dataclass(slots=True)
class PageTemplate:
    uid: str
    catalogVersion: tuple[str, str]
    name: str | None = None
    frontendTemplateName: str | None = None


@dataclass(slots=True)
class ContentSlotName:  # a position a template offers (``Section1``)
    name: str
    template: CmsKey  # PageTemplate
    validComponentTypes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CMSPage:  # SAP's AbstractPage: ContentPage, ProductPage, CategoryPage, CatalogPage
    uid: str
    catalogVersion: tuple[str, str]
    typeCode: str = "ContentPage"
    name: str | None = None
    title: Localized = field(default_factory=dict)
    description: Localized = field(default_factory=dict)
    masterTemplate: CmsKey | None = None
    defaultPage: bool = False
    approvalStatus: str = "approved"
    homepage: bool = False  # ContentPage
    label: str | None = None  # ContentPage
    robotTag: str = "INDEX_FOLLOW"
    restrictions: list[CmsKey] = field(default_factory=list)
    onlyOneRestrictionMustApply: bool = False
    modifiedtime: datetime | None = None


@dataclass(slots=True)
class ContentSlot:
    uid: str
    catalogVersion: tuple[str, str]
    name: str | None = None
    active: bool = True
    activeFrom: datetime | None = None
    activeUntil: datetime | None = None
    cmsComponents: list[CmsKey] = field(default_factory=list)


@dataclass(slots=True)
class ContentSlotForTemplate:
    uid: str
    catalogVersion: tuple[str, str]
    position: str | None = None
    pageTemplate: CmsKey | None = None
    contentSlot: CmsKey | None = None
    allowOverwrite: bool = True


@dataclass(slots=True)
class ContentSlotForPage:
    uid: str
    catalogVersion: tuple[str, str]
    position: str | None = None
    page: CmsKey | None = None  # a CMSPage
    contentSlot: CmsKey | None = None


@dataclass(slots=True)
class CMSComponent:  # SAP's AbstractCMSComponent, of any type (``typeCode``)
    uid: str
    catalogVersion: tuple[str, str]
    typeCode: str = "SimpleCMSComponent"
    name: str | None = None
    visible: bool = True
    restrictions: list[CmsKey] = field(default_factory=list)
    onlyOneRestrictionMustApply: bool = False
    modifiedtime: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


# ``typeCode`` says which attributes apply: CMSUserGroupRestriction (userGroups,
# includeSubgroups), CMSUserRestriction (users), CMSTimeRestriction (activeFrom, activeUntil),
# CMSProductRestriction, CMSCategoryRestriction, CMSInverseRestriction (originalRestriction);
# ``pages``/``components``: the relation written from the restriction's side
@dataclass(slots=True)
class CMSRestriction:
    uid: str
    catalogVersion: tuple[str, str]
    typeCode: str = "CMSUserGroupRestriction"
    name: str | None = None
    userGroups: list[str] = field(default_factory=list)
    includeSubgroups: bool = True
    users: list[str] = field(default_factory=list)
    activeFrom: datetime | None = None
    activeUntil: datetime | None = None
    products: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    originalRestriction: CmsKey | None = None
    pages: list[CmsKey] = field(default_factory=list)
    components: list[CmsKey] = field(default_factory=list)


@dataclass(slots=True)
class CMSNavigationNode:  # its children: the nodes naming it ``parent``, in creation order
    uid: str
    catalogVersion: tuple[str, str]
    name: str | None = None
    title: Localized = field(default_factory=dict)
    parent: CmsKey | None = None
    visible: bool = True


@dataclass(slots=True)
class CMSNavigationEntry:
    uid: str
    catalogVersion: tuple[str, str]
    navigationNode: CmsKey | None = None
    item: CmsKey | None = None  # a component (a link, usually)


#: CMS component types: supertype, own attributes ``qualifier[:kind[:target]]`` (the ImpEx
#: loader's kinds, ``str`` by default); ``impex.types`` loads and ``commerce.cms`` renders them
_SIMPLE, _LIST, _NAV, _BANNER = ("SimpleCMSComponent", "CMSProductListComponent",
                                 "NavigationComponent", "AbstractBannerComponent")
CMS_COMPONENT_TYPES: dict[str, tuple[str | None, str]] = {
    "AbstractCMSComponent": (None, ""), _SIMPLE: ("AbstractCMSComponent", ""),
    "AbstractCMSComponentContainer": ("AbstractCMSComponent", ""),
    "CMSParagraphComponent": (_SIMPLE, "content:localized"),
    "CMSTabParagraphComponent": ("CMSParagraphComponent", "title:localized"),
    "CMSImageComponent": (_SIMPLE, "media:ref:Media"),
    _BANNER: (_SIMPLE, "urlLink external:bool"),
    "SimpleBannerComponent": (_BANNER, "media:ref:Media"),
    "SimpleResponsiveBannerComponent": (_BANNER, "media:ref:MediaContainer"),
    "BannerComponent": (_BANNER, "headline:localized content:localized media:ref:Media"),
    "RotatingImagesComponent": (_SIMPLE, "banners:refs:AbstractCMSComponent timeout:int "
                                         "effect:enum"),
    "CMSLinkComponent": (_SIMPLE, "linkName:localized url external:bool target:enum "
                                  "styleClasses category:ref:Category product:ref:Product "
                                  "contentPage:ref:ContentPage"),
    _LIST: (_SIMPLE, ""), "ProductGridComponent": (_LIST, ""),
    "SearchResultsListComponent": (_LIST, ""), "SearchResultsGridComponent": (_LIST, ""),
    "ProductAddToCartComponent": (_SIMPLE, ""), "ProductDetailComponent": (_SIMPLE, ""),
    "BreadcrumbComponent": (_SIMPLE, ""), "CMSSiteContextComponent": (_SIMPLE, "context:enum"),
    "SearchBoxComponent": (_SIMPLE, "maxSuggestions:int maxProducts:int displaySuggestions:bool "
                                    "displayProducts:bool displayProductImages:bool "
                                    "waitTimeBeforeRequest:int minCharactersBeforeRequest:int"),
    "MiniCartComponent": (_SIMPLE, "title:localized totalDisplay:enum shownProductCount:int "
                                   "lightboxBannerComponent:ref:AbstractCMSComponent"),
    "ProductCarouselComponent": (_SIMPLE, "title:localized products:refs:Product "
                                          "categories:refs:Category popup:bool scroll:enum"),
    "ProductReferencesComponent": (_SIMPLE, "title:localized productReferenceTypes:strs "
                                            "maximumNumberProducts:int displayProductTitles:bool "
                                            "displayProductPrices:bool"),
    "CMSFlexComponent": (_SIMPLE, "flexType"), "JspIncludeComponent": (_SIMPLE, "page"),
    _NAV: (_SIMPLE, "navigationNode:ref:CMSNavigationNode styleClass wrapAfter:int "
                    "showLanguageCurrency:bool notice:localized"),
    "CMSNavigationComponent": (_NAV, ""), "CategoryNavigationComponent": (_NAV, ""),
    "FooterNavigationComponent": (_NAV, ""), "CMSTabParagraphContainer": (
        "AbstractCMSComponentContainer", "simpleCMSComponents:refs:AbstractCMSComponent"),
}


def cms_attributes(type_code: str) -> dict[str, tuple[str, str | None]]:
    """A component type's attributes, inherited ones first: qualifier -> (kind, target)."""
    supertype, own = CMS_COMPONENT_TYPES[type_code]
    result = cms_attributes(supertype) if supertype else {}
    for name, *rest in (spec.split(":") for spec in own.split()):
        result[name] = (rest[0] if rest else "str", rest[1] if len(rest) > 1 else None)
    return result
