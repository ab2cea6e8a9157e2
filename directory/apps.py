from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Pages and fragments that show districts, themes, organizations or resources.
DIRECTORY_SCOPES = ("directory", "home", "ideas", "sessions")


def _bump_after_commit(**kwargs: Any) -> None:
    from django.db import transaction

    from machida_portal.public_cache import public_cache_bump

    transaction.on_commit(lambda: public_cache_bump(*DIRECTORY_SCOPES))


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("地区・団体")

    def ready(self) -> None:
        # The directory is mostly edited in the admin, which calls no service: any save or
        # delete of its rows makes the cached pages and fragments that show them stale.
        from django.db.models.signals import post_delete, post_save

        for name in ("District", "Domain", "Theme", "Organization", "Place", "Resource"):
            model = self.get_model(name)
            post_save.connect(_bump_after_commit, sender=model, dispatch_uid=f"bump-{name}")
            post_delete.connect(_bump_after_commit, sender=model, dispatch_uid=f"bump-{name}-d")
