"""Writes for future sessions. Every change that people are reminded about schedules (or moves,
or cancels) its reminders inside the same transaction, through ``reminders.services``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from directory.fiscal import fiscal_year_of
from directory.models import Membership, Organization
from machida_portal.mail import quoted
from machida_portal.public_cache import pages_changed
from machida_portal.states import system_may
from reminders.services import (
    notify,
    reminder_cancel,
    reminder_schedule,
    reminders_cancel_matching,
)

from . import conf
from .ical import calendar_message
from .models import (
    ActionReview,
    DistrictVision,
    FutureSession,
    Invitation,
    OrganizationConnection,
    Registration,
    SessionOutcome,
    SessionPhoto,
    VisionAction,
    session_dates_errors,
    session_dates_moved,
)
from .policies import (
    ACTION_STATES,
    AGENDA_OUTCOME_NOTICE,
    CANCELLED_NOTICE,
    INVITATION_STATES,
    INVITEE_UPDATE,
    REGISTRATION_STATES,
    SEAT_NOTICE,
    SESSION_STATES,
    WITHDRAWN_NOTICE,
    action_can,
    can_see_online_link,
    invitation_can,
    registration_can,
    session_can,
)

SESSION_FIELDS = [
    "kind",
    "title",
    "question",
    "description",
    "starts_at",
    "ends_at",
    "mode",
    "venue",
    "online_url",
    "capacity",
    "district",
    "audience",
    "organizer_organization",
]


CACHE_SCOPE = "sessions"


def _public_pages_changed() -> None:
    """Make the cached public pages (calendar, session pages, visions) stale after the commit."""
    pages_changed(CACHE_SCOPE)


def _when(session: FutureSession) -> str:
    return date_format(timezone.localtime(session.starts_at), "Y年n月j日 H:i")


def _stamp(moment: datetime) -> str:
    """A time for a reminder key: always UTC, whatever zone ``moment`` carries (a form's times
    are in Tokyo, a row read back from the database is in UTC; a key must not differ by it)."""
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M}Z"


def _session_url(session: FutureSession) -> str:
    return reverse("future_sessions:session_detail", kwargs={"pk": session.pk})


# --- sessions -------------------------------------------------------------------------------


def session_create(
    *, by: Any, themes: Iterable[Any] = (), agenda_ideas: Iterable[Any] = (), **fields: Any
) -> FutureSession:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    session = FutureSession(organizer=by, **fields)
    session.full_clean()
    _refuse_dates_out_of_window(session)
    with transaction.atomic():
        session.save()
        session.themes.set(list(themes))
        session.agenda_ideas.set(list(agenda_ideas))
        _take_up_agenda_ideas(session, by, before=set())
        _schedule_session_reminders(session)
        _public_pages_changed()
    return session


def session_update(
    *,
    session: FutureSession,
    by: Any,
    themes: Iterable[Any] | None = None,
    agenda_ideas: Iterable[Any] | None = None,
    **fields: Any,
) -> FutureSession:
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = FutureSession.objects.select_for_update().get(pk=session.pk)
        old_start, old_end = locked.starts_at, locked.ends_at
        old_place = _place(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        retimed = session_dates_moved((old_start, old_end), (locked.starts_at, locked.ends_at))
        if retimed:
            _refuse_dates_out_of_window(locked)
        replaced = _place(locked) != old_place
        if retimed or replaced:
            # Calendars that hold the event take the new version only with a higher SEQUENCE.
            locked.sequence += 1
        locked.save()
        if themes is not None:
            locked.themes.set(list(themes))
        if agenda_ideas is not None:
            before = set(locked.agenda_ideas.values_list("pk", flat=True))
            locked.agenda_ideas.set(list(agenda_ideas))
            _take_up_agenda_ideas(locked, by, before=before)
        moved = locked.starts_at != old_start
        if moved:
            # Every reminder for the old time goes, whatever its key says about that time; the
            # new ones are scheduled below.
            _cancel_all_registrant_reminders(locked)
        if retimed or replaced:
            # Everyone who was sent the event gets the new version (METHOD:REQUEST with the
            # higher SEQUENCE); the key carries the sequence, so each change is told once.
            if retimed:
                subject = _("%(title)sの日時が変わりました") % {"title": quoted(locked.title)}
            else:
                subject = _("%(title)sの会場・参加方法が変わりました") % {
                    "title": quoted(locked.title)
                }
            body = _("新しい日時: %(when)s\n会場: %(venue)s") % {
                "when": _when(locked),
                "venue": _venue_text(locked),
            }
            for registration in _registered_people(locked):
                notify(
                    kind=SEAT_NOTICE,
                    recipient=registration.user,
                    key=f"session:{locked.pk}:registration:{registration.pk}:changed:"
                    f"{locked.sequence}",
                    subject=subject,
                    body=body,
                    url=_session_url(locked),
                    about=registration,
                    calendar=_registrant_calendar(locked, registration, "REQUEST"),
                )
            for invitation in _invitations_holding_the_event(locked):
                reminder_schedule(
                    kind=INVITEE_UPDATE,
                    key=f"session:{locked.pk}:invitation:{invitation.pk}:changed:{locked.sequence}",
                    due_at=timezone.now(),
                    subject=subject,
                    body=body,
                    url=_session_url(locked),
                    about=invitation,
                    calendar=_invitation_calendar(locked, invitation, "REQUEST"),
                    **_recipient(invitation),
                )
        # More seats (or no limit any more) move people up from the waiting list.
        _promote_waiting(locked)
        # The owners asked before the meeting follow its district and kind as they are now.
        _cancel_action_owner_reminders(locked)
        _schedule_session_reminders(locked)
        _public_pages_changed()
    return locked


def _place(session: FutureSession) -> tuple[Any, ...]:
    """Where the session is: a change of any of it is a change attendees' calendars hear of."""
    return (session.mode, session.venue_id, session.online_url)


def _venue_text(session: FutureSession) -> str:
    if session.venue is not None:
        return str(session.venue)
    return _("オンライン")


# --- calendar objects sent by mail ----------------------------------------------------------
# Built when the notice is scheduled and stored with it (``Reminder.calendar``): the object
# carries the SEQUENCE of that moment, and a retry sends the very same bytes. A notice that puts
# the event (with a registrant's online link) in a calendar is of a kind whose check
# (``policies.reminder_checks``) drops it if the seat or invitation is gone by the time it is
# due.


def _registered_people(session: FutureSession) -> list[Registration]:
    """The registrations holding a seat, with an account to write to."""
    return list(
        session.registrations.filter(
            status=Registration.Status.REGISTERED, user__isnull=False
        ).select_related("user")
    )


def _invitations_holding_the_event(session: FutureSession) -> list[Invitation]:
    """Invitations not declined: their invitation mail put the event in a calendar."""
    return list(session.invitations.exclude(status=Invitation.Status.DECLINED))


def _registrant_calendar(session: FutureSession, registration: Registration, method: str) -> str:
    user = registration.user
    if user is None:  # a walk-in: nobody to write to
        return ""
    return calendar_message(
        session,
        method=method,
        email=user.email,
        name=user.display_name or "",
        partstat="ACCEPTED",
        with_online_link=can_see_online_link(user, session, registration),
    )


def _invitation_calendar(session: FutureSession, invitation: Invitation, method: str) -> str:
    return calendar_message(
        session,
        method=method,
        email=invitation.email,
        name=invitation.name,
        partstat="ACCEPTED" if invitation.status == Invitation.Status.ACCEPTED else "NEEDS-ACTION",
        # The invitation is not a registration: the link waits until they register.
        with_online_link=invitation.user is not None
        and can_see_online_link(invitation.user, session, None),
    )


def _refuse_dates_out_of_window(session: FutureSession) -> None:
    """New dates lie in the window around today (the model checks only the absolute range,
    so that a session held years ago can still be corrected)."""
    errors = session_dates_errors(session.starts_at, session.ends_at, entered=True)
    if errors:
        raise ValidationError(errors)


def session_cancel(*, session: FutureSession, by: Any) -> FutureSession:
    with transaction.atomic():
        locked = FutureSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == FutureSession.Status.CANCELLED:
            raise ValidationError(_("このセッションはすでに中止になっています。"))
        locked.sequence += 1
        SESSION_STATES.move(
            locked,
            FutureSession.Status.CANCELLED,
            may=lambda action: session_can(by, action, locked),
            by=by,
            update_fields=["updated_at", "sequence"],
        )
        reminder_cancel(key=f"session:{locked.pk}:organizer:outcome")
        _cancel_all_registrant_reminders(locked)
        subject = _("%(title)sは中止になりました") % {"title": quoted(locked.title)}
        for registration in locked.registrations.exclude(
            status=Registration.Status.CANCELLED
        ).select_related("user"):
            if registration.user is not None:
                # Only a seat holder was sent the event; the waiting list is just told.
                registered = registration.status == Registration.Status.REGISTERED
                notify(
                    kind=CANCELLED_NOTICE,
                    recipient=registration.user,
                    key=f"session:{locked.pk}:registration:{registration.pk}:cancelled-session",
                    subject=subject,
                    body=_("ご登録いただいたのに申し訳ありません。"),
                    url=_session_url(locked),
                    about=locked,
                    calendar=_registrant_calendar(locked, registration, "CANCEL")
                    if registered
                    else "",
                )
        for invitation in _invitations_holding_the_event(locked):
            reminder_cancel(key=_invitation_reminder_key(invitation))
            reminder_schedule(
                kind=CANCELLED_NOTICE,
                key=f"session:{locked.pk}:invitation:{invitation.pk}:cancelled-session",
                due_at=timezone.now(),
                subject=subject,
                body=_("ご招待していたセッションは中止になりました。申し訳ありません。"),
                url=_session_url(locked),
                about=locked,
                calendar=_invitation_calendar(locked, invitation, "CANCEL"),
                **_recipient(invitation),
            )
        _cancel_action_owner_reminders(locked)
        _public_pages_changed()
    return locked


def _schedule_session_reminders(session: FutureSession) -> None:
    """(Re)schedule everything that depends on the session's time. Keys are stable, so calling
    this again moves pending reminders instead of adding new ones."""
    if session.status != FutureSession.Status.SCHEDULED:
        return
    # Once the outcome is recorded its reminder is cancelled; scheduling it again would re-arm it.
    if not SessionOutcome.objects.filter(session=session).exists():
        _schedule_outcome_reminder(session)
    for registration in session.registrations.filter(
        status=Registration.Status.REGISTERED, user__isnull=False
    ).select_related("user"):
        _schedule_registrant_reminders(registration, session)
    for invitation in session.invitations.filter(status=Invitation.Status.PENDING):
        _schedule_invitation_reminder(invitation, session)
    if session.kind == FutureSession.Kind.DISTRICT_MEETING and session.district_id:
        _schedule_action_owner_reminders(session)


def _schedule_outcome_reminder(session: FutureSession) -> None:
    reminder_schedule(
        kind="future_session.outcome",
        key=f"session:{session.pk}:organizer:outcome",
        due_at=session.ends_at + timedelta(hours=conf.OUTCOME_REMINDER_AFTER_HOURS),
        subject=_("%(title)sの開催結果を記録してください") % {"title": quoted(session.title)},
        body=_(
            "まとめ、写真、参加者数、新しいつながりを記録すると、セッションのページで公開されます。"
        ),
        recipient=session.organizer,
        url=reverse("future_sessions:outcome_edit", kwargs={"pk": session.pk}),
        about=session,
    )


def _registrant_prefix(registration: Registration) -> str:
    """What every reminder of one registration's key starts with (not its notices: moved,
    promoted, cancelled, which are told at once)."""
    return _reminder_prefix(registration.session_id, registration.pk)


def _reminder_prefix(session_id: int, registration_id: int) -> str:
    return f"session:{session_id}:registration:{registration_id}:reminder:"


def _registrant_key(registration: Registration, hours: int, starts_at: datetime) -> str:
    # The start time (in UTC) is part of the key: when the session moves, the reminders for
    # the new time are new rows, due even if one for the old time had already gone out.
    # Cancelling never rebuilds a key: it goes by ``_registrant_prefix``.
    return f"{_registrant_prefix(registration)}{hours}h:{_stamp(starts_at)}"


def _schedule_registrant_reminders(registration: Registration, session: FutureSession) -> None:
    if registration.user is None:
        return
    now = timezone.now()
    for hours in conf.REGISTRANT_REMINDER_HOURS:
        due = session.starts_at - timedelta(hours=hours)
        if due <= now:
            continue  # a "two days before" reminder sent an hour before would mislead
        reminder_schedule(
            kind="future_session.registrant",
            key=_registrant_key(registration, hours, session.starts_at),
            due_at=due,
            subject=_("もうすぐ%(title)sです") % {"title": quoted(session.title)},
            body=_("日時: %(when)s\n会場: %(venue)s")
            % {"when": _when(session), "venue": session.venue or session.online_url},
            recipient=registration.user,
            url=_session_url(session),
            about=session,
        )


def _cancel_registrant_reminders(registration: Registration) -> None:
    reminders_cancel_matching(key_prefix=_registrant_prefix(registration))


def _cancel_all_registrant_reminders(session: FutureSession) -> None:
    """Every registrant reminder of the session, in one statement per 200 registrations
    (each live registration's prefix; the registrations' own notices keep going out)."""
    registrations = session.registrations.exclude(status=Registration.Status.CANCELLED)
    reminders_cancel_matching(
        key_prefixes=[
            _reminder_prefix(session.pk, pk) for pk in registrations.values_list("pk", flat=True)
        ]
    )


def _action_owner_users(session: FutureSession) -> list[Any]:
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__is_active=True,
            memberships__organization__vision_actions__vision__district=session.district,
        ).distinct()
    )


def _schedule_action_owner_reminders(session: FutureSession) -> None:
    due = max(
        session.starts_at - timedelta(days=conf.ACTION_REMINDER_DAYS_BEFORE),
        timezone.now() + timedelta(minutes=1),
    )
    if due >= session.starts_at:
        return
    url = reverse("future_sessions:my_actions")
    for user in _action_owner_users(session):
        reminder_schedule(
            kind="future_session.action_owner",
            key=f"session:{session.pk}:action-owner:{user.pk}",
            due_at=due,
            subject=_("地区別懇談会の前に、取り組みの状況を更新してください"),
            body=_("%(when)s に「%(title)s」があります。担当の取り組みの進み具合を教えてください。")
            % {"when": _when(session), "title": session.title},
            recipient=user,
            url=url,
            about=session,
        )


def _cancel_action_owner_reminders(session: FutureSession) -> None:
    """By prefix, not from today's owners: someone who has left an owning organization since
    the reminder was scheduled is no longer asked."""
    reminders_cancel_matching(key_prefix=f"session:{session.pk}:action-owner:")


# --- registrations --------------------------------------------------------------------------


def _seats_taken(session: FutureSession) -> int:
    total = session.registrations.filter(status=Registration.Status.REGISTERED).aggregate(
        n=Sum("seats")
    )["n"]
    return int(total or 0)


def seats_left(session: FutureSession) -> int | None:
    if session.capacity is None:
        return None
    return max(session.capacity - _seats_taken(session), 0)


def registration_create(
    *,
    session: FutureSession,
    user: Any,
    seats: int = 1,
    organization: Organization | None = None,
    needs: dict[str, Any] | None = None,
) -> Registration:
    """Register ``user`` (or their organization's group of ``seats``), or put them on the
    waiting list when the seats are gone. The session row is locked, so people racing for the
    last seats are served one after the other."""
    if seats < 1:
        raise ValidationError(_("人数は1人以上にしてください。"))
    if organization is None and seats != 1:
        raise ValidationError(_("2人以上で申し込むときは、団体を選んでください。"))
    if (
        organization is not None
        and not Membership.objects.filter(
            user=user, organization=organization, is_active=True
        ).exists()
    ):
        raise ValidationError(_("所属している団体でのみ団体申込ができます。"))
    with transaction.atomic():
        locked = FutureSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != FutureSession.Status.SCHEDULED:
            raise ValidationError(_("このセッションは中止になったため、申し込めません。"))
        if locked.ends_at < timezone.now():
            raise ValidationError(_("このセッションは終了しました。"))
        if (
            locked.registrations.filter(user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .exists()
        ):
            raise ValidationError(_("このセッションにはすでに申し込んでいます。"))
        if locked.capacity is not None and seats > locked.capacity:
            # Such a group could never move up, and would block the waiting list behind it.
            raise ValidationError(
                _("人数が定員（%(n)d 人）を超えています。") % {"n": locked.capacity}
            )
        fits = locked.capacity is None or _seats_taken(locked) + seats <= locked.capacity
        registration = Registration(
            session=locked,
            user=user,
            organization=organization,
            seats=seats,
            status=Registration.Status.REGISTERED if fits else Registration.Status.WAITING,
            **(needs or {}),
        )
        registration.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:
            raise ValidationError(_("このセッションにはすでに申し込んでいます。")) from exc
        if fits:
            if locked.registrations.filter(
                user=user, status=Registration.Status.CANCELLED
            ).exists():
                # Their calendar holds this event as cancelled (the withdrawal's CANCEL): the
                # REQUEST that puts it back must be newer.
                _bump_sequence(locked)
            _schedule_registrant_reminders(registration, locked)
            _confirm_seat(
                registration,
                locked,
                key="confirmed",
                subject=_("%(title)sに参加登録しました") % {"title": quoted(locked.title)},
                body=_(
                    "日時: %(when)s\n会場: %(venue)s\n\n添付の予定表ファイルを"
                    "カレンダーに取り込めます。"
                )
                % {"when": _when(locked), "venue": _venue_text(locked)},
            )
        _public_pages_changed()
    return registration


def _bump_sequence(session: FutureSession) -> None:
    """One more SEQUENCE for a session whose row the caller holds locked."""
    session.sequence += 1
    session.save(update_fields=["sequence", "updated_at"])


def _confirm_seat(
    registration: Registration, session: FutureSession, *, key: str, subject: str, body: str
) -> None:
    """Tell a registrant they have a seat, with the event for their calendar."""
    if registration.user is None:
        return
    notify(
        kind=SEAT_NOTICE,
        recipient=registration.user,
        key=f"session:{session.pk}:registration:{registration.pk}:{key}",
        subject=subject,
        body=body,
        url=_session_url(session),
        about=registration,
        calendar=_registrant_calendar(session, registration, "REQUEST"),
    )


def registration_cancel(*, registration: Registration, by: Any) -> Registration:
    with transaction.atomic():
        session = FutureSession.objects.select_for_update().get(pk=registration.session_id)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == Registration.Status.CANCELLED:
            raise ValidationError(_("この申込はすでに取り消されています。"))
        was_registered = locked.status == Registration.Status.REGISTERED
        locked.cancelled_at = timezone.now()
        REGISTRATION_STATES.move(
            locked,
            Registration.Status.CANCELLED,
            may=lambda action: registration_can(by, action, locked),
            by=by,
            update_fields=["cancelled_at"],
        )
        _cancel_registrant_reminders(locked)
        if was_registered:
            if locked.user is not None:
                # The event leaves their calendar: CANCEL, same UID, a higher SEQUENCE.
                _bump_sequence(session)
                notify(
                    kind=WITHDRAWN_NOTICE,
                    recipient=locked.user,
                    key=f"session:{session.pk}:registration:{locked.pk}:withdrawn",
                    subject=_("%(title)sへの参加申込を取り消しました")
                    % {"title": quoted(session.title)},
                    body=_("日時: %(when)s") % {"when": _when(session)},
                    url=_session_url(session),
                    about=session,
                    calendar=_registrant_calendar(session, locked, "CANCEL"),
                )
            _promote_waiting(session)
        _public_pages_changed()
    return locked


def _promote_waiting(session: FutureSession) -> list[Registration]:
    """Move people up from the waiting list in the order they asked, while their seats fit.
    The caller holds the session's lock."""
    promoted: list[Registration] = []
    if session.status != FutureSession.Status.SCHEDULED:
        return promoted
    taken = _seats_taken(session)
    for waiting in (
        session.registrations.filter(status=Registration.Status.WAITING)
        .order_by("created_at", "id")
        .select_related("user")
    ):
        if session.capacity is not None and taken + waiting.seats > session.capacity:
            break  # first come, first served: nobody jumps the queue with a smaller group
        REGISTRATION_STATES.move(waiting, Registration.Status.REGISTERED, may=system_may)
        taken += waiting.seats
        promoted.append(waiting)
        _schedule_registrant_reminders(waiting, session)
        _confirm_seat(
            waiting,
            session,
            key="promoted",
            subject=_("%(title)sに参加できるようになりました") % {"title": quoted(session.title)},
            body=_("キャンセルが出たため、キャンセル待ちから参加登録に変わりました。日時: %(when)s")
            % {"when": _when(session)},
        )
    return promoted


def walk_in_add(*, session: FutureSession, name: str, by: Any) -> Registration:
    name = name.strip()
    if not name:
        raise ValidationError(_("当日参加の方のお名前を入れてください。"))
    with transaction.atomic():
        FutureSession.objects.select_for_update().get(pk=session.pk)
        _public_pages_changed()
        return Registration.objects.create(
            session=session,
            walk_in_name=name[:100],
            is_walk_in=True,
            status=Registration.Status.REGISTERED,
            attendance=Registration.Attendance.ATTENDED,
        )


def attendance_mark(*, registration: Registration, attendance: str, by: Any) -> Registration:
    if attendance not in Registration.Attendance.values:
        raise ValidationError(_("出欠の値が正しくありません。"))
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(_("参加登録済みの方だけ出欠を記録できます。"))
    registration.attendance = attendance
    registration.save(update_fields=["attendance"])
    return registration


# --- invitations ----------------------------------------------------------------------------

_SIGNER_SALT = "future_sessions.invitation"


class InvitationLinkError(Exception):
    """A personal link that cannot be used; the message is for the person who clicked it."""


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign(str(invitation.pk))


def invitation_url(invitation: Invitation) -> str:
    return reverse(
        "future_sessions:invitation_respond", kwargs={"token": invitation_token(invitation)}
    )


def invitation_from_token(token: str) -> Invitation:
    signer = signing.TimestampSigner(salt=_SIGNER_SALT)
    try:
        pk = signer.unsign(token, max_age=timedelta(days=conf.INVITATION_MAX_AGE_DAYS))
    except signing.SignatureExpired as exc:
        raise InvitationLinkError(
            _("この招待のリンクは有効期限が切れています。主催者にお問い合わせください。")
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationLinkError(_("この招待のリンクは正しくありません。")) from exc
    invitation = (
        Invitation.objects.select_related("session", "session__venue", "organization")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        raise InvitationLinkError(_("この招待のリンクは正しくありません。"))
    return invitation


def _invitation_reminder_key(invitation: Invitation) -> str:
    return f"session:{invitation.session_id}:invitation:{invitation.pk}:reminder"


def _recipient(invitation: Invitation) -> dict[str, Any]:
    if invitation.user is not None:
        return {"recipient": invitation.user}
    return {"recipient_email": invitation.email}


def _schedule_invitation_reminder(invitation: Invitation, session: FutureSession) -> None:
    due = min(
        invitation.created_at + timedelta(days=conf.INVITATION_REMINDER_AFTER_DAYS),
        session.starts_at - timedelta(days=2),
    )
    if due <= timezone.now():
        return
    reminder_schedule(
        kind="future_session.invitation_reminder",
        key=_invitation_reminder_key(invitation),
        due_at=due,
        subject=_("【再送】%(title)sへのご招待") % {"title": quoted(session.title)},
        body=_("まだお返事をいただいていません。下のリンクから参加・不参加をお知らせください。"),
        url=invitation_url(invitation),
        about=session,
        **_recipient(invitation),
    )


def invitation_create(
    *,
    session: FutureSession,
    by: Any,
    organization: Organization | None = None,
    user: Any | None = None,
) -> Invitation:
    if (organization is None) == (user is None):
        raise ValidationError(_("招待する団体か人を、どちらか一つ選んでください。"))
    if user is None and organization is not None:
        email, name = organization.email, organization.name
        if not email:
            raise ValidationError(
                _("「%(name)s」には連絡用メールが登録されていません。") % {"name": name}
            )
    elif user is not None:
        email, name = user.email, (user.display_name or user.email)
    else:  # unreachable: exactly one of the two is set (checked above)
        raise ValidationError(_("招待する団体か人を、どちらか一つ選んでください。"))
    if session.status != FutureSession.Status.SCHEDULED or session.is_past:
        raise ValidationError(_("終了したか中止になったセッションには招待できません。"))
    with transaction.atomic():
        FutureSession.objects.select_for_update().get(pk=session.pk)
        if session.invitations.filter(email__iexact=email).exists():
            raise ValidationError(_("%(name)s はすでに招待しています。") % {"name": name})
        invitation = Invitation.objects.create(
            session=session,
            organization=organization,
            user=user,
            email=email,
            name=name,
            invited_by=by,
        )
        body = _(
            "%(name)s さま\n\n「%(title)s」にご招待します。\n問い: %(question)s\n日時: %(when)s\n\n"
            "下のリンクから、ログインせずに参加・不参加をお知らせいただけます。"
        ) % {
            "name": name,
            "title": session.title,
            "question": session.question,
            "when": _when(session),
        }
        reminder_schedule(
            kind="future_session.invitation",
            key=f"session:{session.pk}:invitation:{invitation.pk}:sent",
            due_at=timezone.now(),
            subject=_("%(title)sへのご招待") % {"title": quoted(session.title)},
            body=body,
            url=invitation_url(invitation),
            about=session,
            calendar=_invitation_calendar(session, invitation, "REQUEST"),
            **_recipient(invitation),
        )
        _schedule_invitation_reminder(invitation, session)
    return invitation


def invitation_respond(*, invitation: Invitation, accept: bool) -> Invitation:
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update().select_related("session").get(pk=invitation.pk)
        )
        if locked.status != Invitation.Status.PENDING:
            raise InvitationLinkError(
                _("この招待にはすでにお返事をいただいています（%(answer)s）。")
                % {"answer": locked.get_status_display()}
            )
        if locked.session.is_past or locked.session.is_cancelled:
            raise InvitationLinkError(_("このセッションは終了したか中止になりました。"))
        locked.responded_at = timezone.now()
        INVITATION_STATES.move(
            locked,
            Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED,
            may=lambda action: invitation_can(None, action, locked),
            update_fields=["responded_at"],
        )
        reminder_cancel(key=_invitation_reminder_key(locked))
    return locked


# --- outcomes -------------------------------------------------------------------------------


def outcome_record(
    *,
    session: FutureSession,
    by: Any,
    summary: str,
    participant_count: int,
    photos: Iterable[Any] = (),
    connections: Iterable[tuple[Organization, Organization]] = (),
    new_ideas: Iterable[str] = (),
) -> SessionOutcome:
    """Record (or update) the outcome. Ideas that came up are created as ideas linked to the
    session, and each resident whose idea was on the agenda is told what happened, once."""
    if participant_count < 0:
        raise ValidationError(_("参加者数は0以上にしてください。"))
    if participant_count > conf.PARTICIPANT_COUNT_MAX:
        raise ValidationError(
            _("参加者数は%(max)d人以下にしてください。") % {"max": conf.PARTICIPANT_COUNT_MAX}
        )
    if session.starts_at > timezone.now():
        raise ValidationError(_("開催結果はセッションが始まってから記録できます。"))
    with transaction.atomic():
        outcome, _created = SessionOutcome.objects.update_or_create(
            session=session,
            defaults={
                "summary": summary,
                "participant_count": participant_count,
                "recorded_by": by,
            },
        )
        for photo in photos:
            item = SessionPhoto(session=session)
            item.image.save(photo.name, photo, save=False)
            item.save()
        for first, second in connections:
            if first.pk == second.pk:
                raise ValidationError(_("つながりには、ちがう2つの団体を選んでください。"))
            a, b = sorted((first, second), key=lambda o: o.pk)
            OrganizationConnection.objects.get_or_create(session=session, first=a, second=b)
        _ideas_from_outcome(session, by, new_ideas)
        _tell_agenda_authors(session, summary)
        reminder_cancel(key=f"session:{session.pk}:organizer:outcome")
        _public_pages_changed()
    return outcome


# --- district visions -----------------------------------------------------------------------


def vision_save(
    *, district: Any, by: Any, vision: str, themes: Iterable[Any] = ()
) -> DistrictVision:
    item = DistrictVision.objects.filter(district=district).first() or DistrictVision(
        district=district
    )
    item.vision = vision
    item.full_clean()
    with transaction.atomic():
        item.save()
        item.themes.set(list(themes))
        _public_pages_changed()
    return item


def action_create(*, vision: DistrictVision, by: Any, **fields: Any) -> VisionAction:
    action = VisionAction(vision=vision, **fields)
    action.full_clean()
    with transaction.atomic():
        action.save()
        _public_pages_changed()
    return action


def action_review_record(
    *,
    action: VisionAction,
    by: Any,
    status: str,
    note: str = "",
    evidence: str = "",
    fiscal_year: int | None = None,
) -> ActionReview:
    """Record this year's progress of an action and keep the action's current status with it.
    One review per action and fiscal year: recording again updates it."""
    year = fiscal_year or fiscal_year_of(timezone.now())
    meeting = (
        FutureSession.objects.filter(
            kind=FutureSession.Kind.DISTRICT_MEETING,
            district_id=action.vision.district_id,
            status=FutureSession.Status.SCHEDULED,
        )
        .order_by("-starts_at")
        .first()
    )
    with transaction.atomic():
        locked = VisionAction.objects.select_for_update().get(pk=action.pk)
        review = ActionReview.objects.filter(action=locked, fiscal_year=year).first()
        if review is None:
            review = ActionReview(action=locked, fiscal_year=year)
        # The review is this year's record of what was said: its ``status`` is a snapshot of
        # the action's progress, not a state of its own (the action's moves are checked below).
        recorded = {"status": status, "note": note, "evidence": evidence, "reviewed_by": by}
        if meeting is not None and fiscal_year_of(meeting.starts_at) == year:
            recorded["meeting"] = meeting
        for name, value in recorded.items():
            setattr(review, name, value)
        review.full_clean()
        review.save()  # undone with the rest if the move below is refused
        if locked.status != status:
            ACTION_STATES.move(
                locked,
                status,
                may=lambda a: action_can(by, a, locked),
                by=by,
                update_fields=["updated_at"],
            )
        else:
            locked.save(update_fields=["updated_at"])
        _public_pages_changed()
    return review


# --- ideas and projects ---------------------------------------------------------------------


def _take_up_agenda_ideas(session: FutureSession, by: Any, before: set[int]) -> None:
    """Ideas newly put on the agenda move to "taken up at a future session"; their authors
    are told by the ideas app's own transition."""
    from projects.models import Idea
    from projects.policies import idea_may_move
    from projects.services import idea_transition

    for idea in session.agenda_ideas.exclude(pk__in=before):
        if idea_may_move(idea, Idea.Status.SESSION):
            idea_transition(
                idea=idea,
                to=Idea.Status.SESSION,
                by=by,
                message=_("フューチャーセッション「%(title)s」（%(when)s）で取り上げます。")
                % {"title": session.title, "when": _when(session)},
            )


def invitations_for_agenda_authors(*, session: FutureSession, by: Any) -> list[Invitation]:
    """Invite every resident whose idea is on the agenda and who is not invited yet."""
    invited = set(session.invitations.values_list("user_id", flat=True))
    made = []
    for idea in session.agenda_ideas.select_related("author"):
        author = idea.author
        if author is None or author.pk in invited or not author.is_active:
            continue
        made.append(invitation_create(session=session, by=by, user=author))
        invited.add(author.pk)
    return made


def _ideas_from_outcome(session: FutureSession, by: Any, titles: Iterable[str]) -> None:
    from projects.models import Idea
    from projects.policies import idea_may_move
    from projects.services import idea_create, idea_transition

    existing = set(session.generated_ideas.values_list("title", flat=True))
    themes = list(session.themes.all())
    for raw in titles:
        title = raw.strip()[:100]
        if not title or title in existing:
            continue
        idea = idea_create(
            by=by,
            kind=Idea.Kind.WANT,
            title=title,
            description=_("フューチャーセッション「%(title)s」（%(when)s）で生まれたアイデアです。")
            % {"title": session.title, "when": _when(session)},
            district=session.district,
            themes=themes,
            is_public=True,
        )
        if idea_may_move(idea, Idea.Status.SESSION):
            idea = idea_transition(
                idea=idea,
                to=Idea.Status.SESSION,
                by=by,
                message=_("セッションで生まれたアイデアとして登録しました。"),
            )
        session.generated_ideas.add(idea)
        existing.add(title)


def _tell_agenda_authors(session: FutureSession, summary: str) -> None:
    for idea in session.agenda_ideas.select_related("author"):
        if idea.author is None:
            continue
        notify(
            kind=AGENDA_OUTCOME_NOTICE,
            recipient=idea.author,
            key=f"session:{session.pk}:agenda-idea:{idea.pk}:outcome",
            subject=_("あなたのアイデア%(idea)sを取り上げたセッションの結果")
            % {"idea": quoted(idea.title)},
            body=summary[:1000],
            url=_session_url(session),
            about=session,
        )


def session_project_start(*, session: FutureSession, by: Any, title: str, purpose: str) -> Any:
    """Start a community project prefilled from the session: its district, themes, agenda
    ideas (which become "became a project", their authors told) and organizing organization."""
    from projects.models import Idea
    from projects.services import project_create

    with transaction.atomic():
        project = project_create(
            title=title,
            purpose=purpose,
            by=by,
            districts=[session.district] if session.district is not None else [],
            themes=list(session.themes.all()),
            ideas=list(session.agenda_ideas.exclude(status=Idea.Status.MERGED)),
            lead_organization=session.organizer_organization,
            message=_(
                "フューチャーセッション「%(title)s」からプロジェクト「%(project)s」が始まります。"
            )
            % {"title": session.title, "project": title},
        )
        session.resulting_projects.add(project)
        _public_pages_changed()
    return project
