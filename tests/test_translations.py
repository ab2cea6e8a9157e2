"""Japanese is the source language; every string must have its English translation."""

from pathlib import Path

import polib
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]


def test_every_english_message_is_translated() -> None:
    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalog_is_used() -> None:
    with translation.override("en"):
        assert translation.gettext("まちだ地域福祉ポータル") == "Machida Community Welfare Portal"
