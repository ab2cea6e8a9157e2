from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    # A leaf: nothing outside this app imports it, so case work can later move to a closed
    # network (LGWAN) on its own.
    name = "consultations"
    verbose_name = _("相談支援")
