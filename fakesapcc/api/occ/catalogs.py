"""OCC catalogs (tag Catalogs): catalogs, catalog versions and their category trees."""
from __future__ import annotations

from ... import models as m
from ...commerce.catalog import CatalogService
from ...errors import ApiError
from ...security import roles
from ..operations import operation
from .base import bp, catalog, respond, site
from .dtos import catalog as dto

CATALOG = "/<baseSiteId>/catalogs/<catalogId>"


def _catalog_or_error(cat: CatalogService, catalog_id: str) -> m.Catalog:
    found = cat.state.catalogs.get(catalog_id)
    if found is None or catalog_id not in {c for c, _ in cat.versions}:
        raise ApiError(400, "UnknownIdentifierError", f"Catalog with id '{catalog_id}' not found")
    return found


def _version_or_error(cat: CatalogService, catalog_id: str, version: str) -> None:
    _catalog_or_error(cat, catalog_id)
    if (catalog_id, version) not in cat.versions:
        raise ApiError(400, "UnknownIdentifierError",
                       f"Catalog version with id '{version}' of catalog '{catalog_id}' not found")


@bp.get("/<baseSiteId>/catalogs")
@operation("getCatalogs", secured=roles.OPEN)
def get_catalogs(baseSiteId: str):
    cat = catalog()
    state = cat.state
    ids = sorted({c for c, _ in cat.versions})
    return respond(dto.CATALOG_LIST(catalogs=[
        dto.catalog_dto(cat, state.catalogs[x], site().lang) for x in ids if x in state.catalogs]))


@bp.get(CATALOG)
@operation("getCatalog", secured=roles.OPEN)
def get_catalog(baseSiteId: str, catalogId: str):
    cat = catalog()
    return respond(dto.catalog_dto(cat, _catalog_or_error(cat, catalogId), site().lang))


@bp.get(CATALOG + "/<catalogVersionId>")
@operation("getCatalogVersion", secured=roles.OPEN)
def get_catalog_version(baseSiteId: str, catalogId: str, catalogVersionId: str):
    cat = catalog()
    _version_or_error(cat, catalogId, catalogVersionId)
    return respond(dto.catalog_version_dto(cat, catalogId, catalogVersionId, site().lang))


@bp.get(CATALOG + "/<catalogVersionId>/categories/<categoryId>")
@operation("getCategories", secured=roles.OPEN)
def get_categories(baseSiteId: str, catalogId: str, catalogVersionId: str, categoryId: str):
    sc = site()
    cat = catalog()
    _version_or_error(cat, catalogId, catalogVersionId)
    category = cat.state.categories.get((catalogId, catalogVersionId, categoryId))
    if category is None:
        raise ApiError(400, "UnknownIdentifierError", f"Category with code '{categoryId}' not found")
    hierarchy = dto.category_hierarchy_dto(cat, category, sc.lang)
    hierarchy["products"] = [dto.product_dto(cat, p, sc.lang, sc.curr) for p in cat.products()
                             if categoryId in p.supercategories]
    return respond(hierarchy)
