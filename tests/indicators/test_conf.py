"""The indicators' settings are read when used, so ``override_settings`` (and a settings
change without a restart of the import-time code) takes effect."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from indicators.forms import ComputeForm, ImportForm
from indicators.models import Indicator, Measurement, fiscal_year_error
from indicators.selectors import is_suppressed

pytestmark = pytest.mark.django_db


def test_the_plan_period_follows_the_settings() -> None:
    assert fiscal_year_error(2035) is not None
    with override_settings(INDICATORS_PLAN_LAST_FISCAL_YEAR=2040):
        assert fiscal_year_error(2035) is None
        assert "2040" in str(ComputeForm().fields["fiscal_year"].help_text)
    # Values (and computations) are for years that have begun: the first year moves them.
    assert not ComputeForm({"fiscal_year": "2018"}).is_valid()
    with override_settings(INDICATORS_PLAN_FIRST_FISCAL_YEAR=2015):
        assert fiscal_year_error(2018) is None
        assert ComputeForm({"fiscal_year": "2018"}).is_valid()


def test_the_smallest_district_sample_follows_the_settings() -> None:
    from directory.models import District

    m = Measurement(
        indicator=Indicator.objects.get(code="I-2"),
        fiscal_year=2024,
        district=District.objects.first(),
        value=Decimal("40"),
        sample_size=10,
    )
    assert is_suppressed(m)
    with override_settings(INDICATORS_MIN_DISTRICT_SAMPLE=5):
        assert not is_suppressed(m)


def test_the_largest_import_follows_the_settings() -> None:
    text: dict[str, Any] = {"text": "code,fiscal_year,district,value\nI-2,2024,,40\n"}
    assert ImportForm(text).is_valid()
    with override_settings(INDICATORS_MAX_IMPORT_BYTES=10):
        assert not ImportForm(text).is_valid()
