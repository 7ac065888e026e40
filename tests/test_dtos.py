"""Every WsDTO fakesapcc serves declares exactly the properties of SAP's schema of that name in
SAP's OCC document, so that ``fields=`` naming any real SAP property answers 200 (and one SAP's
DTO lacks answers 400, as SAP does)."""
from __future__ import annotations

import pytest

import spec
from fakesapcc.api import dto as d
import fakesapcc.api.asm  # noqa: F401  (the modules that declare DTOs)
import fakesapcc.api.occ  # noqa: F401

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

DECLARED = sorted((t for t in d.TYPES.values() if t.spec), key=lambda t: t.name)


def schema_properties(name: str) -> set[str]:
    schema = spec.document()["components"]["schemas"].get(name)
    assert schema is not None, f"SAP's document has no schema {name}"
    props = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        ref = part.get("$ref")
        props |= schema_properties(ref.rsplit("/", 1)[1]) if ref else set(part.get("properties", {}))
    return props


@pytest.mark.parametrize("dto_type", DECLARED, ids=lambda t: t.name)
def test_a_dto_declares_every_property_of_sap_schema(dto_type):
    expected = schema_properties(dto_type.spec)
    declared = set(dto_type.properties)
    assert not expected - declared, f"{dto_type.name} lacks {sorted(expected - declared)}"
    assert not declared - expected, f"{dto_type.name} declares what SAP's has not: {sorted(declared - expected)}"


def test_levels_name_only_declared_properties():
    from fakesapcc.api.fields import parse_fields

    for dto_type in d.TYPES.values():
        for level, definition in dto_type.levels.items():
            if definition == "*":
                continue
            for name, _ in parse_fields(definition):
                assert name in d.LEVEL_NAMES or dto_type.has(name), \
                    f"{dto_type.name}.{level} names {name}"


def test_every_served_dto_is_declared():
    assert len(DECLARED) > 60
    assert {"Product", "Cart", "Order", "User", "Address", "BaseSite", "UserGroupList"} <= \
        {t.name for t in DECLARED}


def test_a_property_sap_has_but_fakesapcc_does_not_fill_answers_200(sapcc_client):
    """Spartacus asks the base sites for the preview properties."""
    fields = "baseSites(uid,defaultPreviewCatalogId,defaultPreviewCategoryCode,defaultPreviewProductCode)"
    response = sapcc_client.get(f"/occ/v2/basesites?fields={fields}")
    assert response.status_code == 200
    assert {"uid": "electronics-spa"} in response.json["baseSites"]
    bad = sapcc_client.get("/occ/v2/basesites?fields=baseSites(colour)")
    assert (bad.status_code, bad.json["errors"][0]["type"]) == (400, "ConversionError")
