"""Issue 14, calendars and mail: every calendar the portal puts out — the session's .ics, the
district feeds, and the METHOD:REQUEST / METHOD:CANCEL objects mailed with confirmations,
invitations, moves, cancellations and withdrawals — read by two parsers nobody here wrote
(``icalendar`` and ``vobject``), which must agree; every mail read back with Python's strict
mail policy."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as ParsedMessage
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from directory.models import District, Mode
from reminders.models import Reminder
from reminders.services import reminders_send_due
from sessions.models import FutureSession
from sessions.services import (
    invitation_create,
    registration_cancel,
    registration_create,
    session_cancel,
    session_update,
)
from tests.factories import PlaceFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.jp"
ROOM = "https://meet.example.jp/room-7"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE
    settings.PORTAL_CALENDAR_ORGANIZER = "町田市 地域福祉推進課 <chiiki@portal.example.jp>"


@dataclass
class Ev:
    """One VEVENT as one parser read it."""

    method: str
    uid: str
    sequence: int
    dtstamp: datetime
    dtstart: datetime
    status: str
    organizer: str
    organizer_cn: str
    attendees: list[tuple[str, str]]  # (address, PARTSTAT)
    text: str  # description and location


def _by_icalendar(data: bytes) -> list[Ev]:
    cal = Calendar.from_ical(data)
    out = []
    for e in cal.walk("VEVENT"):
        attendees = e.get("attendee", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        out.append(
            Ev(
                method=str(cal.get("method", "")),
                uid=str(e["uid"]),
                sequence=int(e["sequence"]),
                dtstamp=e.decoded("dtstamp"),
                dtstart=e.decoded("dtstart"),
                status=str(e.get("status", "")),
                organizer=str(e["organizer"]),
                organizer_cn=str(e["organizer"].params.get("CN", "")),
                attendees=[(str(a), str(a.params.get("PARTSTAT", ""))) for a in attendees],
                text=f"{e.get('description', '')}\n{e.get('location', '')}",
            )
        )
    return out


def _by_vobject(data: bytes) -> list[Ev]:
    cal = vobject.readOne(data.decode("utf-8"))
    out = []
    for e in cal.vevent_list:
        c = e.contents
        out.append(
            Ev(
                method=cal.method.value if "method" in cal.contents else "",
                uid=e.uid.value,
                sequence=int(e.sequence.value),
                dtstamp=e.dtstamp.value,
                dtstart=e.dtstart.value,
                status=e.status.value if "status" in c else "",
                organizer=e.organizer.value,
                organizer_cn=e.organizer.params.get("CN", [""])[0],
                attendees=[
                    (a.value, a.params.get("PARTSTAT", [""])[0]) for a in c.get("attendee", [])
                ],
                text=f"{c['description'][0].value if 'description' in c else ''}\n"
                f"{c['location'][0].value if 'location' in c else ''}",
            )
        )
    return out


def parse(data: bytes) -> list[Ev]:
    """The events, as both parsers read them (they must read the same)."""
    first, second = _by_icalendar(data), _by_vobject(data)
    assert first == second, "icalendar and vobject read the calendar differently"
    assert first, "no event"
    return first


def _assert_common(ev: Ev, session: FutureSession, *, method: str) -> None:
    session.refresh_from_db()
    assert ev.method == method
    assert ev.uid == f"future-session-{session.pk}@portal.example.jp"
    assert ev.sequence == session.sequence
    assert ev.organizer == "mailto:chiiki@portal.example.jp"
    assert ev.organizer_cn == "町田市 地域福祉推進課"
    assert abs(ev.dtstamp - timezone.now()) < timedelta(minutes=2), "DTSTAMP is not 'now'"
    assert ev.dtstamp.utcoffset() == timedelta(0)
    assert ev.dtstart == session.starts_at.astimezone(UTC).replace(microsecond=0)


# --- mail -----------------------------------------------------------------------------------


def _send() -> list[ParsedMessage]:
    """Send what is due and read every mail back with the strict policy."""
    mail.outbox = []
    reminders_send_due(time_budget=5)
    parsed = []
    for message in mail.outbox:
        raw = message.message().as_bytes()
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
        assert isinstance(msg, ParsedMessage)
        assert not msg.defects
        assert msg["Message-ID"].endswith("@portal.example.jp>")
        assert msg["Date"].endswith("+0900"), msg["Date"]
        assert abs(parsedate_to_datetime(msg["Date"]) - timezone.now()) < timedelta(minutes=2)
        assert msg["Auto-Submitted"] == "auto-generated"
        assert "「「" not in msg["Subject"] and "」」" not in msg["Subject"], msg["Subject"]
        parsed.append(msg)
    return parsed


def _to(messages: list[ParsedMessage], address: str) -> ParsedMessage:
    (found,) = [m for m in messages if address in m["To"]]
    return found


def _calendar_of(msg: ParsedMessage, method: str) -> bytes:
    parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, "one calendar part"
    part = parts[0]
    assert part.get_param("method") == method
    assert str(part.get_param("charset")).lower() == "utf-8"
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def _no_calendar(msg: ParsedMessage) -> None:
    assert not [p for p in msg.walk() if p.get_content_type() == "text/calendar"]


# --- published files ------------------------------------------------------------------------


def test_session_ics_for_both_parsers(client: Any, coordinator: Any) -> None:
    session = SessionFactory(by=coordinator, title="フューチャーセッション「買い物に困らないまち」")
    response = client.get(reverse("future_sessions:session_ics", kwargs={"pk": session.pk}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (ev,) = parse(response.content)
    _assert_common(ev, session, method="PUBLISH")
    assert ev.status == "CONFIRMED" and ev.sequence == 0


def test_district_feed_for_both_parsers_says_how_often_to_refresh(
    client: Any, coordinator: Any, settings: Any
) -> None:
    settings.FUTURE_SESSION_FEED_REFRESH_MINUTES = 30
    tsurukawa = District.objects.get(code="tsurukawa")
    one = SessionFactory(by=coordinator, title="鶴川", district=tsurukawa)
    two = SessionFactory(by=coordinator, title="全域")
    session_cancel(session=two, by=coordinator)
    response = client.get(reverse("future_sessions:district_feed", kwargs={"code": "tsurukawa"}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {ev.uid: ev for ev in parse(response.content)}
    for session in (one, two):
        session.refresh_from_db()
        _assert_common(
            events[f"future-session-{session.pk}@portal.example.jp"], session, method="PUBLISH"
        )
    assert events[f"future-session-{two.pk}@portal.example.jp"].status == "CANCELLED"
    assert events[f"future-session-{two.pk}@portal.example.jp"].sequence == 1
    # RFC 7986 REFRESH-INTERVAL (a DURATION) and the older X-PUBLISHED-TTL, read by both.
    cal = Calendar.from_ical(response.content)
    assert cal["refresh-interval"].params["VALUE"] == "DURATION"
    assert cal.decoded("refresh-interval") == timedelta(minutes=30)
    vcal = vobject.readOne(response.content.decode())
    assert vcal.contents["refresh-interval"][0].value == "PT30M"
    assert vcal.contents["refresh-interval"][0].params["VALUE"] == ["DURATION"]
    assert vcal.contents["x-published-ttl"][0].value == "PT30M"


# --- mailed calendar objects ----------------------------------------------------------------


def test_registration_move_and_withdrawal_send_request_then_cancel(
    coordinator: Any, resident: Any
) -> None:
    session = SessionFactory(by=coordinator, title="フューチャーセッション「子どもの居場所」")
    registration = registration_create(session=session, user=resident)
    (confirmation,) = _send()
    assert confirmation["Subject"].endswith(
        "「フューチャーセッション『子どもの居場所』」に参加登録しました"
    )
    (ev,) = parse(_calendar_of(confirmation, "REQUEST"))
    _assert_common(ev, session, method="REQUEST")
    assert ev.attendees == [(f"mailto:{resident.email}", "ACCEPTED")]
    first_sequence = ev.sequence

    # A move: REQUEST again, same UID, a higher SEQUENCE, the new time.
    session_update(
        session=session,
        by=coordinator,
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    moved = _to(_send(), resident.email)
    (ev2,) = parse(_calendar_of(moved, "REQUEST"))
    _assert_common(ev2, session, method="REQUEST")
    assert ev2.uid == ev.uid and ev2.sequence > first_sequence

    # A new place is a change too.
    session_update(session=session, by=coordinator, venue=PlaceFactory(name="鶴川市民センター"))
    (ev3,) = parse(_calendar_of(_to(_send(), resident.email), "REQUEST"))
    assert ev3.uid == ev.uid and ev3.sequence > ev2.sequence
    assert "鶴川市民センター" in ev3.text

    # Nothing that calendars hold changed: no new version, no mail.
    session_update(session=session, by=coordinator, description="持ち物はありません")
    assert not _send()
    session.refresh_from_db()
    assert session.sequence == ev3.sequence

    # Withdrawn: CANCEL, same UID, higher SEQUENCE, STATUS:CANCELLED.
    registration_cancel(registration=registration, by=resident)
    withdrawn = _to(_send(), resident.email)
    (ev4,) = parse(_calendar_of(withdrawn, "CANCEL"))
    _assert_common(ev4, session, method="CANCEL")
    assert ev4.uid == ev.uid and ev4.sequence > ev3.sequence and ev4.status == "CANCELLED"
    assert ev4.attendees == [(f"mailto:{resident.email}", "ACCEPTED")]

    # Registering again puts it back with a REQUEST newer than the CANCEL.
    registration_create(session=session, user=resident)
    (ev5,) = parse(_calendar_of(_to(_send(), resident.email), "REQUEST"))
    assert ev5.uid == ev.uid and ev5.sequence > ev4.sequence and ev5.status == "CONFIRMED"


def test_cancelled_session_sends_cancel_to_registrants_and_invitees(
    coordinator: Any, resident: Any
) -> None:
    session = SessionFactory(by=coordinator)
    registration_create(session=session, user=resident)
    guest = UserFactory(email="guest@example.org")
    invitation_create(session=session, by=coordinator, user=guest)
    before = {m["To"]: parse(_calendar_of(m, "REQUEST"))[0] for m in _send()}
    assert before[guest.email].attendees == [(f"mailto:{guest.email}", "NEEDS-ACTION")]
    session_cancel(session=session, by=coordinator)
    after = _send()
    assert {m["To"] for m in after} == {resident.email, guest.email}
    for msg in after:
        (ev,) = parse(_calendar_of(msg, "CANCEL"))
        _assert_common(ev, session, method="CANCEL")
        assert ev.status == "CANCELLED"
        assert ev.uid == before[msg["To"]].uid and ev.sequence > before[msg["To"]].sequence


def test_waiting_list_gets_no_event_until_a_seat_frees_up(coordinator: Any) -> None:
    session = SessionFactory(by=coordinator, capacity=1)
    first, second = UserFactory(), UserFactory()
    held = registration_create(session=session, user=first)
    registration_create(session=session, user=second)  # waiting
    assert [m["To"] for m in _send()] == [first.email]
    registration_cancel(registration=held, by=first)
    sent = _send()
    parse(_calendar_of(_to(sent, first.email), "CANCEL"))
    (ev,) = parse(_calendar_of(_to(sent, second.email), "REQUEST"))
    assert ev.attendees == [(f"mailto:{second.email}", "ACCEPTED")]


def test_the_online_link_is_only_in_the_registrants_own_request(coordinator: Any) -> None:
    session = SessionFactory(
        by=coordinator,
        mode=Mode.ONLINE,
        venue=None,
        online_url=ROOM,
        district=District.objects.get(code="tsurukawa"),
    )
    person, guest = UserFactory(), UserFactory()
    registration = registration_create(session=session, user=person)
    invitation_create(session=session, by=coordinator, user=guest)
    sent = _send()
    (own,) = parse(_calendar_of(_to(sent, person.email), "REQUEST"))
    assert ROOM in own.text
    (invited,) = parse(_calendar_of(_to(sent, guest.email), "REQUEST"))
    assert "meet.example.jp" not in invited.text
    registration_cancel(registration=registration, by=person)
    (cancel,) = parse(_calendar_of(_to(_send(), person.email), "CANCEL"))
    assert "meet.example.jp" not in cancel.text


def test_a_mail_without_an_event_has_no_calendar_part(coordinator: Any) -> None:
    session = SessionFactory(by=coordinator, starts_at=timezone.now() + timedelta(hours=30))
    registration_create(session=session, user=UserFactory())
    _send()
    reminders_send_due(now=session.starts_at - timedelta(hours=2), time_budget=5)
    reminder_mail = mail.outbox[-1]
    msg = email.message_from_bytes(reminder_mail.message().as_bytes(), policy=email.policy.strict)
    assert "もうすぐ" in msg["Subject"]
    _no_calendar(msg)


def test_the_calendar_is_stored_with_the_row_and_a_retry_sends_the_same_bytes(
    coordinator: Any, resident: Any, monkeypatch: Any
) -> None:
    session = SessionFactory(by=coordinator)
    registration_create(session=session, user=resident)
    row = Reminder.objects.get(idempotency_key__endswith=":confirmed")
    assert "METHOD:REQUEST" in row.calendar
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def down(self: Any, fail_silently: bool = False) -> int:
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", down)
    reminders_send_due(time_budget=5)
    monkeypatch.setattr(EmailMessage, "send", real_send)
    # Meanwhile the session moves: the retried confirmation is the object of its moment, and
    # the move's own REQUEST (a higher SEQUENCE) follows it.
    session_update(
        session=session,
        by=coordinator,
        starts_at=session.starts_at + timedelta(hours=1),
        ends_at=session.ends_at + timedelta(hours=1),
    )
    sent = _send()
    sent += _send_later()
    retried = [m for m in sent if "参加登録しました" in m["Subject"]]
    assert len(retried) == 1
    assert retried[0]["Message-ID"].strip() == row.message_id
    assert _calendar_of(retried[0], "REQUEST") == row.calendar.encode()


def _send_later() -> list[ParsedMessage]:
    mail.outbox = []
    reminders_send_due(now=timezone.now() + timedelta(hours=1), time_budget=5)
    return [
        email.message_from_bytes(m.message().as_bytes(), policy=email.policy.strict)
        for m in mail.outbox
    ]
