"""Indicator writes make the dashboard's cached fragments stale once they commit, never
before (``pages_changed``; decision 0012)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import measurement_record, measurements_publish
from machida_portal.public_cache import scope_version

pytestmark = pytest.mark.django_db


def _indicator() -> Indicator:
    ind = Indicator.objects.filter(source="survey").first()
    assert ind is not None
    return ind


def test_publishing_one_value_shows_on_the_cached_dashboard_at_once(
    client: Any, city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        m = measurement_record(
            indicator=_indicator(), fiscal_year=2025, district=None, value=87.6, by=city
        )
    client.force_login(city)
    url = reverse("indicators:dashboard")
    drafts = client.get(url).content.decode().count("badge-draft")
    assert drafts > 0
    assert client.get(url).content.decode().count("badge-draft") == drafts  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indicators:measurement_status", kwargs={"pk": m.pk}), {"to": "published"}
        )
    assert response.status_code == 302
    assert client.get(url).content.decode().count("badge-draft") < drafts


def test_a_bulk_publish_makes_pages_stale_after_the_commit_not_before(
    city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ind = _indicator()
    with django_capture_on_commit_callbacks(execute=True):
        measurement_record(indicator=ind, fiscal_year=2025, district=None, value=50, by=city)
    before = scope_version("indicators")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert measurements_publish(indicator=ind, by=city) == 1
        # Written, not yet committed: a visitor now must not cache the old data under a
        # new generation.
        assert scope_version("indicators") == before
    assert callbacks
    for callback in callbacks:
        callback()
    assert scope_version("indicators") != before
