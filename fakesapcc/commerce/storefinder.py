"""The store finder: a base store's points of service by text or by distance from a point, and
their counts per country and region (SAP's StoreFinderFacade and StoreCountFacade).

A text query matches a store's name, display name, town or postal code (SAP geocodes the query
with a map service instead; docs/fidelity.md, "Store finder"). A position search keeps the
stores within ``radius`` metres, nearest first, each with its distance.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .. import models as m
from .catalog import CatalogService

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def formatted_distance(km: float) -> str:
    return f"{km:.1f} km"


@dataclass(frozen=True)
class Found:
    pos: m.PointOfService
    distance_km: float | None = None


class StoreFinder:
    def __init__(self, catalog: CatalogService) -> None:
        self.catalog = catalog
        self.state = catalog.state

    def stores(self) -> list[m.PointOfService]:
        return self.catalog.stores_of_base_store()

    def by_text(self, text: str) -> list[Found]:
        needle = text.strip().lower()
        found = []
        for pos in self.stores():
            address = self.state.addresses.get(pos.address or -1)
            words = [pos.name, pos.displayName or "", (address.town or "") if address else "",
                     (address.postalcode or "") if address else ""]
            if not needle or needle in " ".join(words).lower():
                found.append(Found(pos))
        return found

    def by_position(self, latitude: float, longitude: float, radius_m: float) -> list[Found]:
        found = []
        for pos in self.stores():
            if pos.latitude is None or pos.longitude is None:
                continue
            km = distance_km(latitude, longitude, pos.latitude, pos.longitude)
            if km * 1000 <= radius_m:
                found.append(Found(pos, km))
        return sorted(found, key=lambda f: (f.distance_km, f.pos.name))

    def in_country(self, country: str, region: str | None = None) -> list[m.PointOfService]:
        result = []
        for pos in self.stores():
            address = self.state.addresses.get(pos.address or -1)
            if address is None or (address.country or "").upper() != country.upper():
                continue
            if region is not None and (address.region or "").upper() != region.upper():
                continue
            result.append(pos)
        return result

    def counts(self) -> list[tuple[str, int, list[tuple[str, int]]]]:
        """(country isocode, stores, [(region isocode, stores)]) of every country with a store."""
        countries: dict[str, dict[str, int]] = {}
        totals: dict[str, int] = {}
        for pos in self.stores():
            address = self.state.addresses.get(pos.address or -1)
            if address is None or not address.country:
                continue
            totals[address.country] = totals.get(address.country, 0) + 1
            regions = countries.setdefault(address.country, {})
            if address.region:
                regions[address.region] = regions.get(address.region, 0) + 1
        return [(c, totals[c], sorted(countries[c].items())) for c in sorted(totals)]
