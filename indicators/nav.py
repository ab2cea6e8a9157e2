from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("指標の一覧"),
        "indicators:dashboard",
        group="data",
        order=80,
        description=_("計画の指標の進み具合と推移を、地区ごとに確かめられます。"),
    ),
    NavItem(_("指標のオープンデータ"), "indicators:open_data", group="data", order=90),
]
