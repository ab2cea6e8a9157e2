"""Capabilities: the one place where a role turns into a power (decision 0012).

A role (``directory.Role``) says what someone *is* — coordinator, consultation staff, city
staff. A capability says what they may *do*: ``ideas.coordinate``, ``cases.handle``. Every
view, service, navigation item, template flag and state table asks for a capability through
the app's ``policies.py``; none of them names a role. Changing who may do something is a
change to ``CAPABILITIES`` below and nothing else.

Object rules (this agency's sheet, the organizer's own session) stay in each app's
``policies.py``; they start from a capability and narrow it.

The README's "Who may do what" table is generated from this table (``python manage.py
capabilities_table``) and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from directory.models import Role

from .roles import roles_of


@dataclass(frozen=True)
class Capability:
    name: str
    roles: frozenset[str]
    description: Any  # lazy text, Japanese source


R = Role

_TABLE = (
    Capability(
        "ideas.submit",
        frozenset({R.RESIDENT}),
        _("アイデア・困りごと・できることを伝え、その後を確かめる（サインインした人すべて）"),
    ),
    Capability(
        "needs.post",
        frozenset({R.MEMBER, R.COORDINATOR, R.WELFARE_COORDINATOR, R.ADMIN}),
        _("団体として担い手の募集を出す"),
    ),
    Capability(
        "ideas.coordinate",
        frozenset({R.COORDINATOR, R.WELFARE_COORDINATOR, R.ADMIN}),
        _("届いたアイデアを受け止め、状況を進め、人・団体・プロジェクトにつなぐ"),
    ),
    Capability(
        "ideas.hand_off",
        frozenset({R.COORDINATOR, R.WELFARE_COORDINATOR}),
        _("個人の困りごとを、本人の同意を得て相談支援機関へつなぐ"),
    ),
    Capability(
        "sessions.manage",
        frozenset({R.COORDINATOR, R.ADMIN}),
        _("すべてのセッションを作り、変更し、中止し、出欠を取る"),
    ),
    Capability(
        "cases.handle",
        frozenset({R.CONSULTATION_STAFF}),
        _("所属機関の相談を受け付け、つなぐシートを送り・受け取る"),
    ),
    Capability(
        "cases.oversee",
        frozenset({R.CITY_STAFF, R.ADMIN}),
        _("期限切れのつなぎと足りない資源の報告を、個人情報なしで確かめる"),
    ),
    Capability(
        "outreach.handle",
        frozenset({R.WELFARE_COORDINATOR}),
        _("所属団体のアウトリーチを記録し、相談へつなぐ"),
    ),
    Capability(
        "kpis.edit",
        frozenset({R.CITY_STAFF, R.ADMIN}),
        _("計画の指標の値を入力し、公開する"),
    ),
    Capability(
        "directory.verify_any",
        frozenset({R.ADMIN}),
        _("どの団体の資源情報も確認済みにする（団体の会員は自団体の分だけ）"),
    ),
    Capability(
        "portal.staff",
        frozenset(
            {R.COORDINATOR, R.CONSULTATION_STAFF, R.WELFARE_COORDINATOR, R.CITY_STAFF, R.ADMIN}
        ),
        _("職員の規則が適用される（二段階認証と、操作のないときの自動サインアウト）"),
    ),
)

CAPABILITIES: dict[str, Capability] = {c.name: c for c in _TABLE}


def roles_with(name: str) -> frozenset[str]:
    """The roles that hold a capability (an unknown name is a programming error)."""
    return CAPABILITIES[name].roles


@lru_cache(maxsize=64)
def _capabilities_for(roles: frozenset[str]) -> frozenset[str]:
    return frozenset(c.name for c in _TABLE if c.roles & roles)


def capabilities_of(user: Any) -> frozenset[str]:
    """What the user may do, from their roles (read once per request, see ``roles_of``)."""
    return _capabilities_for(roles_of(user))


def can(user: Any, name: str) -> bool:
    if name not in CAPABILITIES:
        raise KeyError(name)
    return name in capabilities_of(user)


def is_staff_member(user: Any) -> bool:
    """Whether the staff rules (second factor, idle timeout) apply to this person."""
    return can(user, "portal.staff")


def capabilities_for_role(role: str) -> frozenset[str]:
    return _capabilities_for(frozenset({role}))


def table_markdown() -> str:
    """The README's "Who may do what" table: one row per capability, one column per role."""
    roles = list(Role)
    header = "| Capability | " + " | ".join(f"`{r.value}`" for r in roles) + " | What it allows |"
    rule = "|---|" + "---|" * len(roles) + "---|"
    rows = [header, rule]
    from django.utils import translation

    with translation.override("en"):
        for c in _TABLE:
            marks = " | ".join("✓" if r.value in c.roles else "" for r in roles)
            rows.append(f"| `{c.name}` | {marks} | {c.description} |")
    return "\n".join(rows) + "\n"
