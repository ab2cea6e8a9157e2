"""Print the "Who may do what" table from ``accounts.capabilities``, or write it into the
README between its markers (``--write``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.capabilities import table_markdown

BEGIN = "<!-- capabilities:begin (generated: python manage.py capabilities_table --write) -->"
END = "<!-- capabilities:end -->"


def readme_with_table(text: str) -> str:
    start = text.index(BEGIN) + len(BEGIN)
    stop = text.index(END)
    return text[:start] + "\n" + table_markdown() + text[stop:]


class Command(BaseCommand):
    help = "Print the capability table (or write it into README.md with --write)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["write"]:
            self.stdout.write(table_markdown())
            return
        path = Path(settings.BASE_DIR) / "README.md"
        path.write_text(readme_with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
