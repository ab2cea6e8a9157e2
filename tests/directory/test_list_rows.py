"""The cheap row helpers (decision 0026) give what Django's general tools give."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation


def _render(source: str, **context: object) -> str:
    return Template("{% load list_rows %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "viewname",
    ["consultations:sheet_detail", "consultations:consultation_detail", "projects:idea_detail"],
)
@pytest.mark.parametrize("pk", [1, 7, 918273645, 10**12])
def test_pk_url_is_the_reversed_url(viewname: str, pk: int) -> None:
    assert _render("{% pk_url name pk %}", name=viewname, pk=pk) == reverse(
        viewname, kwargs={"pk": pk}
    )


def test_pk_url_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        _render("{% pk_url 'projects:idea_detail' pk %}", pk="1/../x")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_dates_are_those_of_the_date_filter_in_the_current_time_zone(lang: str) -> None:
    # 23:30 UTC is the next day in Tokyo: the filters convert as |date does.
    moment = datetime(2026, 3, 31, 23, 30, 15, tzinfo=UTC)
    with translation.override(lang), timezone.override("Asia/Tokyo"):
        ours = _render("{{ v|ymd }} {{ v|ymd_hm }}", v=moment)
        django = Template('{{ v|date:"Y-m-d" }} {{ v|date:"Y-m-d H:i" }}').render(
            Context({"v": moment})
        )
    assert ours == django == "2026-04-01 2026-04-01 08:30"


def test_dates_accept_plain_dates_and_nothing() -> None:
    assert _render("{{ d|ymd }}", d=date(2025, 8, 8)) == "2025-08-08"
    assert _render("[{{ d|ymd }}][{{ d|ymd_hm }}]", d=None) == "[][]"


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_the_rows_dates_are_those_of_the_date_filter_in_the_current_time_zone(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.template import engines

    from machida_portal.rows import render_rows

    env = engines["rows"].env  # type: ignore[attr-defined]
    source = "{{ v|ymd }} {{ v|ymd_hm }} {{ d|ymd }} [{{ n|ymd }}]"
    monkeypatch.setattr(env, "get_template", lambda name: env.from_string(source))
    moment = datetime(2026, 3, 31, 23, 30, 15, tzinfo=UTC)
    with timezone.override(zone):
        ours = render_rows("any.jinja", v=moment, d=date(2025, 8, 8), n=None)
        alone = env.from_string(source).render(v=moment, d=date(2025, 8, 8), n=None)
        django = Template('{{ v|date:"Y-m-d" }} {{ v|date:"Y-m-d H:i" }}').render(
            Context({"v": moment})
        )
    assert ours == alone == f"{django} 2025-08-08 []"
