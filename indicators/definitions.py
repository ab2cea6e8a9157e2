"""The plan's indicator definitions, as the data migration loads them.

``ensure_definitions()`` reloads any that are missing (after a test database flush, or for
the demo); it never changes a definition that exists, so staff edits are kept.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps


def ensure_definitions() -> None:
    migration = import_module("indicators.migrations.0002_plan_indicators")
    migration.load(apps, None)
