from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FutureSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "future_sessions"
    verbose_name = _("フューチャーセッション")
