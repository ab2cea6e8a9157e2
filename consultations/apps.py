from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    # A leaf: nothing outside this app imports it, so case work can later move to a closed
    # network (LGWAN) on its own.
    name = "consultations"
    verbose_name = _("相談支援")

    def ready(self) -> None:
        # A deadline reminder is asked, when it comes due, whether its sheet still waits for
        # receipt (a consent may have expired since): reminders never imports this app.
        from reminders.services import reminder_kind_check

        from .policies import reminder_checks

        for kind, check in reminder_checks().items():
            reminder_kind_check(kind, check)
