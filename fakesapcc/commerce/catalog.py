"""The product catalog of a base store: products, categories, prices, images and stock."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import models as m
from ..db import CATALOG, STOCK, State, Db

LOW_STOCK_THRESHOLD = 5  # below this many free units a product is "lowStock"
IMAGE_FORMATS = {"1200Wx1200H": "superZoom", "515Wx515H": "zoom", "300Wx300H": "product",
                 "96Wx96H": "thumbnail", "65Wx65H": "cartIcon", "30Wx30H": "styleSwatch"}


@dataclass(frozen=True)
class StockInfo:
    status: str  # inStock | lowStock | outOfStock
    level: int | None  # None when stock is forced or unknown


class CatalogService:
    """The online catalog version of one base store."""

    def __init__(self, db: Db, base_store: m.BaseStore | None) -> None:
        self.db = db
        self.state: State = db.state
        self.base_store = base_store
        catalogs = base_store.catalogs if base_store else []
        self.versions = [(c, "Online") for c in catalogs
                         if (c, "Online") in self.state.catalog_versions]

    # -- lookups ------------------------------------------------------------------------------

    def product(self, code: str) -> m.Product | None:
        for catalog, version in self.versions:
            found = self.state.products.get((catalog, version, code))
            if found is not None:
                return found
        return None

    def products(self) -> list[m.Product]:
        wanted = set(self.versions)
        return [p for p in self.state.products.values() if p.catalogVersion in wanted]

    def category(self, code: str) -> m.Category | None:
        for catalog, version in self.versions:
            found = self.state.categories.get((catalog, version, code))
            if found is not None:
                return found
        return None

    def categories(self) -> list[m.Category]:
        wanted = set(self.versions)
        return [c for c in self.state.categories.values() if c.catalogVersion in wanted]

    def ancestors(self, codes: list[str]) -> list[str]:
        """The categories and every category above them, nearest first, without repeats."""
        seen: list[str] = []
        todo = list(codes)
        while todo:
            code = todo.pop(0)
            if code in seen:
                continue
            seen.append(code)
            category = self.category(code)
            if category is not None:
                todo.extend(category.supercategories)
        return seen

    def subcategories(self, code: str) -> list[m.Category]:
        return sorted((c for c in self.categories() if code in c.supercategories),
                      key=lambda c: (c.order, c.code))

    # -- prices ------------------------------------------------------------------------------

    def price(self, product_code: str, currency: str) -> float | None:
        """The product's price in ``currency`` (SAP's price row for the currency, else the base
        currency's row converted)."""
        rows = self.db.prices(product_code)
        for row in rows:
            if row.currency == currency and row.minqtd <= 1:
                return row.price
        target = self.state.currencies.get(currency)
        for row in rows:
            source = self.state.currencies.get(row.currency)
            if source is not None and target is not None and source.conversion:
                return row.price / source.conversion * target.conversion
        return None

    # -- stock -------------------------------------------------------------------------------

    def pos_warehouses(self) -> set[str]:
        return self.db.derived("pos-warehouses", (CATALOG,), lambda state: {
            w for pos in state.points_of_service.values() for w in pos.warehouses})

    def online_warehouses(self) -> list[str]:
        warehouses = self.base_store.warehouses if self.base_store else []
        in_stores = self.pos_warehouses()
        return [w for w in warehouses if w not in in_stores]

    def stock_system_enabled(self) -> bool:
        """SAP's ``CommerceStockService.isStockSystemEnabled``: the base store lists warehouses."""
        return bool(self.base_store and self.base_store.warehouses)

    def stock(self, product_code: str, warehouses: list[str] | None = None) -> StockInfo:
        """SAP's stock level status over a set of warehouses (online ones by default: kept per
        store and product until stock changes, as every product and cart answer shows it). A
        base store with no warehouses has no stock system: online, everything is in stock
        without a limit (SAP's StockPopulator answers ``inStock``; its add-to-cart strategy
        allows the force-in-stock quantity)."""
        if warehouses is None:
            if not self.stock_system_enabled():
                return StockInfo("inStock", None)
            kept = self._stock_kept("online-stock")
            info = kept.get(product_code)
            if info is None:
                wanted = self.online_warehouses()
                info = kept[product_code] = stock_status(
                    [s for s in self.db.stock_levels(product_code) if s.warehouse in wanted])
            return info
        return stock_status([s for s in self.db.stock_levels(product_code)
                             if s.warehouse in warehouses])

    def _stock_kept(self, name: str) -> dict[str, Any]:
        """A product code → value map of this store, dropped when stock or the catalog
        changes (``Db.changed``); readers fill it side by side (the same value)."""
        uid = self.base_store.uid if self.base_store else None
        return self.db.derived((name, uid), (CATALOG, STOCK), lambda state: {})

    def available(self, product_code: str, warehouses: list[str] | None = None) -> int | None:
        """Free units, or None for unlimited (forced in stock)."""
        info = self.stock(product_code, warehouses)
        return info.level

    def pos_stock(self, product_code: str, pos: m.PointOfService) -> StockInfo:
        return self.stock(product_code, pos.warehouses)

    def available_for_pickup(self, product_code: str) -> bool:
        if not self.base_store or self.base_store.pickupInStoreMode in ("DISABLED", None):
            return False
        kept = self._stock_kept("pickup-available")
        found = kept.get(product_code)
        if found is None:
            found = kept[product_code] = self._available_for_pickup(product_code)
        return found

    def _available_for_pickup(self, product_code: str) -> bool:
        assert self.base_store is not None
        uid = self.base_store.uid
        stores_of = self.db.derived(("pickup-warehouses", uid), (CATALOG,), lambda state: _stores_of(
            self.stores_of_base_store()))
        by_store: dict[str, list[m.StockLevel]] = {}
        for level in self.db.stock_levels(product_code):
            for name in stores_of.get(level.warehouse, ()):
                by_store.setdefault(name, []).append(level)
        return any(stock_status(levels).status != "outOfStock" for levels in by_store.values())

    def stores_of_base_store(self) -> list[m.PointOfService]:
        uid = self.base_store.uid if self.base_store else None
        return self.db.derived(("stores-of-base-store", uid), (CATALOG,), lambda state: sorted(
            (p for p in state.points_of_service.values() if p.basestore == uid),
            key=lambda p: p.name))

    def reserve(self, product_code: str, quantity: int, warehouses: list[str]) -> None:
        """Take ``quantity`` units from the warehouses' free stock (placing an order)."""
        left = quantity
        for level in self.db.stock_levels(product_code):
            if level.warehouse in warehouses and level.inStockStatus != "forceInStock" and left > 0:
                take = min(level.free, left)
                level.reserved += take
                left -= take
        self.db.changed(STOCK)

    # -- images ------------------------------------------------------------------------------

    def images(self, product: m.Product) -> list[dict]:
        """SAP's ImageData: the PRIMARY picture per format, then the GALLERY images."""
        result: list[dict] = []
        media = self.state.media
        cv = product.catalogVersion
        primary = media.get((cv, product.picture)) if product.picture else None
        if primary is not None and primary.mediaContainer:
            for med in self._container_media(cv, primary.mediaContainer):
                result.append(self._image(med, "PRIMARY", None))
        elif primary is not None:
            result.append(self._image(primary, "PRIMARY", None))
        for index, qualifier in enumerate(product.galleryImages):
            for med in self._container_media(cv, qualifier):
                result.append(self._image(med, "GALLERY", index))
        return result

    def _container_media(self, cv: tuple[str, str], qualifier: str) -> list[m.Media]:
        return container_media(self.db, cv, qualifier)

    @staticmethod
    def _image(med: m.Media, image_type: str, index: int | None) -> dict:
        return {"imageType": image_type, "format": IMAGE_FORMATS.get(med.mediaFormat or "", med.mediaFormat),
                "url": med.url, "altText": med.altText, "galleryIndex": index}


def container_media(db: Db, cv: tuple[str, str], qualifier: str) -> list[m.Media]:
    """The media of a media container, by code."""
    return db.derived("media-by-container", (CATALOG,), _media_by_container).get((cv, qualifier), [])


def media_at(db: Db, path: str) -> m.Media | None:
    """The media item served at ``path`` (its URL without the query string)."""
    return db.derived("media-by-url", (CATALOG,), _media_by_url).get(path)


def _media_by_url(state: State) -> dict[str, m.Media]:
    found: dict[str, m.Media] = {}
    for media in state.media.values():
        if media.url:
            found.setdefault(media.url.split("?", 1)[0], media)
    return found


def _media_by_container(state: State) -> dict[tuple, list[m.Media]]:
    """Each media container's media, by code (built once per catalog change)."""
    index: dict[tuple, list[m.Media]] = {}
    for x in state.media.values():
        if x.mediaContainer:
            index.setdefault((x.catalogVersion, x.mediaContainer), []).append(x)
    return {k: sorted(v, key=lambda x: x.code) for k, v in index.items()}


def _stores_of(stores: list[m.PointOfService]) -> dict[str, list[str]]:
    """Warehouse → the names of the stores it serves."""
    found: dict[str, list[str]] = {}
    for pos in stores:
        for warehouse in pos.warehouses:
            found.setdefault(warehouse, []).append(pos.name)
    return found


def stock_status(levels: list[m.StockLevel]) -> StockInfo:
    """SAP's stock level status of a product over some of its stock levels."""
    if any(s.inStockStatus == "forceInStock" for s in levels):
        return StockInfo("inStock", None)
    if not levels or all(s.inStockStatus == "forceOutOfStock" for s in levels):
        return StockInfo("outOfStock", 0)
    free = sum(s.free for s in levels if s.inStockStatus != "forceOutOfStock")
    if free <= 0:
        return StockInfo("outOfStock", 0)
    return StockInfo("lowStock" if free < LOW_STOCK_THRESHOLD else "inStock", free)
