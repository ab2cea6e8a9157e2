from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("地域の資源・居場所"),
        "directory:resource_list",
        group="places",
        order=40,
        description=_("相談できる窓口や、気軽に立ち寄れる居場所を探せます。"),
    ),
    NavItem(_("地区・団体"), "directory:district_list", group="places", order=45),
]
