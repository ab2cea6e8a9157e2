from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("地区・団体")

    def ready(self) -> None:
        # The directory is mostly edited in the admin, which calls no service: any save or
        # delete of its rows makes the cached pages and fragments that show them stale.
        # Districts, themes and organization names show on pages of every scope.
        from machida_portal.input_guard import guard_integer_in_lookups
        from machida_portal.public_cache import SCOPES, bump_when_saved

        guard_integer_in_lookups()

        for name in ("District", "Domain", "Theme", "Organization", "Place", "Resource"):
            bump_when_saved(self.get_model(name), *SCOPES)
