"""What every mail the portal sends carries, whoever builds it (the reminders sender, allauth).

- ``Message-ID``: ``email.utils.make_msgid`` with the site's domain (the host of ``SITE_URL``),
  so two databases (staging and production, a restored copy) never reuse one;
- ``Date``: Japan time (``+0900``), not ``-0000``;
- ``Auto-Submitted: auto-generated`` (RFC 3834): no vacation auto-replies back to the portal.

Subjects put a title in 「」 through ``quoted`` only, so a title that already has 「」 inside
(``フューチャーセッション「買い物に困らないまち」``) is not bracketed twice.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.fiscal import TOKYO


def site_domain() -> str:
    """The host of ``SITE_URL`` (read at call time): the right-hand side of Message-IDs and
    calendar UIDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def new_message_id() -> str:
    """A globally unique Message-ID on the site's domain."""
    return make_msgid(domain=site_domain())


def mail_date(moment: datetime | None = None) -> str:
    """An RFC 5322 date in Japan time."""
    return format_datetime((moment or timezone.now()).astimezone(TOKYO))


def standard_headers(message_id: str = "") -> dict[str, str]:
    """Headers for an automatically generated mail; ``message_id`` when the caller keeps one
    stable over retries, else a new one."""
    return {
        "Message-ID": message_id or new_message_id(),
        "Date": mail_date(),
        "Auto-Submitted": "auto-generated",
    }


_OPEN, _CLOSE = "「", "」"


def quoted(title: str) -> str:
    """``title`` in 「」, the one place subjects get their brackets. A title already wholly in
    「」 keeps its own; 「」 inside a title become 『』, as Japanese nests quotations."""
    text = title.strip()
    if (
        text.startswith(_OPEN)
        and text.endswith(_CLOSE)
        and _OPEN not in text[1:-1]
        and _CLOSE not in text[1:-1]
    ):
        text = text[1:-1]
    text = text.replace(_OPEN, "『").replace(_CLOSE, "』")
    # Translated: English subjects quote with "…".
    return _("「%(text)s」") % {"text": text}
