"""SAP's CMS as its OCC API reads it (cmsocc, cmsfacades' rendering services), on the content
catalogs of a site:

- a **page** is found by type: a ContentPage by label (the exact label, then the label cut back
  section by section, ``/my-account/order/123`` → ``/my-account/order``), then by uid; no label
  is the site's homepage (the ContentPage flagged ``homepage``); a ProductPage, CategoryPage or
  CatalogPage for a code is the page of that type whose restrictions apply to the product or
  category (a CMSProductRestriction, a CMSCategoryRestriction), else the type's default page;
- its **slots** are its template's (ContentSlotForTemplate, ``slotShared``) and its own
  (ContentSlotForPage), a page's slot taking a position over the template's unless the
  template's does not allow overwriting; an inactive slot (``active``, ``activeFrom``,
  ``activeUntil``) is left out;
- an item (page, component) with **restrictions** shows only when they apply (all of them, or
  one of them with ``onlyOneRestrictionMustApply``): CMSUserGroupRestriction (the session user
  in one of the groups, or their subgroups), CMSUserRestriction, CMSTimeRestriction,
  CMSProductRestriction, CMSCategoryRestriction (the category, or the product's categories),
  CMSInverseRestriction; an invisible component (``visible=false``) never shows;
- a **component**'s own attributes are rendered as SAP's OCC flattens them
  (``ComponentAdapterUtil``): values as strings (``"true"``, ``"10"``), localized ones in the
  session language, a media as a map of strings, a responsive media container as a map by
  format, a nested component as a map, a collection of components, products or categories as
  their codes separated by spaces (``banners``, ``components``, ``productCodes``), a navigation
  node as ``navigationNode`` with its children and entries, a link's ``url`` from its page,
  product or category.

No Flask here: the OCC handlers (``api/occ/cms.py``) call this and render the result.
"""
from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import models as m
from ..models import cms as mc
from ..db import Db, uid_key
from ..errors import ApiError
from ..models import localized
from .catalog import CatalogService, container_media

PAGE_TYPES = ("ContentPage", "ProductPage", "CategoryPage", "CatalogPage")
ANONYMOUS = "anonymous"


def not_found(message: str) -> ApiError:
    return ApiError(404, "CMSItemNotFoundError", message)


def uuid(key: tuple[str, str, str]) -> str:
    """SAP's CMS uuid: the item's identity as Base64 JSON (cmsfacades' item identifier)."""
    identity = {"itemId": key[2], "catalogId": key[0], "catalogVersion": key[1]}
    return base64.b64encode(json.dumps(identity, separators=(",", ":")).encode()).decode()


@dataclass
class Restricting:
    """What restrictions are evaluated against (SAP's RestrictionData and the session)."""

    user: m.Principal | None
    groups: set[str]  # every group of the user, lower-cased uids, subgroups included
    direct_groups: set[str]
    now: datetime
    product: m.Product | None = None
    categories: list[str] = field(default_factory=list)  # the category, or the product's


@dataclass
class Slot:
    """A content slot as a page shows it."""

    slot: mc.ContentSlot
    position: str
    shared: bool  # from the template
    status: str  # TEMPLATE, PAGE, OVERRIDE
    components: list[mc.CMSComponent]


class CmsService:
    """The CMS of one base site: its content catalogs' Online versions."""

    def __init__(self, db: Db, site: m.BaseSite, store: m.BaseStore | None, lang: str,
                 now: datetime) -> None:
        self.db = db
        self.state = db.state
        self.site = site
        self.lang = lang
        self.now = now
        self.catalog = CatalogService(db, store)
        self.versions = [(c, "Online") for c in site.contentCatalogs
                         if (c, "Online") in self.state.catalog_versions]
        self._restrictions: dict[tuple[str, str, str], list[mc.CMSRestriction]] | None = None

    # -- the session ---------------------------------------------------------------------------

    def restricting(self, user: m.User | None, *, product_code: str | None = None,
                    category_code: str | None = None, catalog_code: str | None = None,
                    subject: str | None = None) -> Restricting:
        """The restriction data of a request (``productCode``, ``categoryCode``, ``catalogCode``
        must name existing items: SAP's rendering validators answer 400 otherwise, naming the
        parameter, or ``subject``: getPage's ``code``)."""
        principal: m.Principal | None = user or self.db.principal(ANONYMOUS)
        product = category = None
        if product_code is not None:
            product = self.catalog.product(product_code)
            if product is None:
                raise _invalid(subject or "productCode", f"Product with code '{product_code}' not found")
        if category_code is not None:
            category = self.catalog.category(category_code)
            if category is None:
                raise _invalid(subject or "categoryCode", f"Category with code '{category_code}' not found")
        if catalog_code is not None and catalog_code not in self.state.catalogs:
            raise _invalid("catalogCode", f"Catalog with code '{catalog_code}' not found")
        codes = [category.code] if category else list(product.supercategories) if product else []
        direct = {uid_key(g) for g in principal.groups} if principal else set()
        return Restricting(principal, self.db.all_groups(principal.uid) if principal else set(),
                           direct, self.now, product, codes)

    # -- pages ---------------------------------------------------------------------------------

    def pages(self, page_type: str | None = None) -> list[mc.CMSPage]:
        """Every approved page of the site's content catalogs (of a type), by uid."""
        found = [p for p in self.state.cms_pages.values() if p.catalogVersion in self.versions
                 and p.approvalStatus.lower() == "approved"
                 and (page_type is None or p.typeCode == page_type)]
        return sorted(found, key=lambda p: p.uid)

    def page(self, page_type: str, label_or_id: str | None, code: str | None,
             ctx: Restricting, *, by_id: bool = True) -> mc.CMSPage:
        """The page a storefront asks for (``getPage``; ``by_id=False``: a ``pageLabel`` that
        is not also tried as a uid)."""
        qualifier = label_or_id if label_or_id is not None else code
        if page_type == "ContentPage":
            if qualifier is None:
                found = self._best([p for p in self.pages("ContentPage") if p.homepage], ctx)
                if found is None:
                    raise not_found("No homepage is defined for the site "
                                    f"'{self.site.uid}'")
                return found
            found = self._content_page(qualifier, ctx, by_id)
            if found is None:
                raise not_found("No content page found matching the provided label or id: "
                                f"{qualifier}")
            return found
        found = self._best(self.pages(page_type), ctx)
        if found is None:
            raise not_found(f"No AbstractPageModel found for given page type: {page_type} "
                            f"and qualifier {qualifier}")
        return found

    def page_by_id(self, page_id: str, ctx: Restricting,
                   page_type: str | None = None) -> mc.CMSPage:
        """A page by uid (``getPageById``; getPage's ``pageId``), if its restrictions apply."""
        for page in self.pages(page_type):
            if page.uid == page_id and self.applies(self._restrictions_of(page), page, ctx):
                return page
        raise not_found(f"No page with uid '{page_id}' found")

    def _content_page(self, qualifier: str, ctx: Restricting,
                      by_id: bool = True) -> mc.CMSPage | None:
        pages = self.pages("ContentPage")
        label = qualifier
        while label:
            found = self._best([p for p in pages if p.label == label], ctx)
            if found is not None:
                return found
            cut = label.rstrip("/").rsplit("/", 1)[0]
            label = cut if cut != label and cut not in ("", "/") else ""
        return self._best([p for p in pages if p.uid == qualifier], ctx) if by_id else None

    def _best(self, pages: list[mc.CMSPage], ctx: Restricting) -> mc.CMSPage | None:
        """Of the candidate pages, one whose restrictions apply, else the default one (SAP
        evaluates restricted pages first)."""
        restricted = [p for p in pages if self._restrictions_of(p)]
        for page in restricted:
            if self.applies(self._restrictions_of(page), page, ctx):
                return page
        plain = [p for p in pages if not self._restrictions_of(p)]
        return next((p for p in plain if p.defaultPage), plain[0] if plain else None)

    def template(self, page: mc.CMSPage) -> mc.PageTemplate | None:
        return self.state.cms_page_templates.get(page.masterTemplate) if page.masterTemplate \
            else None

    def slots(self, page: mc.CMSPage, ctx: Restricting) -> list[Slot]:
        """The page's slots by position: its template's, and its own over them."""
        state = self.state
        by_position: dict[str, Slot] = {}
        key = _key(page)
        for relation in state.cms_slots_for_template.values():
            slot = state.cms_slots.get(relation.contentSlot) if relation.contentSlot else None
            if relation.pageTemplate == page.masterTemplate and slot and relation.position:
                by_position[relation.position] = Slot(slot, relation.position, True, "TEMPLATE",
                                                      [])
                if not relation.allowOverwrite:
                    by_position[relation.position].status = "FIXED"
        for relation in state.cms_slots_for_page.values():
            slot = state.cms_slots.get(relation.contentSlot) if relation.contentSlot else None
            if relation.page != key or slot is None or not relation.position:
                continue
            held = by_position.get(relation.position)
            if held is not None and held.status == "FIXED":
                continue
            by_position[relation.position] = Slot(slot, relation.position, False,
                                                  "OVERRIDE" if held else "PAGE", [])
        result = []
        for entry in by_position.values():
            if entry.status == "FIXED":
                entry.status = "TEMPLATE"
            if not self._active(entry.slot):
                continue
            entry.components = [c for c in self._components(entry.slot.cmsComponents)
                                if self.visible(c, ctx)]
            result.append(entry)
        return result

    def _active(self, slot: mc.ContentSlot) -> bool:
        return slot.active and (slot.activeFrom is None or slot.activeFrom <= self.now) \
            and (slot.activeUntil is None or self.now <= slot.activeUntil)

    # -- components ----------------------------------------------------------------------------

    def component(self, uid: str, ctx: Restricting) -> mc.CMSComponent:
        """A component by uid, if visible to the request (``getComponentById``)."""
        found = self.find_component(uid)
        if found is None or not self.visible(found, ctx):
            raise not_found(f'Can not find component with uid "{uid}".')
        return found

    def find_component(self, uid: str) -> mc.CMSComponent | None:
        for catalog, version in self.versions:
            found = self.state.cms_components.get((catalog, version, uid))
            if found is not None:
                return found
        return None

    def components(self, uids: list[str] | None) -> list[mc.CMSComponent]:
        """The components named (each once, in their order), or every component of the site's
        content catalogs when none is named."""
        if not uids:
            return sorted((c for c in self.state.cms_components.values()
                           if c.catalogVersion in self.versions), key=lambda c: c.uid)
        found = (self.find_component(u) for u in dict.fromkeys(uids))
        return [c for c in found if c is not None]

    def visible(self, component: mc.CMSComponent, ctx: Restricting) -> bool:
        return component.visible and self.applies(self._restrictions_of(component), component,
                                                  ctx)

    def _components(self, keys: Iterable[tuple[str, str, str]]) -> list[mc.CMSComponent]:
        found = (self.state.cms_components.get(k) for k in keys)
        return [c for c in found if c is not None]

    # -- restrictions --------------------------------------------------------------------------

    def _by_item(self) -> dict[tuple[str, str, str], list[mc.CMSRestriction]]:
        """Restrictions named from the restriction's side (``pages``, ``components``)."""
        if self._restrictions is None:
            index: dict[tuple[str, str, str], list[mc.CMSRestriction]] = {}
            for restriction in self.state.cms_restrictions.values():
                for key in [*restriction.pages, *restriction.components]:
                    index.setdefault(tuple(key), []).append(restriction)
            self._restrictions = index
        return self._restrictions

    def _restrictions_of(self, item: Any) -> list[mc.CMSRestriction]:
        state = self.state
        own = [state.cms_restrictions[k] for k in item.restrictions if k in state.cms_restrictions]
        return own + [r for r in self._by_item().get(_key(item), []) if r not in own]

    def applies(self, restrictions: list[mc.CMSRestriction], item: Any,
                ctx: Restricting) -> bool:
        if not restrictions:
            return True
        results = (self._applies(r, ctx) for r in restrictions)
        return any(results) if item.onlyOneRestrictionMustApply else all(results)

    def _applies(self, r: mc.CMSRestriction, ctx: Restricting, depth: int = 0) -> bool:
        kind = r.typeCode
        if kind == "CMSUserGroupRestriction":
            groups = ctx.groups if r.includeSubgroups else ctx.direct_groups
            return any(uid_key(g) in groups for g in r.userGroups)
        if kind == "CMSUserRestriction":
            return ctx.user is not None and any(uid_key(u) == uid_key(ctx.user.uid)
                                                for u in r.users)
        if kind == "CMSTimeRestriction":
            return (r.activeFrom is None or r.activeFrom <= ctx.now) and \
                (r.activeUntil is None or ctx.now <= r.activeUntil)
        if kind == "CMSProductRestriction":
            return ctx.product is not None and ctx.product.code in r.products
        if kind == "CMSCategoryRestriction":
            return any(code in ctx.categories for code in r.categories)
        if kind == "CMSInverseRestriction":
            original = self.state.cms_restrictions.get(r.originalRestriction) \
                if r.originalRestriction else None
            return original is None or depth > 8 or not self._applies(original, ctx, depth + 1)
        return True

    # -- rendering: SAP's flattened component properties ---------------------------------------

    def properties(self, component: mc.CMSComponent, ctx: Restricting,
                   depth: int = 0) -> dict[str, Any]:
        """A component's own attributes as SAP's OCC renders them (``otherProperties``)."""
        result: dict[str, Any] = {"container": _text(_is_container(component.typeCode))}
        for name, (kind, target) in mc.cms_attributes(component.typeCode).items():
            value = component.attributes.get(name)
            if value is None:
                continue
            key, rendered = self._render(component, name, kind, target, value, ctx, depth)
            if rendered is not None and rendered != "":
                result[key] = rendered
        if component.typeCode == "CMSLinkComponent":
            url = self.link_url(component)
            if url:
                result["url"] = url
            # LinkTargets: a new window is written "true", the same window "false"
            result["target"] = _text(str(component.attributes.get("target", "")).lower()
                                     == "newwindow")
        return result

    def _render(self, owner: mc.CMSComponent, name: str, kind: str, target: str | None,
                value: Any, ctx: Restricting, depth: int) -> tuple[str, Any]:
        if kind == "localized":
            return name, localized(value, self.lang)
        if kind in ("bool", "int", "float", "enum", "str"):
            return name, _text(value)
        if kind == "date":
            return name, value.isoformat()
        if kind == "strs":
            return name, [str(x) for x in value]
        if kind == "refs":
            if target == "Product":
                return "productCodes", " ".join(value)
            if target == "Category":
                return "categoryCodes", " ".join(value)
            uids = [c.uid for c in self._components(tuple(k) for k in value)]
            return ("components" if name == "simpleCMSComponents" else name), " ".join(uids)
        if target == "Media":
            media = self.state.media.get((owner.catalogVersion, value))
            return name, _media(media) if media else None
        if target == "MediaContainer":
            return name, self._responsive(owner.catalogVersion, value)
        if target == "CMSNavigationNode":
            node = self.state.cms_navigation_nodes.get(tuple(value))
            return "navigationNode", self.navigation_node(node, ctx) if node else None
        if target == "AbstractCMSComponent":
            nested = self.state.cms_components.get(tuple(value))
            if nested is None or depth > 4 or not self.visible(nested, ctx):
                return name, None
            return name, {"uid": nested.uid, "typeCode": nested.typeCode,
                          **({"name": nested.name} if nested.name else {}),
                          **self.properties(nested, ctx, depth + 1)}
        if target == "ContentPage":
            return name, value[2]
        return name, _text(value)  # a product or category code

    def _responsive(self, cv: tuple[str, str], qualifier: str) -> dict[str, Any] | None:
        medias = [x for x in container_media(self.db, cv, qualifier) if x.mediaFormat]
        return {x.mediaFormat: _media(x) for x in medias} or None

    def navigation_node(self, node: mc.CMSNavigationNode, ctx: Restricting,
                        depth: int = 0) -> dict[str, Any]:
        """A navigation node as SAP's NavigationNodeWsDTO: title, children, entries (each
        naming its item's id, type and super type, which the storefront then loads)."""
        key = _key(node)
        state = self.state
        children = [n for n in state.cms_navigation_nodes.values()
                    if n.parent == key and n.visible] if depth < 10 else []
        entries = []
        for entry in state.cms_navigation_entries.values():
            item = state.cms_components.get(entry.item) if entry.navigationNode == key \
                and entry.item else None
            if item is not None:
                entries.append({"itemId": item.uid, "itemSuperType": "AbstractCMSComponent",
                                "itemType": item.typeCode})
        result: dict[str, Any] = {"uid": node.uid, "entries": entries,
                                  "children": [self.navigation_node(c, ctx, depth + 1)
                                               for c in children]}
        title = localized(node.title, self.lang)
        if title:
            result["title"] = title
        return result

    def link_url(self, link: mc.CMSComponent) -> str | None:
        """A link's URL: its own, else its content page's label, else its product's or
        category's URL as SAP's default URL resolvers write them."""
        attrs = link.attributes
        if attrs.get("url"):
            return attrs["url"]
        if attrs.get("contentPage"):
            page = self.state.cms_pages.get(tuple(attrs["contentPage"]))
            return (page.label or page.uid) if page else None
        if attrs.get("product"):
            product = self.catalog.product(attrs["product"])
            if product is not None:
                return f"/{_slug(localized(product.name, self.lang) or product.code)}" \
                       f"/p/{product.code}"
        if attrs.get("category"):
            code = attrs["category"]
            path = [c for c in reversed(self.catalog.ancestors([code]))]
            names = [localized(c.name, self.lang) or c.code
                     for c in (self.catalog.category(x) for x in path) if c is not None]
            return "/" + "/".join(_slug(n) for n in names) + f"/c/{code}"
        return None


def _key(item: Any) -> tuple[str, str, str]:
    return (item.catalogVersion[0], item.catalogVersion[1], item.uid)


def _is_container(type_code: str) -> bool:
    while type_code:
        if type_code == "AbstractCMSComponentContainer":
            return True
        type_code = mc.CMS_COMPONENT_TYPES[type_code][0] or ""
    return False


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _media(media: m.Media) -> dict[str, str]:
    values = {"code": media.code, "mime": media.mime, "altText": media.altText,
              "url": media.url}
    return {k: v for k, v in values.items() if v is not None}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "-"


def _invalid(subject: str, message: str) -> ApiError:
    return ApiError(400, "ValidationError", message, reason="invalid", subject=subject,
                    subject_type="parameter")
