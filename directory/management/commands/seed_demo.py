"""``python manage.py seed_demo [--scale small|large]``: the demo data set.

Each app that has demo data provides ``<app>/demo.py`` with ``seed(ctx)``; they run in the
order of INSTALLED_APPS, so every app can rely on the ones before it (and this command
imports none of them by name — consultations stays a leaf). Running it twice leaves the
same data.
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.demo import DemoContext


class Command(BaseCommand):
    help = "Load the demo data set (refuses to run under production settings)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args: Any, scale: str, seed: int, **options: Any) -> None:
        if settings.SETTINGS_MODULE.endswith(".prod") or not getattr(
            settings, "DEMO_DATA_ALLOWED", True
        ):
            raise CommandError("seed_demo refuses to run under production settings.")
        ctx = DemoContext(scale=scale, seed=seed, out=self.stdout)
        started = time.monotonic()
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.demo":
                    continue
                raise
            if not hasattr(module, "seed"):
                continue
            step = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"  {config.label}: {time.monotonic() - step:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(f"demo data ({scale}) ready in {time.monotonic() - started:.1f} s")
        )
