from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CACHE_SCOPE = "indicators"


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指標")

    def ready(self) -> None:
        # The dashboard's charts and tables are cached fragments: any change to a definition,
        # target or value (services, CSV import, nightly computation, admin) makes them stale.
        from machida_portal.public_cache import bump_when_saved

        for name in ("Indicator", "Target", "Measurement", "MeasurementChange"):
            bump_when_saved(self.get_model(name), CACHE_SCOPE)
