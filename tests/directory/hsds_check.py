"""Validation of HSDS API responses against the specification's own schemas, with
``jsonschema`` (Draft 2020-12, the OpenAPI description's ``jsonSchemaDialect``).

The schemas are the files shipped in ``directory/hsds/schema/`` (copied unchanged from
openreferral/specification). Formats are asserted, not just annotated: ``uuid`` and ``email``
by jsonschema itself, ``uri`` by the ``rfc3986`` package, ``date-time`` as RFC 3339.

The spec's schemas allow unknown properties, so a misspelt field would pass. ``strict()``
makes a copy that closes every object (``additionalProperties: false``): each field the
portal emits must be one the specification defines.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from rfc3986 import exceptions as uri_exceptions
from rfc3986 import uri_reference, validators

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "directory" / "hsds" / "schema"
PAGE_KEYS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker()


@FORMATS.checks("uri", raises=ValueError)
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    checker = (
        validators.Validator()
        .require_presence_of("scheme", "host")
        .check_validity_of("scheme", "host", "path", "query", "fragment")
    )
    try:
        checker.validate(uri_reference(value))
    except uri_exceptions.ValidationError as exc:
        raise ValueError(f"not an absolute URI: {value!r}") from exc
    return True


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if isinstance(value, str) and not _RFC3339.match(value):
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    return True


@cache
def load(name: str) -> dict[str, Any]:
    return dict(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))


def strict(schema: Any) -> Any:
    """A copy in which every object schema that lists its properties allows no others."""
    schema = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict) and node.get("type", "object") == "object":
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMATS)


@cache
def object_validators(name: str) -> tuple[Draft202012Validator, Draft202012Validator]:
    """The spec's schema as it is, and closed."""
    schema = load(name)
    return _validator(schema), _validator(strict(schema))


@cache
def page_validators(item_schema: str) -> tuple[Draft202012Validator, Draft202012Validator]:
    """A page of the OpenAPI description (``components.schemas.Page`` + ``contents``), every
    page field required, items checked against the spec's list schema."""
    page = load("openapi.json")["components"]["schemas"]["Page"]
    item = load(item_schema)

    def schema(items: Any, closed: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "allOf": [page],
            "type": "object",
            "required": PAGE_KEYS,
            "properties": {"contents": {"type": "array", "items": items}},
        }
        if closed:
            out["unevaluatedProperties"] = False
        return out

    return _validator(schema(item, False)), _validator(schema(strict(item), True))


@cache
def root_validator() -> Draft202012Validator:
    spec = load("openapi.json")
    schema = spec["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]
    closed = {**strict(schema["schema"]), "required": ["version", "profile", "openapi_url"]}
    return _validator(closed)


def errors(validator: Draft202012Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def check_object(name: str, document: Any) -> None:
    for validator in object_validators(name):
        found = errors(validator, document)
        assert not found, f"{name}: {found[:5]}"


def check_page(item_schema: str, document: Any) -> None:
    for validator in page_validators(item_schema):
        found = errors(validator, document)
        assert not found, f"page of {item_schema}: {found[:5]}"


def check_root(document: Any) -> None:
    found = errors(root_validator(), document)
    assert not found, f"root: {found}"
