"""The plan's indicator definitions, as the data migrations load them.

``ensure_definitions()`` reloads any that are missing (after a test database flush, or for
the demo) and applies the one code convention over them (0004, idempotent); it never
changes a definition that exists, so staff edits are kept.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps


def expected_codes() -> set[str]:
    plan = import_module("indicators.migrations.0002_plan_indicators")
    convention = import_module("indicators.migrations.0004_one_code_convention")
    former = {c for codes in convention.RENAMES.values() for c in codes}
    return {d[0] for d in plan.DEFINITIONS} - former | set(convention.RENAMES)


def ensure_definitions() -> None:
    Indicator = apps.get_model("indicators", "Indicator")
    wanted = expected_codes()
    if Indicator.objects.filter(code__in=wanted).count() == len(wanted):
        return
    import_module("indicators.migrations.0002_plan_indicators").load(apps, None)
    import_module("indicators.migrations.0004_one_code_convention").forward(apps, None)
