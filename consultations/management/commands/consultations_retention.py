from typing import Any

from django.core.management.base import BaseCommand

from consultations.services import consultations_anonymize_closed, outreach_anonymize_stale


class Command(BaseCommand):
    help = (
        "Anonymise closed consultations past the retention period and outreach cases that "
        "never reached consent (run daily; safe to repeat)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        while True:
            # Each call handles a bounded batch, so a large backlog never holds one long lock.
            done = consultations_anonymize_closed()
            total += done
            if done == 0:
                break
        cases = outreach_anonymize_stale()
        self.stdout.write(f"{total} consultation(s) and {cases} outreach case(s) anonymised")
