from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Pages and fragments that show districts, themes, organizations or resources.
DIRECTORY_SCOPES = ("directory", "home", "ideas", "sessions", "indicators")


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("地区・団体")

    def ready(self) -> None:
        # The directory is mostly edited in the admin, which calls no service: any save or
        # delete of its rows makes the cached pages and fragments that show them stale.
        from machida_portal.public_cache import bump_when_saved

        for name in ("District", "Domain", "Theme", "Organization", "Place", "Resource"):
            bump_when_saved(self.get_model(name), *DIRECTORY_SCOPES)
