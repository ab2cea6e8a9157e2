from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("セッション・懇談会"),
        "future_sessions:calendar",
        group="sessions",
        order=20,
        description=_("フューチャーセッションや地区別懇談会の日程を見て、参加を申し込めます。"),
    ),
    NavItem(
        _("地区未来ビジョン"),
        "future_sessions:vision_list",
        group="sessions",
        order=25,
        description=_("10の地区がめざす姿と、その取り組みの進み具合を見られます。"),
    ),
]
