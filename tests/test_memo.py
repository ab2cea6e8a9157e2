"""``{% memo %}``: the page frame rendered once per process, language and given values."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from directory.templatetags import fragment_cache


@pytest.fixture(autouse=True)
def empty_memo() -> None:
    fragment_cache._MEMO.clear()


def _render(source: str, **context: object) -> str:
    return Template("{% load fragment_cache i18n %}" + source).render(Context(context))


def test_the_block_is_rendered_once_per_key() -> None:
    source = '{% memo "t" kind %}{{ kind }}:{{ other }}{% endmemo %}'
    assert _render(source, kind="a", other=1) == "a:1"
    assert _render(source, kind="a", other=2) == "a:1"  # the first rendering, kept
    assert _render(source, kind="b", other=2) == "b:2"  # another value, its own entry


def test_each_language_has_its_own_entry() -> None:
    source = '{% memo "lang" %}{% translate "ログイン" %}{% endmemo %}'
    with translation.override("ja"):
        assert _render(source) == "ログイン"
    with translation.override("en"):
        assert _render(source) == "Sign in"


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragment_cache, "MEMO_MAX", 3)
    for i in range(10):
        _render('{% memo "n" i %}{{ i }}{% endmemo %}', i=i)
    assert len(fragment_cache._MEMO) <= 3


def test_a_name_is_required() -> None:
    with pytest.raises(TemplateSyntaxError):
        _render("{% memo %}x{% endmemo %}")
