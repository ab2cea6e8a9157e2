"""``indicators.policies``: who may see which values and who may move them (decision 0012).

Editors are the holders of ``kpis.edit`` (city staff, administrators); everyone else sees
published values only and may move nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.models import Indicator, Measurement, MeasurementChange
from indicators.policies import MEASUREMENT_STATES, measurement_can, measurement_scope
from indicators.services import measurement_record, measurement_transition, measurements_publish

pytestmark = pytest.mark.django_db

EDITORS = {"city", "admin"}


def _draft_and_published(city: Any) -> tuple[Measurement, Measurement]:
    ind = Indicator.objects.get(code="I-2")
    draft = measurement_record(indicator=ind, fiscal_year=2022, district=None, value=30, by=city)
    published = measurement_record(
        indicator=ind, fiscal_year=2023, district=None, value=31, by=city
    )
    measurement_transition(measurement=published, to="published", by=city)
    return draft, published


def test_drafts_are_in_scope_for_editors_only(role_users: dict[str, Any]) -> None:
    draft, published = _draft_and_published(role_users["city"])
    people: dict[str, Any] = {**role_users, "anonymous": AnonymousUser()}
    for name, user in people.items():
        seen = set(measurement_scope(user).filter(pk__in=[draft.pk, published.pk]))
        expected = {draft, published} if name in EDITORS else {published}
        assert seen == expected, name


def test_only_editors_may_reach_a_value_to_change_it(role_users: dict[str, Any]) -> None:
    draft, published = _draft_and_published(role_users["city"])
    for name, user in role_users.items():
        for action in ("edit", "publish", "withdraw"):
            reached = set(measurement_scope(user, action).filter(pk__in=[draft.pk, published.pk]))
            assert reached == ({draft, published} if name in EDITORS else set()), (name, action)
            assert measurement_can(user, action, draft) is (name in EDITORS), (name, action)


def test_the_measurement_table_has_publish_and_withdraw_only() -> None:
    draft, published = "draft", "published"
    assert dict(MEASUREMENT_STATES.moves) == {
        (draft, published): "publish",
        (published, draft): "withdraw",
    }
    assert MEASUREMENT_STATES.allowed(draft, lambda action: True) == [published]


def test_a_move_writes_one_history_row_through_the_machine(city: Any) -> None:
    draft, _published = _draft_and_published(city)
    before = MeasurementChange.objects.filter(measurement=draft).count()
    measurement_transition(measurement=draft, to="published", by=city)
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    change = MeasurementChange.objects.filter(measurement=draft).order_by("-id").first()
    assert change is not None
    assert (change.old_status, change.new_status, change.by) == ("draft", "published", city)
    assert MeasurementChange.objects.filter(measurement=draft).count() == before + 1
    measurement_transition(measurement=draft, to="draft", by=city)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.published_at is None


def test_a_move_not_in_the_table_changes_nothing(city: Any) -> None:
    draft, _published = _draft_and_published(city)
    with pytest.raises(ValidationError):
        measurement_transition(measurement=draft, to="archived", by=city)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_service_refuses_a_move_by_someone_who_may_not_make_it(
    role_users: dict[str, Any],
) -> None:
    """The service asks the policy itself, not only the view in front of it."""
    draft, _published = _draft_and_published(role_users["city"])
    changes = MeasurementChange.objects.count()
    with pytest.raises(PermissionDenied):
        measurement_transition(measurement=draft, to="published", by=role_users["coordinator"])
    draft.refresh_from_db()
    assert draft.status == "draft" and MeasurementChange.objects.count() == changes


def test_bulk_publish_refuses_someone_who_may_not_publish(role_users: dict[str, Any]) -> None:
    draft, _published = _draft_and_published(role_users["city"])
    with pytest.raises(PermissionDenied):
        measurements_publish(indicator=draft.indicator, by=role_users["member"])
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_bulk_publish_writes_the_same_history_as_single_moves(city: Any) -> None:
    ind = Indicator.objects.get(code="I-2")
    one = measurement_record(indicator=ind, fiscal_year=2022, district=None, value=30, by=city)
    two = measurement_record(indicator=ind, fiscal_year=2023, district=None, value=31, by=city)
    measurement_transition(measurement=one, to="published", by=city)
    assert measurements_publish(indicator=ind, by=city) == 1
    single = MeasurementChange.objects.filter(measurement=one).order_by("-id").first()
    bulk = MeasurementChange.objects.filter(measurement=two).order_by("-id").first()
    assert single is not None and bulk is not None
    fields = ("old_status", "new_status", "reason", "by_id")
    assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]
    two.refresh_from_db()
    assert two.status == "published" and two.published_at is not None
