from django.utils.translation import gettext_lazy as _

from accounts.nav import NavItem

NAV = [
    NavItem(
        _("相談受付・つなぐシート"),
        "consultations:inbox",
        group="consult",
        capability="cases.handle",
        order=60,
        description=_("相談を受け付け、ほかの機関へ確実につなぎ、その後を確かめます。"),
    ),
    NavItem(
        _("期限切れのつなぎ"),
        "consultations:overdue_board",
        group="consult",
        capability="cases.oversee",
        order=65,
        description=_(
            "受理の期限を過ぎた・止まっているつなぎを確かめます（個人情報は表示しません）。"
        ),
    ),
    NavItem(
        _("アウトリーチ"),
        "consultations:outreach_list",
        group="consult",
        capability="outreach.handle",
        order=62,
        description=_("声を上げにくい人に、訪問や手紙で続けて関わります。"),
    ),
    NavItem(
        _("足りない資源の報告"),
        "consultations:missing_resources",
        group="consult",
        capability="cases.oversee",
        order=66,
        description=_("会議で見つかった、今ある資源では応えられないニーズを確かめます。"),
    ),
    NavItem(
        _("困りごとを相談へつなぐ"),
        "consultations:idea_handoff_list",
        group="consult",
        capability="ideas.hand_off",
        order=64,
        description=_(
            "個人の福祉の相談にあたる困りごとを、本人の同意を得て相談支援機関へつなぎます。"
        ),
    ),
]
