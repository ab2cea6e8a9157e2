from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("アイデア掲示板"),
        "projects:idea_board",
        group="ideas",
        description=_("地域の「やりたい」「できる」を見て、参加・応援できます。"),
        order=10,
    ),
    NavItem(
        _("わたしのアイデア"),
        "projects:idea_mine",
        group="ideas",
        capability="ideas.submit",
        description=_("伝えたアイデアがいまどうなっているかを確かめられます。"),
        order=11,
    ),
    NavItem(
        _("プロジェクト"),
        "projects:project_list",
        group="ideas",
        description=_("地域の課題解決プロジェクトに参加できます。"),
        order=12,
    ),
    NavItem(
        _("できること・募集"),
        "projects:offer_list",
        group="ideas",
        description=_("持っている技能や場所を登録し、地域の募集とつながれます。"),
        order=14,
    ),
    NavItem(
        _("アイデア受付箱"),
        "projects:inbox",
        group="ideas",
        capability="ideas.coordinate",
        description=_("届いたアイデアを受け止め、人・団体・セッションにつなぎます。"),
        order=13,
    ),
]
