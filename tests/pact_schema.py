"""Validation against the official PACT v3 OpenAPI document (tests/fixtures/pact/).

OpenAPI 3.1 schemas are JSON Schema 2020-12: the whole document is one resource, and a
component is validated through a `$ref` into it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

OPENAPI = Path(__file__).resolve().parent / "fixtures" / "pact" / "pact_v3_openapi.yaml"
_URI = "urn:pact:openapi:v3"


@cache
def _registry() -> Registry:
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return Registry().with_resource(_URI, Resource(contents=document, specification=DRAFT202012))


@cache
def validator(component: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{_URI}#/components/schemas/{component}"},
                                registry=_registry(), format_checker=FormatChecker())


def errors(instance, component: str = "ProductFootprint") -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(component).iter_errors(instance)]


def assert_valid(instance, component: str = "ProductFootprint") -> None:
    problems = errors(instance, component)
    assert not problems, "\n".join(problems)
