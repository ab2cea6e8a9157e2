"""``machida_portal.posting.run_service``: one way to run a POST through a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from machida_portal.posting import run_service


class TitleForm(forms.Form):
    title = forms.CharField()


def _request() -> Any:
    request: Any = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _fails(**errors: Any) -> Any:
    def action() -> None:
        raise ValidationError(errors or "全体の誤り")

    return action


def test_success_flashes_and_returns_the_value() -> None:
    request = _request()
    outcome = run_service(request, lambda: 42, success="できました")
    assert outcome and outcome.value == 42
    assert [str(m) for m in get_messages(request)] == ["できました"]


def test_errors_go_onto_the_form_field_they_name_or_above_it() -> None:
    form = TitleForm({"title": "x"})
    assert form.is_valid()
    outcome = run_service(_request(), _fails(title="短すぎます", other="ほか"), form=form)
    assert not outcome
    assert form.errors["title"] == ["短すぎます"]
    assert form.non_field_errors() == ["ほか"]


def test_without_a_form_each_error_is_a_flash_message() -> None:
    request = _request()
    outcome = run_service(request, _fails(), success="できました")
    assert not outcome and outcome.errors == ("全体の誤り",)
    assert [str(m) for m in get_messages(request)] == ["全体の誤り"]
