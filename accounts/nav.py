"""Navigation entries. Each app lists its own in ``<app>/nav.py`` as ``NAV: list[NavItem]``;
they are gathered in INSTALLED_APPS order, so no app edits another's menu.

The header shows them grouped by task (decision 0019): each item names one of the
``NAV_GROUPS`` below; a group is a dropdown, a single link when the user sees only one of its
items, and absent when they see none. Who sees an item is still only its capability."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from directory.models import Role

from .capabilities import capabilities_for_role, capabilities_of
from .roles import roles_of


@dataclass(frozen=True)
class NavGroup:
    key: str
    # Short: the header is one line at 1024 px for every role, in Japanese and in English.
    label: Any
    # The phone's collapsed menu has the room to say it in full.
    long_label: Any
    order: int


# The tasks people come here for, in the order of the header.
NAV_GROUPS: tuple[NavGroup, ...] = (
    NavGroup(
        "work", pgettext_lazy("menu", "わたしの仕事"), pgettext_lazy("menu", "わたしの仕事"), 0
    ),
    NavGroup(
        "ideas",
        pgettext_lazy("menu", "アイデア"),
        pgettext_lazy("menu", "アイデア・プロジェクト"),
        10,
    ),
    NavGroup(
        "sessions",
        pgettext_lazy("menu", "セッション"),
        pgettext_lazy("menu", "セッション・懇談会"),
        20,
    ),
    NavGroup("consult", pgettext_lazy("menu", "相談"), pgettext_lazy("menu", "相談・つなぐ"), 30),
    NavGroup(
        "places", pgettext_lazy("menu", "地域"), pgettext_lazy("menu", "地域の資源・団体"), 40
    ),
    NavGroup(
        "data", pgettext_lazy("menu", "指標"), pgettext_lazy("menu", "指標・オープンデータ"), 50
    ),
)
GROUPS_BY_KEY: dict[str, NavGroup] = {g.key: g for g in NAV_GROUPS}


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    # Which header group (``NAV_GROUPS``) it is listed under.
    group: str = ""
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
                    "group": item.group,
                }
            )
    return tuple(result)


def nav_groups(capabilities: frozenset[str], path: str) -> list[dict[str, Any]]:
    """The header: the groups the user sees items of, each with those items, and the one
    the current page belongs to marked. No query: the groups are fixed per capability set;
    only the "current" marks depend on the request."""
    groups = _visible_groups(capabilities, get_script_prefix())
    current = _current_url(tuple(i["url"] for g in groups for i in g["items"]), path)
    menu = []
    for group in groups:
        items = [{**i, "current": i["url"] == path} for i in group["items"]]
        menu.append(
            {
                **group,
                "items": items,
                "single": len(items) == 1,
                "active": current is not None and any(i["url"] == current for i in items),
            }
        )
    return menu


def nav_menu_html(capabilities: frozenset[str], path: str) -> SafeString:
    """The header's groups as HTML (``templates/_nav_groups.html``). The menu depends only on
    the capabilities, the language and which item the path is or belongs to, so each such
    combination is rendered once per process: a Django template loop over the groups and
    their items costs every signed-in page about a millisecond otherwise (decision 0026)."""
    prefix = get_script_prefix()
    groups = _visible_groups(capabilities, prefix)
    urls = tuple(i["url"] for g in groups for i in g["items"])
    current = _current_url(urls, path)
    return _rendered_menu(capabilities, prefix, get_language(), current, current == path)


@lru_cache(maxsize=1024)
def _rendered_menu(
    capabilities: frozenset[str],
    script_prefix: str,
    language: str | None,
    current: str | None,
    exact: bool,
) -> SafeString:
    # A path that gives ``nav_groups`` the same marks: the item's own URL, or one just under
    # it (a sheet under the inbox: its group active, no item current), or none.
    path = "\x00" if current is None else (current if exact else current + "\x00")
    groups = nav_groups(capabilities, path)
    return render_to_string("_nav_groups.html", {"nav_groups": groups})


def _current_url(urls: tuple[str, ...], path: str) -> str | None:
    """The item the page belongs to: the item itself, or the deepest item whose URL starts
    the path (a sheet under the consultation inbox). The home page only for itself."""
    if path in urls:
        return path
    within = [u for u in urls if u != "/" and u.endswith("/") and path.startswith(u)]
    return max(within, key=len) if within else None


@lru_cache(maxsize=128)
def _visible_groups(capabilities: frozenset[str], script_prefix: str) -> tuple[dict[str, Any], ...]:
    items = _visible_items(capabilities, script_prefix)
    groups = []
    for group in sorted(NAV_GROUPS, key=lambda g: g.order):
        members = tuple(i for i in items if i["group"] == group.key)
        if members:
            groups.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "long_label": group.long_label,
                    "items": members,
                }
            )
    # An item naming no known group still shows, as its own link at the end (a test names it).
    for item in items:
        if item["group"] not in GROUPS_BY_KEY:
            groups.append(
                {"key": item["name"], "label": item["label"], "long_label": "", "items": (item,)}
            )
    return tuple(groups)


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


NAV: list[NavItem] = [
    # The staff home page (``home`` shows staff their day's work); everyone else reaches the
    # home page from the portal's name at the left of the header.
    NavItem(
        pgettext_lazy("menu", "今日の仕事"),
        "home",
        group="work",
        capability="portal.staff",
        order=0,
    ),
]
