"""Navigation entries. Each app lists its own in ``<app>/nav.py`` as ``NAV: list[NavItem]``;
they are gathered in INSTALLED_APPS order, so no app edits another's menu."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Role

from .capabilities import capabilities_for_role, capabilities_of
from .roles import roles_of


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    # Who sees it: empty means everyone, signed in or not; otherwise the capability
    # (``accounts.capabilities``) the user must hold.
    capability: str = ""
    # A sentence for the role cards on the home page.
    description: Any = ""
    order: int = 100

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@cache
def all_nav_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.nav":
                continue
            raise
        items.extend(getattr(module, "NAV", []))
    return tuple(sorted(items, key=lambda i: i.order))


def visible_items(capabilities: frozenset[str]) -> list[dict[str, Any]]:
    return list(_visible_items(capabilities, get_script_prefix()))


@lru_cache(maxsize=128)
def _visible_items(capabilities: frozenset[str], script_prefix: str) -> tuple[dict[str, Any], ...]:
    """Computed once per set of capabilities (and URL prefix) in each process: the items and
    their URLs are fixed at start-up; labels stay lazy, so each request gets its language."""
    result = []
    for item in all_nav_items():
        if item.capability and item.capability not in capabilities:
            continue
        url = item.url()
        if url is not None:
            result.append(
                {
                    "label": item.label,
                    "url": url,
                    "name": item.url_name,
                    "capability": item.capability,
                    "description": item.description,
                }
            )
    return tuple(result)


# One card per role on the home page: what this person does here, with links to it.
ROLE_CARDS: list[tuple[str, Any, Any]] = [
    (
        Role.RESIDENT,
        _("市民のみなさん"),
        _(
            "地域でやってみたいこと、できること、困っていることを伝えましょう。"
            "あなたのアイデアがどう進んでいるかも確かめられます。"
        ),
    ),
    (
        Role.MEMBER,
        _("団体・企業の方"),
        _("団体として提供できる人・場所・物を登録し、担い手を募集できます。"),
    ),
    (
        Role.COORDINATOR,
        _("コーディネーター"),
        _(
            "届いたアイデアを受け止め、人や資源とつなぎ、フューチャーセッションやプロジェクトにします。"
        ),
    ),
    (
        Role.CONSULTATION_STAFF,
        _("相談支援機関の職員"),
        _("相談を受け、本人の同意の範囲でつなぐシートを使って他の機関へ確実に引き継ぎます。"),
    ),
    (
        Role.WELFARE_COORDINATOR,
        _("地域福祉コーディネーター"),
        _("声をあげにくい方への訪問や手紙の記録をつけ、次の連絡の時期をお知らせします。"),
    ),
    (Role.CITY_STAFF, _("市職員"), _("計画の指標を入力・確認し、公開します。")),
    (Role.ADMIN, _("管理者"), _("地区・団体・利用者・役割を管理します。")),
]


def role_cards(user: Any) -> list[dict[str, Any]]:
    """The home page's cards: one per role the user holds (the resident's card only for a
    visitor), each with the menu items that role's capabilities open."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    roles = roles_of(user)
    items = visible_items(capabilities_of(user))
    cards = []
    for role, title, text in ROLE_CARDS:
        if (signed_in and role not in roles) or (not signed_in and role != Role.RESIDENT):
            continue
        held = capabilities_for_role(role)
        links = [
            i
            for i in items
            if i["name"] != "home"
            and (i["capability"] in held or (role == Role.RESIDENT and not i["capability"]))
        ]
        cards.append({"role": str(role), "title": title, "text": text, "links": links})
    return cards


NAV: list[NavItem] = []
