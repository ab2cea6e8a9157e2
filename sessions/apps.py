from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FutureSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "future_sessions"
    verbose_name = _("フューチャーセッション")

    def ready(self) -> None:
        # Notices that carry a calendar event are dropped if, when due, the seat or the
        # invitation they are about is gone: reminders never imports this app.
        from reminders.services import reminder_kind_check, reminder_kind_group

        from .policies import reminder_checks, reminder_groups

        for kind, check in reminder_checks().items():
            reminder_kind_check(kind, check)
        for kind, group in reminder_groups().items():
            reminder_kind_group(kind, group)
