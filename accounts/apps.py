from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("アカウント")

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_delete, post_save

        from .middleware import totp_changed

        post_save.connect(totp_changed, sender=Authenticator, dispatch_uid="totp-saved")
        post_delete.connect(totp_changed, sender=Authenticator, dispatch_uid="totp-deleted")
