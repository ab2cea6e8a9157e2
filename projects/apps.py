from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("やりたい・プロジェクト")

    def ready(self) -> None:
        # Which notices a resident may choose to get on LINE: reminders never imports this app.
        from reminders.services import reminder_kind_group

        from .policies import reminder_groups

        for kind, group in reminder_groups().items():
            reminder_kind_group(kind, group)
