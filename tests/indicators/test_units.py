"""A value with its unit, as the indicator pages print it, agrees in number in English."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.templatetags.indicator_tags import with_unit


@pytest.mark.parametrize(
    ("value", "unit", "ja", "en"),
    [
        (1, "cases", "1件", "1 case"),
        (2, "cases", "2件", "2 cases"),
        (1234, "persons", "1,234人", "1,234 persons"),
        (1, "persons", "1人", "1 person"),
        (Decimal("1.5"), "days", "1.5日", "1.5 days"),
        (1, "days", "1日", "1 day"),
        (Decimal("52.30"), "%", "52.3%", "52.3%"),
        (None, "cases", "—", "—"),
    ],
)
def test_with_unit(value: object, unit: str, ja: str, en: str) -> None:
    with translation.override("ja"):
        assert with_unit(value, unit) == ja  # type: ignore[arg-type]
    with translation.override("en"):
        assert with_unit(value, unit) == en  # type: ignore[arg-type]
