"""The store finder, store counts, stores per country and region, the base store and its
payment modes over OCC; every body checked against SAP's schema. In process."""
from __future__ import annotations

import pytest

import spec
from fakesapcc.commerce.storefinder import distance_km

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

NAKANO_STATION = (35.7056, 139.6657)


@pytest.fixture
def occ(sapcc_client):
    return spec.Client(sapcc_client)


def names(body: dict) -> list[str]:
    return [s["name"] for s in body["stores"]]


def test_distance():
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.01)
    assert distance_km(*NAKANO_STATION, *NAKANO_STATION) == 0


def test_finder_by_position_nearest_first_within_the_radius(occ):
    lat, lon = NAKANO_STATION
    body = occ.get(f"stores?latitude={lat}&longitude={lon}&radius=15000&fields=FULL").get_json()
    assert names(body)[0] == "Nakano" and "Misato" not in names(body)
    assert body["stores"][0]["formattedDistance"] == "0.2 km"
    assert body["stores"][0]["distanceKm"] < body["stores"][1]["distanceKm"]
    assert body["sourceLatitude"] == lat and body["pagination"]["totalResults"] == len(names(body))
    assert body["boundNorthLatitude"] >= body["boundSouthLatitude"]
    everything = occ.get(f"stores?latitude={lat}&longitude={lon}").get_json()
    assert len(everything["stores"]) == 5  # the default radius is 100 km


def test_finder_by_text_and_paging(occ):
    assert names(occ.get("stores?query=tokyo").get_json()) == ["Koto", "Nakano", "Shinbashi"]
    page = occ.get("stores?pageSize=2&currentPage=1").get_json()
    assert len(page["stores"]) == 2 and page["pagination"]["totalPages"] == 3


def test_count_store_locations(occ):
    response = occ.http.head("/occ/v2/electronics-spa/stores?query=tokyo")
    assert response.status_code == 200 and response.headers["x-total-count"] == "3"
    lat, lon = NAKANO_STATION
    near = occ.http.head(f"/occ/v2/electronics-spa/stores?latitude={lat}&longitude={lon}&radius=1000")
    assert near.headers["x-total-count"] == "1"


def test_finder_errors(occ):
    assert spec.error(occ.get("stores?latitude=35.7"), 400)["type"] == "MissingServletRequestParameterError"
    assert spec.error(occ.get("stores?latitude=north&longitude=1"), 400)["subject"] == "latitude"
    assert spec.error(occ.get("stores?latitude=135&longitude=1"), 400)["subject"] == "latitude"
    assert spec.error(occ.get("stores/Nowhere"), 400)["type"] == "UnknownIdentifierError"


def test_stores_per_country_and_region_and_counts(occ):
    jp = occ.get("stores/country/JP").get_json()["pointOfServices"]
    assert len(jp) == 5
    tokyo = occ.get("stores/country/JP/region/JP-13").get_json()["pointOfServices"]
    assert sorted(p["name"] for p in tokyo) == ["Koto", "Nakano", "Shinbashi"]
    assert occ.get("stores/country/US").get_json() == {"pointOfServices": []}
    assert spec.error(occ.get("stores/country/XX"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(occ.get("stores/country/JP/region/XX-99"), 400)["type"] == "UnknownIdentifierError"
    counts = occ.get("stores/storescounts").get_json()["countriesAndRegionsStoreCount"]
    assert [(c["isoCode"], c["count"], c["type"]) for c in counts] == [("JP", 5, "COUNTRY")]
    assert {r["isoCode"]: r["count"] for r in counts[0]["storeCountDataList"]} == {
        "JP-11": 1, "JP-12": 1, "JP-13": 3}


def test_base_store_and_payment_modes(occ):
    store = occ.get("basestores/electronics?fields=FULL").get_json()
    assert store["name"] == "Spartacus Electronics Store"
    assert {c["isocode"] for c in store["deliveryCountries"]} >= {"US", "JP"}
    assert "standard-gross" in [m["code"] for m in store["deliveryModes"]["deliveryModes"]]
    assert len(store["pointsOfService"]) == 5
    assert spec.error(occ.get("basestores/powertools"), 400)["type"] == "UnknownIdentifierError"
    assert spec.error(occ.get("basestores/nope"), 400)["type"] == "UnknownIdentifierError"
    modes = occ.get("paymentmodes").get_json()["paymentModes"]
    assert modes == [{"code": "card", "name": "Card Payment", "description": "Pay by credit or debit card"}]
