"""The declared collections of pcf-study/1 (footprint/services/interchange/validation.py):
one description per collection, read by one reader, in agreement with the published JSON Schema
(docs/pcf-study-1.schema.json), and cross-field rules that keep their place and message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import translation

from footprint.services.interchange import validation as V
from footprint.services.interchange.distribution_fields import DISTRIBUTION_COLUMNS, RATING_COLUMNS
from footprint.services.interchange.document import Document

SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "docs" / "pcf-study-1.schema.json")
                    .read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**DEFS[node["$ref"].rsplit("/", 1)[1]], **extra}
    return node


# Each collection of the validator and its object in the schema; keys of the schema object the
# table leaves to a shared reader (distributions, ratings, a factor's value or derivation, a
# product's rows) or to the document's sections.
SCHEMA_OBJECTS = {
    "study": (SCHEMA, {"format", "company", "narrative", "translations", "factors", "products",
                       "claims", "team"}),
    "company": (SCHEMA["properties"]["company"], set()),
    "factor": (DEFS["factor"], {"value", "value_decimals", "derived_from", *DISTRIBUTION_COLUMNS}),
    "derived_from": (DEFS["factor"]["properties"]["derived_from"], set()),
    "product": (DEFS["product"], {"stages", "activities"}),
    "stage": (DEFS["product"]["properties"]["stages"]["items"], set()),
    "activity": (DEFS["activity"], {*DISTRIBUTION_COLUMNS, *RATING_COLUMNS}),
    "team": (SCHEMA["properties"]["team"]["items"], set()),
    "claim": (DEFS["claim"], set()),
}


def _required(field: V.Field) -> bool:
    """Whether the validator refuses an object without the field."""
    return field.required or field.kind == V.CODE or (field.kind == V.CHOICE and field.default is None)


def test_every_collection_is_declared_and_found_in_the_schema():
    assert set(V.COLLECTIONS) == set(SCHEMA_OBJECTS)


@pytest.mark.parametrize("name", sorted(SCHEMA_OBJECTS))
def test_a_collections_fields_are_the_schemas_with_the_same_required_ones(name):
    fields = V.COLLECTIONS[name]
    schema, elsewhere = SCHEMA_OBJECTS[name]
    keys = [f.key for f in fields]
    assert len(keys) == len(set(keys)), "a field declared twice"
    assert set(keys) | elsewhere == set(schema["properties"]), name
    assert not set(keys) & elsewhere
    assert {f.key for f in fields if _required(f)} == set(schema.get("required", ())) - elsewhere


@pytest.mark.parametrize("name", sorted(SCHEMA_OBJECTS))
def test_choices_and_lengths_are_the_schemas(name):
    schema, _ = SCHEMA_OBJECTS[name]
    for f in V.COLLECTIONS[name]:
        prop = _resolve(schema["properties"][f.key])
        if f.kind == V.CHOICE:
            assert list(f.choices) == prop["enum"], f.key
        elif "enum" in prop:
            # a text checked against the same choices by a cross-field rule (a claim's stage)
            assert f.kind == V.TEXT and name == "claim", f.key
        if "maxLength" in prop:
            assert f.max_length == prop["maxLength"], f.key
        if f.kind == V.NUMBER:
            assert prop["type"] == "number", f.key
            for bound in ("minimum", "exclusiveMinimum", "maximum"):
                declared = getattr(f, {"exclusiveMinimum": "exclusive_minimum"}.get(bound, bound))
                assert (declared is None) == (bound not in prop), (f.key, bound)
                if declared is not None:
                    assert declared == prop[bound], (f.key, bound)
        if f.kind in (V.INTEGER, V.FLAG, V.DATE, V.TEXT_LIST):
            expected = {V.INTEGER: "integer", V.FLAG: "boolean", V.TEXT_LIST: "array"}.get(f.kind)
            assert prop.get("type", "string") == (expected or "string"), f.key


def _claim_problems(claim: dict) -> list[str]:
    from tests.conftest import SEED_JSON

    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    data["claims"] = [claim]
    with translation.override("en"):
        clean, problems = V.validate_document(Document(data), {})
    assert clean is None
    return [str(p) for p in problems]


@pytest.mark.parametrize(("claim", "expected"), [
    ({"level": "share", "value": "37.5", "unit": "%", "place": "表 5"},
     ["claims[0].product: Product, stage and share claims need a product code.",
      "claims[0].stage: Stage and share claims need a lifecycle stage."]),
    ({"level": "product", "product": "LV", "stage": "use", "factor": "CN-DIESEL",
      "value": "1.0", "unit": "kgCO₂e/台", "place": "摘要"},
     ["claims[0].stage: Only stage and share claims have a lifecycle stage.",
      "claims[0].factor: Only factor claims have a factor code."]),
    ({"level": "share", "product": "LV", "stage": "production", "value": "3", "unit": "kg",
      "place": "表 5"},
     ["claims[0].unit: The unit of a share must be %."]),
])
def test_a_claims_cross_field_rules_name_the_field_they_concern(claim, expected):
    assert _claim_problems(claim) == expected


@pytest.mark.parametrize("products", [1, "LV", {"code": "LV"}, True])
def test_products_that_are_not_a_list_are_a_problem_also_for_the_claims(products):
    """Found by the fuzzed documents of test_study_format.py: claims were read against the
    products as if they were a list, and `"products": 1` raised instead of being reported."""
    from tests.conftest import SEED_JSON

    data = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert data["claims"]
    data["products"] = products
    with translation.override("en"):
        clean, problems = V.validate_document(Document(data), {})
    assert clean is None
    assert any(str(p).startswith("products") for p in problems), [str(p) for p in problems]
