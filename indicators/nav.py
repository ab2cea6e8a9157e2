from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("指標ダッシュボード"),
        "indicators:dashboard",
        group="data",
        capability="kpis.edit",
        order=80,
        description=_("計画の指標の進み具合を、地区ごとに確かめて公開できます。"),
    ),
    NavItem(_("指標のオープンデータ"), "indicators:open_data", group="data", order=90),
]
