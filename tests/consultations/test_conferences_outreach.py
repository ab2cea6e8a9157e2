from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import kpis, oversight, services
from consultations.models import (
    Conference,
    Consultation,
    OutreachCase,
    SheetStatus,
    TsunaguSheet,
)
from consultations.selectors import agency_of
from directory.fiscal import fiscal_year_of
from directory.models import Domain, Organization, Role
from reminders.models import Reminder
from tests.factories import (
    ConferenceFactory,
    ConsultationFactory,
    MembershipFactory,
    OrganizationFactory,
    OutreachFactory,
    SheetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _hospital_staff() -> Any:
    hospital = Organization.objects.get(name="町田みなみ病院 地域連携室")
    user = UserFactory(email="msw@example.jp")
    MembershipFactory(user=user, organization=hospital, role=Role.CONSULTATION_STAFF)
    return user


def test_external_participant_sees_the_conference_only_for_a_limited_time(
    users: dict[str, Any], client: Any
) -> None:
    conference = ConferenceFactory()
    msw = _hospital_staff()
    client.force_login(msw)
    url = reverse("consultations:conference_detail", kwargs={"pk": conference.pk})
    body = client.get(url).content.decode()
    assert conference.title in body
    # Not the case record itself, nor a link to it.
    case = conference.consultations.get()
    assert "町田 太郎" not in body
    assert reverse("consultations:consultation_detail", kwargs={"pk": case.pk}) not in body
    Conference.objects.filter(pk=conference.pk).update(held_on=date.today() - timedelta(days=60))
    assert client.get(url).status_code == 404


def test_layered_conference_needs_consent(users: dict[str, Any]) -> None:
    no_consent = ConsultationFactory(consent_status="pending", consent_method="")
    with pytest.raises(ValidationError, match="同意"):
        ConferenceFactory(consultations=[no_consent])
    conference = ConferenceFactory(consultations=[no_consent], legal_basis="support_meeting")
    assert conference.legal_basis == "support_meeting"


def test_conference_record_tasks_and_reviews_set_reminders(users: dict[str, Any]) -> None:
    conference = ConferenceFactory()
    agency = agency_of(users["staff_elderly"])
    disability = agency_of(users["staff_disability"])
    assert agency is not None and disability is not None
    review = date.today() + timedelta(days=30)
    services.conference_record(
        conference=conference,
        by=users["staff_elderly"],
        agency=agency,
        assessment="介護と障がいの両面の支援が必要",
        direction="障がい者支援センターが長男を担当",
        decision=Conference.Decision.CONTINUE,
        next_review_on=review,
    )
    services.conference_task_add(
        conference=conference,
        by=users["staff_elderly"],
        agency=agency,
        organization=disability,
        description="長男への訪問",
        due_on=date.today() + timedelta(days=7),
    )
    assert Reminder.objects.filter(kind="consultations.conference_review").exists()
    task_reminder = Reminder.objects.get(kind="consultations.conference_task")
    assert task_reminder.recipient == users["staff_disability"]
    # A task for an agency that is not at the table is refused.
    other = agency_of(users["staff_other"])
    assert other is not None
    with pytest.raises(ValidationError):
        services.conference_task_add(
            conference=conference,
            by=users["staff_elderly"],
            agency=agency,
            organization=other,
            description="x",
            due_on=None,
        )


def test_missing_resources_report_counts_unmet_needs_for_the_city(
    users: dict[str, Any], client: Any
) -> None:
    conference = ConferenceFactory()
    agency = agency_of(users["staff_elderly"])
    assert agency is not None
    for _ in range(2):
        services.unmet_need_add(
            conference=conference,
            by=users["staff_elderly"],
            agency=agency,
            description="夜間に話せる居場所",
            domain=Domain.objects.get(code="health"),
        )
    client.force_login(users["city"])
    body = client.get(reverse("consultations:missing_resources")).content.decode()
    assert "<td>2</td>" in body
    assert "町田 太郎" not in body


def test_outreach_attempt_moves_the_next_contact_and_its_reminder(users: dict[str, Any]) -> None:
    case = OutreachFactory()
    first_key = f"outreach:{case.pk}:next:{case.next_contact_on.isoformat()}"  # type: ignore[union-attr]
    assert Reminder.objects.get(idempotency_key=first_key).recipient == users["cwc"]
    earlier = timezone.localdate() - timedelta(days=2)
    services.outreach_attempt_add(
        case=case, by=users["cwc"], on=earlier, method="letter", reached=False
    )
    case.refresh_from_db()
    assert case.next_contact_on == earlier + timedelta(days=7)
    assert Reminder.objects.get(idempotency_key=first_key).status == Reminder.Status.CANCELLED
    assert Reminder.objects.filter(
        idempotency_key=f"outreach:{case.pk}:next:{case.next_contact_on.isoformat()}"
    ).exists()


def test_outreach_converts_into_a_consultation_the_coordinator_cannot_read(
    users: dict[str, Any], client: Any
) -> None:
    case = OutreachFactory()
    agency = agency_of(users["staff_elderly"])
    assert agency is not None
    consultation = services.outreach_convert(
        case=case,
        by=users["cwc"],
        agency=agency,
        person_name="見守り 一郎",
        troubles=["withdrawal"],
        consent_method="verbal",
    )
    case.refresh_from_db()
    assert case.status == OutreachCase.Status.CONVERTED
    assert consultation.consent_status == Consultation.ConsentStatus.GIVEN
    client.force_login(users["cwc"])
    url = reverse("consultations:consultation_detail", kwargs={"pk": consultation.pk})
    assert client.get(url).status_code == 404
    client.force_login(users["staff_elderly"])
    assert client.get(url).status_code == 200
    with pytest.raises(ValidationError):
        services.outreach_convert(
            case=case, by=users["cwc"], agency=agency, person_name="x", consent_method="verbal"
        )


def test_outreach_without_consent_is_anonymised_after_the_period(users: dict[str, Any]) -> None:
    case = OutreachFactory()
    services.outreach_attempt_add(
        case=case,
        by=users["cwc"],
        on=timezone.localdate(),
        method="visit",
        reached=True,
        note="会えた",
    )
    OutreachCase.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=800))
    assert services.outreach_anonymize_stale() == 1
    case.refresh_from_db()
    assert case.status == OutreachCase.Status.ANONYMIZED
    assert case.household_tag == "（匿名化済み）"
    assert case.attempts.get().note == ""


def test_anonymising_stale_outreach_cancels_their_next_contact_reminders(
    users: dict[str, Any],
) -> None:
    """An anonymised case has no next contact: its pending reminder (whichever date its key
    names, after contacts moved it) goes with it. A recent case keeps its own."""
    stale = OutreachFactory()
    services.outreach_attempt_add(
        case=stale, by=users["cwc"], on=timezone.localdate(), method="visit", reached=False
    )
    recent = OutreachFactory()
    OutreachCase.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=800))

    def pending(case: OutreachCase) -> list[str]:
        return list(
            Reminder.objects.filter(
                kind="consultations.outreach_next",
                object_id=str(case.pk),
                status=Reminder.Status.PENDING,
            ).values_list("idempotency_key", flat=True)
        )

    assert len(pending(stale)) == 1 and len(pending(recent)) == 1
    kept = pending(recent)

    assert services.outreach_anonymize_stale() == 1
    assert pending(stale) == []
    assert pending(recent) == kept


def test_outreach_of_another_organization_is_404(users: dict[str, Any], client: Any) -> None:
    case = OutreachFactory()
    other_cwc = UserFactory(email="cwc2@example.jp")
    org = OrganizationFactory(name="別の社協", kind=Organization.Kind.SHAKYO)
    MembershipFactory(user=other_cwc, organization=org, role=Role.WELFARE_COORDINATOR)
    client.force_login(other_cwc)
    url = reverse("consultations:outreach_detail", kwargs={"pk": case.pk})
    assert client.get(url).status_code == 404


def test_kpis_are_computed(users: dict[str, Any]) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    services.sheet_transition(
        sheet_id=sheet.pk,
        to=SheetStatus.FIRST_CONTACT,
        by=users["staff_disability"],
        agency=agency_of(users["staff_disability"]),  # type: ignore[arg-type]
        contact_on=timezone.localdate(),
        contact_method="phone",
    )
    SheetFactory(status=SheetStatus.SENT)  # inside its deadline: not yet due either way
    overdue = SheetFactory(status=SheetStatus.SENT)
    TsunaguSheet.objects.filter(pk=overdue.pk).update(
        deadline_at=timezone.now() - timedelta(hours=1)
    )
    ConferenceFactory()
    case = OutreachFactory()
    services.outreach_attempt_add(
        case=case, by=users["cwc"], on=timezone.localdate(), method="visit", reached=True
    )
    fy = fiscal_year_of(timezone.now())
    assert kpis.sheets_sent(fy) == 3
    # Of the two sheets due (received, or past the deadline) one came in on time; the
    # overdue board's agency summary gives the same share (one definition, oversight.py).
    assert kpis.received_within_deadline_pct(fy) == 50.0
    city = oversight.summary_totals(oversight.agency_summary(oversight.fiscal_year_period(fy)))
    assert city.on_time_pct == 50.0
    assert kpis.median_days_to_first_contact(fy) == 0.0
    assert kpis.conferences_held(fy) == 1
    assert kpis.outreach_contacts_made(fy) == 1
    from indicators.registry import registered

    assert "OP-SHEETS-SENT" in registered()


def test_retention_command_anonymises_old_closed_cases_only(users: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    old = ConsultationFactory()
    recent = ConsultationFactory()
    for c in (old, recent):
        services.consultation_close(consultation=c, by=users["staff_elderly"])
    Consultation.objects.filter(pk=old.pk).update(
        closed_at=timezone.now() - timedelta(days=365 * 6)
    )
    out = StringIO()
    call_command("consultations_retention", stdout=out)
    assert "1 consultation(s)" in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymized_at is not None and recent.anonymized_at is None
    assert recent.person_name == "町田 太郎"


def test_kpis_by_district(users: dict[str, Any]) -> None:
    from directory.models import District

    SheetFactory(status=SheetStatus.SENT)
    fy = fiscal_year_of(timezone.now())
    assert kpis.sheets_sent(fy, District.objects.get(code="machida-1")) == 1
    assert kpis.sheets_sent(fy, District.objects.get(code="tsurukawa")) == 0
    assert kpis.conferences_held(fy, District.objects.get(code="tsurukawa")) is None


def test_bad_dates_get_a_message_and_change_nothing(users: dict[str, Any], client: Any) -> None:
    conference = ConferenceFactory()
    client.force_login(users["staff_elderly"])
    url = reverse("consultations:conference_record", kwargs={"pk": conference.pk})
    r = client.post(
        url,
        {"assessment": "x", "decision": "continue", "next_review_on": "0001-01-02"},
        follow=True,
    )
    assert "次の見直し日: " in r.content.decode()
    assert "までの日付にしてください" in r.content.decode()
    conference.refresh_from_db()
    assert conference.assessment == ""
    case = OutreachFactory()
    r = client.post(
        reverse("consultations:outreach_attempt_add", kwargs={"pk": case.pk}),
        {"on": "0001-01-01", "method": "visit"},
    )
    assert r.status_code == 404  # staff of an agency: not their case
    client.force_login(users["cwc"])
    r = client.post(
        reverse("consultations:outreach_attempt_add", kwargs={"pk": case.pk}),
        {"on": "0001-01-01", "method": "visit"},
        follow=True,
    )
    assert "日付: " in r.content.decode()
    assert "までの日付にしてください" in r.content.decode()
    assert not case.attempts.exists()


def test_review_reminders_follow_the_record(users: dict[str, Any]) -> None:
    """A review date cleared leaves no reminder; one moved leaves only the new one; staff who
    have left the convening agency since are not reminded."""
    conference = ConferenceFactory()
    agency = agency_of(users["staff_elderly"])
    assert agency is not None
    leaver = UserFactory(email="leaver@example.jp")
    membership = MembershipFactory(
        user=leaver, organization=agency, role=Role.CONSULTATION_STAFF, is_active=True
    )

    def record(review: Any) -> None:
        services.conference_record(
            conference=conference,
            by=users["staff_elderly"],
            agency=agency,
            assessment="a",
            direction="d",
            decision=Conference.Decision.CONTINUE,
            next_review_on=review,
        )

    def pending() -> list[Any]:
        return list(
            Reminder.objects.filter(
                kind="consultations.conference_review", status=Reminder.Status.PENDING
            )
        )

    record(date.today() + timedelta(days=30))
    assert leaver.pk in {r.recipient_id for r in pending()}
    membership.is_active = False
    membership.save()
    record(date.today() + timedelta(days=40))
    assert pending() and leaver.pk not in {r.recipient_id for r in pending()}
    assert {r.due_at.date() for r in pending()} == {date.today() + timedelta(days=39)}
    record(None)
    assert pending() == []
