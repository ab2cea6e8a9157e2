"""Issue 11, finding 3 (consultations part): every date entering a case record is in range.

A date out of range is a form error with a message naming the field, nothing is saved, and no
reminder computed from it is scheduled; the services refuse it with a ValidationError (never an
OverflowError), and the models refuse what no case can hold at all.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import conf, services
from consultations.models import (
    Conference,
    ConferenceTask,
    Consultation,
    OutreachAttempt,
    OutreachCase,
    SheetStatus,
    TsunaguSheet,
)
from consultations.selectors import agency_of
from reminders.models import Reminder
from tests.factories import ConferenceFactory, ConsultationFactory, OutreachFactory, SheetFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "までの日付にしてください"


def _today() -> date:
    return timezone.localdate()


def _years(n: int) -> date:
    return _today() + timedelta(days=366 * n + 1)


def _body(r: Any) -> str:
    assert r.status_code == 200, r.status_code
    return str(r.content.decode())


def _post_task(users: dict[str, Any], client: Any, conference: Conference, due_on: str) -> Any:
    disability = agency_of(users["staff_disability"])
    assert disability is not None
    client.force_login(users["staff_elderly"])
    return client.post(
        reverse("consultations:conference_task_add", kwargs={"pk": conference.pk}),
        {"organization": disability.pk, "description": "長男への訪問", "due_on": due_on},
        follow=True,
    )


@pytest.mark.parametrize(
    "due_on",
    [
        pytest.param("0001-01-01", id="year-1"),
        pytest.param("1999-12-31", id="last-century"),
        pytest.param("9999-12-31", id="year-9999"),
        pytest.param("far-ahead", id="six-years-ahead"),
        pytest.param("yesterday", id="yesterday"),
    ],
)
def test_a_task_due_date_out_of_range_is_refused_and_nothing_is_saved(
    users: dict[str, Any], client: Any, due_on: str
) -> None:
    conference = ConferenceFactory()
    value = {
        "far-ahead": _years(6).isoformat(),
        "yesterday": (_today() - timedelta(days=1)).isoformat(),
    }.get(due_on, due_on)
    body = _body(_post_task(users, client, conference, value))
    assert OUT_OF_RANGE in body
    assert "期限" in body
    assert not ConferenceTask.objects.exists()
    assert not Reminder.objects.filter(kind="consultations.conference_task").exists()


def test_a_task_due_in_the_window_is_added_with_its_reminder(
    users: dict[str, Any], client: Any
) -> None:
    conference = ConferenceFactory()
    r = _post_task(users, client, conference, (_today() + timedelta(days=14)).isoformat())
    assert "役割を追加しました" in _body(r)
    assert ConferenceTask.objects.get().due_on == _today() + timedelta(days=14)
    assert Reminder.objects.filter(kind="consultations.conference_task").exists()


@pytest.mark.parametrize(
    "review",
    [
        pytest.param("9999-12-31", id="year-9999"),
        pytest.param("0001-01-02", id="year-1"),
        pytest.param("far-ahead", id="four-years-ahead"),
    ],
)
def test_a_review_date_out_of_range_is_refused_and_the_record_is_unchanged(
    users: dict[str, Any], client: Any, review: str
) -> None:
    conference = ConferenceFactory()
    value = _years(4).isoformat() if review == "far-ahead" else review
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:conference_record", kwargs={"pk": conference.pk}),
        {"assessment": "見立て", "decision": "continue", "next_review_on": value},
        follow=True,
    )
    body = _body(r)
    assert OUT_OF_RANGE in body
    assert "次の見直し日" in body
    conference.refresh_from_db()
    assert conference.assessment == ""
    assert conference.next_review_on is None
    assert not Reminder.objects.filter(kind="consultations.conference_review").exists()


def test_an_old_review_date_left_as_it_is_does_not_block_editing_the_record(
    users: dict[str, Any], client: Any
) -> None:
    conference = ConferenceFactory(held_on=_today() - timedelta(days=60))
    old = _today() - timedelta(days=10)
    Conference.objects.filter(pk=conference.pk).update(next_review_on=old)
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:conference_record", kwargs={"pk": conference.pk}),
        {"assessment": "見直しました", "decision": "continue", "next_review_on": old.isoformat()},
        follow=True,
    )
    assert "会議の記録を保存しました" in _body(r)
    conference.refresh_from_db()
    assert conference.assessment == "見直しました"


@pytest.mark.parametrize(
    "expires",
    [
        pytest.param("yesterday", id="past"),
        pytest.param("far-ahead", id="six-years-ahead"),
        pytest.param("9999-12-31", id="year-9999"),
        pytest.param("0001-01-01", id="year-1"),
    ],
)
def test_a_consent_expiry_out_of_range_is_refused_and_the_consent_is_unchanged(
    users: dict[str, Any], client: Any, expires: str
) -> None:
    consultation = ConsultationFactory()
    value = {
        "yesterday": (_today() - timedelta(days=1)).isoformat(),
        "far-ahead": _years(6).isoformat(),
    }.get(expires, expires)
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:consultation_consent", kwargs={"pk": consultation.pk}),
        {
            "consent_status": "given",
            "consent_method": "verbal",
            "consent_fields": ["name"],
            "consent_expires_on": value,
        },
    )
    body = _body(r)
    assert OUT_OF_RANGE in body
    assert "同意の有効期限" in body
    consultation.refresh_from_db()
    assert consultation.consent_expires_on is None
    assert consultation.consent_method == Consultation.ConsentMethod.SIGNED


def test_a_consent_expiry_a_year_ahead_is_recorded(users: dict[str, Any], client: Any) -> None:
    consultation = ConsultationFactory()
    client.force_login(users["staff_elderly"])
    expires = _today() + timedelta(days=365)
    r = client.post(
        reverse("consultations:consultation_consent", kwargs={"pk": consultation.pk}),
        {
            "consent_status": "given",
            "consent_method": "verbal",
            "consent_fields": ["name"],
            "consent_expires_on": expires.isoformat(),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    consultation.refresh_from_db()
    assert consultation.consent_expires_on == expires


def _intake(client: Any, **data: str) -> Any:
    return client.post(
        reverse("consultations:consultation_create"),
        {
            "person_name": "日付 たしか",
            "visitor": "self",
            "urgency": "normal",
            "consent_status": "given",
            "consent_method": "verbal",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
            **data,
        },
    )


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        pytest.param("birth_date", "tomorrow", "生年月日", id="born-tomorrow"),
        pytest.param("birth_date", "1899-12-31", "生年月日", id="born-1899"),
        pytest.param("birth_date", "0001-01-01", "生年月日", id="born-year-1"),
        pytest.param("consent_expires_on", "yesterday", "同意の有効期限", id="expired"),
        pytest.param("consent_expires_on", "9999-12-31", "同意の有効期限", id="expires-9999"),
    ],
)
def test_intake_with_a_date_out_of_range_is_a_form_error_and_nothing_is_stored(
    users: dict[str, Any], client: Any, field: str, value: str, label: str
) -> None:
    value = {
        "tomorrow": (_today() + timedelta(days=1)).isoformat(),
        "yesterday": (_today() - timedelta(days=1)).isoformat(),
    }.get(value, value)
    client.force_login(users["staff_elderly"])
    body = _body(_intake(client, **{field: value}))
    assert OUT_OF_RANGE in body
    assert label in body
    assert not Consultation.objects.exists()


def test_intake_of_a_resident_born_in_taisho_is_accepted(
    users: dict[str, Any], client: Any
) -> None:
    client.force_login(users["staff_elderly"])
    r = _intake(client, birth_date="1920-04-01")
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Consultation.objects.get().birth_date == date(1920, 4, 1)


@pytest.mark.parametrize(
    "held_on",
    [
        pytest.param("0001-01-01", id="year-1"),
        pytest.param("9999-12-31", id="year-9999"),
        pytest.param("far-ahead", id="two-years-ahead"),
    ],
)
def test_a_conference_date_out_of_range_is_refused_and_nothing_is_saved(
    users: dict[str, Any], client: Any, held_on: str
) -> None:
    disability = agency_of(users["staff_disability"])
    assert disability is not None
    value = _years(2).isoformat() if held_on == "far-ahead" else held_on
    client.force_login(users["staff_elderly"])
    r = client.post(
        reverse("consultations:conference_create"),
        {
            "title": "支援方針",
            "held_on": value,
            "legal_basis": "support_meeting",
            "participants": [disability.pk],
        },
    )
    body = _body(r)
    assert OUT_OF_RANGE in body
    assert "開催日" in body
    assert not Conference.objects.exists()


@pytest.mark.parametrize(
    "contact_on",
    [
        pytest.param("0001-01-01", id="year-1"),
        pytest.param("tomorrow", id="future"),
    ],
)
def test_a_first_contact_date_out_of_range_is_refused_and_the_sheet_is_unchanged(
    users: dict[str, Any], client: Any, contact_on: str
) -> None:
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    value = (_today() + timedelta(days=1)).isoformat() if contact_on == "tomorrow" else contact_on
    client.force_login(users["staff_disability"])
    r = client.post(
        reverse("consultations:sheet_transition", kwargs={"pk": sheet.pk}),
        {"to": SheetStatus.FIRST_CONTACT, "contact_on": value, "contact_method": "phone"},
        follow=True,
    )
    body = _body(r)
    assert OUT_OF_RANGE in body
    assert "初回連絡日" in body
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RECEIVED
    assert sheet.first_contact_on is None


@pytest.mark.parametrize(
    "on",
    [
        pytest.param("0001-01-01", id="year-1"),
        pytest.param("tomorrow", id="future"),
        pytest.param("9999-12-31", id="year-9999"),
    ],
)
def test_an_outreach_attempt_date_out_of_range_is_refused_and_nothing_moves(
    users: dict[str, Any], client: Any, on: str
) -> None:
    case = OutreachFactory()
    before = case.next_contact_on
    value = (_today() + timedelta(days=1)).isoformat() if on == "tomorrow" else on
    client.force_login(users["cwc"])
    r = client.post(
        reverse("consultations:outreach_attempt_add", kwargs={"pk": case.pk}),
        {"on": value, "method": "visit"},
        follow=True,
    )
    body = _body(r)
    assert OUT_OF_RANGE in body
    assert "日付" in body
    assert not OutreachAttempt.objects.exists()
    case.refresh_from_db()
    assert case.next_contact_on == before


def test_an_outreach_rhythm_beyond_a_year_is_a_form_error_and_nothing_is_saved(
    users: dict[str, Any], client: Any
) -> None:
    from directory.models import District

    client.force_login(users["cwc"])
    r = client.post(
        reverse("consultations:outreach_create"),
        {
            "district": District.objects.get(code="tsurukawa").pk,
            "household_tag": "2丁目 角の家",
            "source": "minsei",
            "rhythm_days": "30000",
        },
    )
    body = _body(r)
    assert str(conf.OUTREACH_RHYTHM_DAYS_MAX) in body
    assert not OutreachCase.objects.exists()


def test_the_services_refuse_dates_out_of_range_without_an_overflow(
    users: dict[str, Any],
) -> None:
    """Callers other than the forms (imports, the shell, later code) get a ValidationError."""
    conference = ConferenceFactory()
    agency = agency_of(users["staff_elderly"])
    disability = agency_of(users["staff_disability"])
    assert agency is not None and disability is not None
    # The probe's due date on a conference said to be held in year 1: the check against the
    # conference date passed, and the reminder's "morning before" overflowed.
    Conference.objects.filter(pk=conference.pk).update(held_on=date.min)
    conference.refresh_from_db()
    for due_on in (date.min, date(1999, 12, 31), date.max, _years(6)):
        with pytest.raises(ValidationError):
            services.conference_task_add(
                conference=conference,
                by=users["staff_elderly"],
                agency=agency,
                organization=disability,
                description="訪問",
                due_on=due_on,
            )
    for review in (date.min, date.max, _years(4)):
        with pytest.raises(ValidationError):
            services.conference_record(
                conference=conference,
                by=users["staff_elderly"],
                agency=agency,
                assessment="",
                direction="",
                decision="",
                next_review_on=review,
            )
    for held_on in (date.min, date.max):
        with pytest.raises(ValidationError):
            ConferenceFactory(held_on=held_on)
    case = OutreachFactory()
    for on in (date.min, date.max, _today() - timedelta(days=400)):
        with pytest.raises(ValidationError):
            services.outreach_attempt_add(
                case=case, by=users["cwc"], on=on, method="visit", reached=False
            )
    consultation = ConsultationFactory()
    for expires in (date.min, _today() - timedelta(days=1), date.max):
        with pytest.raises(ValidationError):
            services.consultation_consent_update(
                consultation=consultation,
                by=users["staff_elderly"],
                status=Consultation.ConsentStatus.GIVEN,
                method=Consultation.ConsentMethod.VERBAL,
                fields=["name"],
                domains=[],
                agencies=[],
                expires_on=expires,
            )
    with pytest.raises(ValidationError):
        ConsultationFactory(birth_date=_today() + timedelta(days=1))
    with pytest.raises(ValidationError):
        ConsultationFactory(consent_expires_on=date.max)
    sheet = SheetFactory(status=SheetStatus.RECEIVED)
    with pytest.raises(ValidationError):
        services.sheet_transition(
            sheet_id=sheet.pk,
            to=SheetStatus.FIRST_CONTACT,
            by=users["staff_disability"],
            agency=disability,
            contact_on=date.min,
            contact_method="phone",
        )
    assert not ConferenceTask.objects.exists()
    assert not OutreachAttempt.objects.exists()
    assert not Reminder.objects.filter(
        kind__in=["consultations.conference_task", "consultations.conference_review"]
    ).exists()


def test_the_models_refuse_dates_no_case_record_can_hold(users: dict[str, Any]) -> None:
    conference = ConferenceFactory()
    consultation = ConsultationFactory()
    disability = agency_of(users["staff_disability"])
    cases: list[tuple[Any, str]] = [
        (Conference(title="x", held_on=date.min, legal_basis="layered"), "held_on"),
        (
            ConferenceTask(
                conference=conference, organization=disability, description="x", due_on=date.max
            ),
            "due_on",
        ),
        (Consultation(person_name="x", birth_date=_today() + timedelta(days=1)), "birth_date"),
        (Consultation(person_name="x", birth_date=date(1899, 12, 31)), "birth_date"),
        (
            Consultation(person_name="x", consent_expires_on=date(1999, 12, 31)),
            "consent_expires_on",
        ),
        (OutreachCase(household_tag="x", source="minsei", rhythm_days=0), "rhythm_days"),
    ]
    conference.next_review_on = date(2100, 1, 1)
    cases.append((conference, "next_review_on"))
    sheet = TsunaguSheet(consultation=consultation, first_contact_on=date.min)
    cases.append((sheet, "first_contact_on"))
    for obj, field in cases:
        with pytest.raises(ValidationError) as caught:
            obj.full_clean()
        assert field in caught.value.message_dict, (type(obj).__name__, field)
    # The absolute range is wide enough for every record already kept (10 years back).
    Conference(
        convened_by=conference.convened_by,
        title="x",
        held_on=_today() - timedelta(days=3650),
        legal_basis="layered",
    ).full_clean()


def test_the_reminder_time_of_a_date_out_of_range_is_a_validation_error() -> None:
    for day in (date.min, date.max, date(1999, 12, 31)):
        with pytest.raises(ValidationError):
            services._morning_before(day)


@pytest.mark.django_db(transaction=True)
def test_year_one_dates_on_postgresql_are_refused_before_the_database_sees_them(
    postgres: None, role_users: dict[str, Any], client: Any
) -> None:
    """Year 1 is where the database stops: 9:00 the day before 0001-01-01 does not exist (it
    was an OverflowError, a 500), and 9:00 Tokyo on 0001-01-01 is 1 BC in UTC, which PostgreSQL
    stores but psycopg cannot read back ("timestamp too small": the probe's row that stopped
    every reminder). A conference already stored with a year-1 date (by SQL, or before this
    check) keeps its pages working and gets no reminder."""
    from reminders.services import reminders_send_due

    users = role_users
    conference = ConferenceFactory()
    Conference.objects.filter(pk=conference.pk).update(held_on=date.min)
    conference.refresh_from_db()
    r = _post_task(users, client, conference, "0001-01-01")
    assert OUT_OF_RANGE in _body(r)
    r = client.post(
        reverse("consultations:conference_record", kwargs={"pk": conference.pk}),
        {"assessment": "x", "decision": "continue", "next_review_on": "0001-01-02"},
        follow=True,
    )
    assert OUT_OF_RANGE in _body(r)
    assert not ConferenceTask.objects.exists()
    for url in (
        reverse("consultations:conference_detail", kwargs={"pk": conference.pk}),
        reverse("consultations:conference_list"),
    ):
        assert client.get(url).status_code == 200
    # Every reminder row can be read, and the sender goes through them.
    list(Reminder.objects.all())
    reminders_send_due()
    assert not Reminder.objects.filter(status=Reminder.Status.FAILED).exists()


def test_the_demo_data_holds_no_date_the_models_refuse(demo: Any) -> None:
    """``seed_demo`` writes in bulk, past the services: its dates must still be in range."""
    from django.db import models

    from consultations import demo as consultations_demo

    consultations_demo.seed(demo)
    checked = 0
    for model in (
        Consultation,
        TsunaguSheet,
        Conference,
        ConferenceTask,
        OutreachCase,
        OutreachAttempt,
    ):
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.validators and isinstance(f, models.DateField | models.PositiveSmallIntegerField)
        ]
        for row in model.objects.values(*[f.attname for f in fields]):
            for f in fields:
                if row[f.attname] is not None:
                    f.run_validators(row[f.attname])
                    checked += 1
    assert checked > 50
