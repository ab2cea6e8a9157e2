from typing import Any

from django.core.management.base import BaseCommand

from directory.services import resources_remind_verification


class Command(BaseCommand):
    help = "Remind owners of resources not verified for a year (run daily; idempotent per year)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = resources_remind_verification()
        self.stdout.write(f"{count} resource owner reminder(s) scheduled")
