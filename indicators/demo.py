"""Demo indicator data: demo baselines and targets, survey-style values (city-wide and per
district) for the plan's years whose survey has happened, and computed values from whatever
the other apps register, up to the current fiscal year. No value is made for a year that has
not begun (targets stay targets); the years come from today's date.

Everything made here is marked ``is_demo`` and shown as "デモ". Real values entered by city
staff are never overwritten: a definition with a real baseline keeps it, and a year with a
real measurement keeps it. Running the seeder twice leaves the same data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from directory.models import District

from . import conf
from .definitions import ensure_definitions
from .models import (
    Indicator,
    Measurement,
    MeasurementChange,
    Target,
    current_fiscal_year,
    last_survey_year,
)
from .services import indicators_compute

# code → (baseline in FY2022, target in FY2031) for the survey indicators, in %.
SURVEY_DEMO: dict[str, tuple[float, float]] = {
    "I-2": (24.0, 35.0),
    "III-1-consult": (41.0, 55.0),
    # III-1-supported shows this series (same_as): one survey question, one series.
    "III-3": (33.0, 45.0),
}
CITY_SAMPLE = 1500
DISTRICT_SAMPLE = 150
# One district's survey has too few respondents in some years, to show the suppression.
SMALL_DISTRICT_SAMPLE = 24


def _demo_definitions() -> None:
    for code, (base, target) in SURVEY_DEMO.items():
        ind = Indicator.objects.filter(code=code).first()
        if ind is None:
            continue
        if ind.baseline_value is None or ind.baseline_is_demo:
            ind.baseline_fiscal_year = conf.PLAN_FIRST_FISCAL_YEAR
            ind.baseline_value = Decimal(str(base))
            ind.baseline_is_demo = True
            ind.save(update_fields=["baseline_fiscal_year", "baseline_value", "baseline_is_demo"])
        middle = (conf.PLAN_FIRST_FISCAL_YEAR + conf.PLAN_LAST_FISCAL_YEAR) // 2
        for year, value in ((middle, (base + target) / 2), (conf.PLAN_LAST_FISCAL_YEAR, target)):
            if not Target.objects.filter(indicator=ind, fiscal_year=year, is_demo=False).exists():
                Target.objects.update_or_create(
                    indicator=ind,
                    fiscal_year=year,
                    defaults={"value": Decimal(f"{value:.1f}"), "is_demo": True},
                )


def _survey_values(ctx: Any) -> int:
    rng = ctx.rng("indicators")
    districts = list(District.objects.filter(is_active=True))
    indicators = list(Indicator.objects.filter(code__in=list(SURVEY_DEMO)))
    Measurement.objects.filter(indicator__in=indicators, is_demo=True).delete()
    real = set(
        Measurement.objects.filter(indicator__in=indicators).values_list(
            "indicator_id", "fiscal_year", "district_id"
        )
    )
    now = timezone.now()
    last = min(last_survey_year(), conf.PLAN_LAST_FISCAL_YEAR)
    rows: list[Measurement] = []
    for ind in indicators:
        base, target = SURVEY_DEMO[ind.code]
        offsets = {d.pk: rng.uniform(-6, 6) for d in districts}
        for year in range(conf.PLAN_FIRST_FISCAL_YEAR, last + 1):
            share = (year - conf.PLAN_FIRST_FISCAL_YEAR) / (
                conf.PLAN_LAST_FISCAL_YEAR - conf.PLAN_FIRST_FISCAL_YEAR
            )
            # A little slower than the straight path, so some cards show "behind".
            city = base + (target - base) * share * rng.uniform(0.75, 1.05) + rng.uniform(-1, 1)
            cells: list[tuple[District | None, float, int]] = [(None, city, CITY_SAMPLE)]
            for i, d in enumerate(districts):
                n = (
                    SMALL_DISTRICT_SAMPLE
                    if i == len(districts) - 1 and year % 2
                    else (DISTRICT_SAMPLE + rng.randint(-40, 40))
                )
                cells.append((d, city + offsets[d.pk] + rng.uniform(-2, 2), n))
            for district, value, n in cells:
                key = (ind.pk, year, district.pk if district else None)
                if key in real:
                    continue
                value = min(max(value, 0.0), 100.0)
                rows.append(
                    Measurement(
                        indicator=ind,
                        fiscal_year=year,
                        district=district,
                        value=Decimal(f"{value:.1f}"),
                        sample_size=n,
                        numerator=round(value * n / 100),
                        source=Indicator.Source.SURVEY,
                        # The last survey stays a draft, for city staff to try publishing.
                        status=Measurement.Status.DRAFT
                        if year == last
                        else Measurement.Status.PUBLISHED,
                        published_at=None if year == last else now,
                        as_of=now,
                        is_demo=True,
                    )
                )
    Measurement.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _computed_values() -> int:
    """Compute every registered indicator for the plan's years so far, from the demo records
    the other apps' seeders made; demo values are published so the open data shows them."""
    last = min(current_fiscal_year(), conf.PLAN_LAST_FISCAL_YEAR)
    stored = 0
    for year in range(conf.PLAN_FIRST_FISCAL_YEAR, last + 1):
        stored += indicators_compute(fiscal_year=year, is_demo=True).stored
    demo_drafts = Measurement.objects.filter(
        Q(source=Indicator.Source.COMPUTED), is_demo=True, status=Measurement.Status.DRAFT
    ).exclude(fiscal_year=last)
    demo_drafts.update(status=Measurement.Status.PUBLISHED, published_at=timezone.now())
    # Computed demo values need no history lines of their own.
    MeasurementChange.objects.filter(measurement__is_demo=True, by=None).delete()
    return stored


def seed(ctx: Any) -> None:
    ensure_definitions()
    # Demo values from an older seed for years that have not begun (or, for a survey, whose
    # survey has not been reported).
    Measurement.objects.filter(is_demo=True, fiscal_year__gt=current_fiscal_year()).delete()
    Measurement.objects.filter(
        is_demo=True, source=Indicator.Source.SURVEY, fiscal_year__gt=last_survey_year()
    ).delete()
    _demo_definitions()
    surveyed = _survey_values(ctx)
    computed = _computed_values()
    ctx.out.write(f"    indicators: {surveyed} survey values, {computed} computed values")
