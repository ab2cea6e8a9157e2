"""Find the POST forms a role can reach by crawling, and post data into them."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from tests.test_crawl import crawl

SKIP_ACTIONS = ("/accounts/logout/", "/i18n/", "/language/", "/admin/")


@dataclass
class FoundForm:
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → kind (text, textarea, …)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[FoundForm] = []
        self.current: FoundForm | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = FoundForm(page=self.page, action=a.get("action") or self.page)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "file":
                self.current.files.append(a["name"])
            elif kind in ("checkbox", "radio"):
                self.current.choices.setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "reset"):
                self.current.fields[a["name"]] = kind
        elif tag == "textarea" and a.get("name"):
            self.current.fields[a["name"]] = "textarea"
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.current.choices.setdefault(a["name"], [])
        elif tag == "option" and self.select:
            self.current.choices[self.select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def forms_for(client: Any, max_pages: int = 80) -> list[FoundForm]:
    """Every distinct POST form on the pages this client reaches from ``/``."""
    found: dict[str, FoundForm] = {}
    pages = crawl(client)
    for path, (status, _) in list(pages.items())[:max_pages]:
        if status != 200:
            continue
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _FormParser(path)
        parser.feed(response.content.decode())
        for form in parser.forms:
            if form.action.startswith(SKIP_ACTIONS):
                continue
            key = form.action.split("?")[0] + "|" + ",".join(sorted(form.fields))
            found.setdefault(key, form)
    return list(found.values())


def model_counts() -> dict[str, int]:
    from django.apps import apps

    ours = {
        "accounts",
        "directory",
        "reminders",
        "projects",
        "future_sessions",
        "consultations",
        "indicators",
    }
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ours
        and not m._meta.label.endswith(("AccessLog", "PersonalDataView"))
    }
