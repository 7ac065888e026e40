"""OCC stores (tag Stores): the store finder and one store."""
from __future__ import annotations

from ... import models as m
from ...commerce.catalog import CatalogService
from ...errors import ApiError
from ...security import roles
from .. import inputs as i
from ..operations import operation
from .base import bp, catalog, respond, site
from .dtos import catalog as dto


def pos_matches(cat: CatalogService, stores: list[m.PointOfService],
                text: str) -> list[m.PointOfService]:
    """The stores whose name, display name, town or postal code contain ``text``."""
    needle = text.strip().lower()
    if not needle:
        return stores
    found = []
    for pos in stores:
        address = cat.state.addresses.get(pos.address or -1)
        words = [pos.name, pos.displayName or "", (address.town or "") if address else "",
                 (address.postalcode or "") if address else ""]
        if needle in " ".join(words).lower():
            found.append(pos)
    return found


class StoreFinderParams(i.Paging):
    query = i.TextParam(default="")


@bp.get("/<baseSiteId>/stores")
@operation("getStoreLocations", secured=roles.OPEN, params=StoreFinderParams)
def get_store_locations(baseSiteId: str, params: dict):
    sc = site()
    page, size = params["currentPage"], params["pageSize"]
    cat = catalog()
    stores = pos_matches(cat, cat.stores_of_base_store(), params["query"])
    return respond(dto.STORE_FINDER_SEARCH_PAGE(
        stores=[dto.pos_dto(cat, p, sc.lang) for p in stores[page * size:(page + 1) * size]],
        pagination=dto.pagination_dto(page, size, len(stores), "asc"), sorts=[],
        locationText=params["query"] or None))


@bp.get("/<baseSiteId>/stores/<storeId>")
@operation("getStoreLocation", secured=roles.OPEN)
def get_store_location(baseSiteId: str, storeId: str):
    cat = catalog()
    pos = cat.state.points_of_service.get(storeId)
    if pos is None:
        raise ApiError(400, "UnknownIdentifierError", f"Store with name '{storeId}' not found")
    return respond(dto.pos_dto(cat, pos, site().lang))
