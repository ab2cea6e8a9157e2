"""Writes for reminders. Call ``reminder_schedule`` inside the transaction that changes the
thing the reminder is about, so both are stored or neither is."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from machida_portal.mail import new_message_id, standard_headers

from . import conf
from .line import LinePushFailed, line_push
from .models import (
    NoticeChannel,
    NoticeGroup,
    NoticePreference,
    Notification,
    Reminder,
    validate_due_at,
)
from .selectors import line_user_id, unread_count_changed

logger = logging.getLogger(__name__)

# A reminder that fails is tried again after 5, 10, 20, 40 … minutes (never more than 6 hours
# apart: about ten hours in all, enough to ride out a mail server's evening outage), then given
# up: marked failed, with its error, for the admin and /healthz to show.
MAX_ATTEMPTS = 8
RETRY_FIRST_DELAY = timedelta(minutes=5)
RETRY_LONGEST_DELAY = timedelta(hours=6)
# Prefixes cancelled in one statement (``reminders_cancel_matching``).
_PREFIX_BATCH = 200


# "Does this reminder still apply?", per kind, asked when a reminder of that kind comes due.
# A reminder can stop applying with time alone — a consent that expires leaves a sheet that
# can no longer be received, and nothing happens on the day it lapses — so the app that owns
# the kind registers its check (from its ``AppConfig.ready``), and the sender cancels a
# reminder that no longer applies instead of sending it. The reminders app never imports the
# apps whose reminders it sends.
StillApplies = Callable[[Reminder], bool]
_still_applies: dict[str, StillApplies] = {}


def reminder_kind_check(kind: str, still_applies: StillApplies) -> None:
    """Register the check the sender asks before sending a due reminder of ``kind``. The check
    reads the live state (the reminder's ``about`` object); False cancels the reminder. One
    check per kind: registering again replaces it."""
    _still_applies[kind] = still_applies


def reminder_still_applies(reminder: Reminder) -> bool:
    check = _still_applies.get(reminder.kind)
    return check is None or check(reminder)


# Which group of notices (``NoticeGroup``) a kind belongs to, for the person's choice of email,
# LINE or both. Registered by the app that owns the kind (from its ``AppConfig.ready``); a kind
# in no group goes by email only. Consultations never notify anyone on LINE: their kinds, and
# whatever is about one of their objects, are refused here whatever is registered.
_kind_groups: dict[str, str] = {}
NEVER_ON_LINE_APPS = frozenset({"consultations"})


def reminder_kind_group(kind: str, group: str) -> None:
    """Put reminders of ``kind`` into the group of notices ``group`` (one of ``NoticeGroup``)."""
    if group not in NoticeGroup.values:
        raise ValueError(f"unknown group of notices: {group!r}")
    if kind.split(".", 1)[0] in NEVER_ON_LINE_APPS:
        raise ValueError(f"{kind!r}: consultations never notify on LINE")
    _kind_groups[kind] = group


def reminder_group(reminder: Reminder) -> str | None:
    """The group of notices the reminder is in, or None: email only."""
    group = _kind_groups.get(reminder.kind)
    if group is None or reminder.kind.split(".", 1)[0] in NEVER_ON_LINE_APPS:
        return None
    if reminder.content_type_id is not None:
        app_label = ContentType.objects.get_for_id(reminder.content_type_id).app_label
        if app_label in NEVER_ON_LINE_APPS:
            return None
    return group


def notice_channels_set(*, user: Any, channels: dict[str, str]) -> None:
    """Store how ``user`` wants each group of notices (``NoticeGroup`` → ``NoticeChannel``)."""
    for group, channel in channels.items():
        if group not in NoticeGroup.values or channel not in NoticeChannel.values:
            raise ValueError(f"{group!r}: {channel!r}")
    with transaction.atomic():
        for group, channel in channels.items():
            NoticePreference.objects.update_or_create(
                user=user, group=group, defaults={"channel": channel}
            )


def reminder_schedule(
    *,
    kind: str,
    key: str,
    due_at: datetime,
    subject: str,
    body: str,
    recipient: Any | None = None,
    recipient_email: str = "",
    url: str = "",
    about: models.Model | None = None,
    send_email: bool = True,
    calendar: str = "",
    fresh: bool = False,
) -> Reminder:
    """Create the reminder for ``key``, or move a still-pending one to the new time and text.

    The key makes scheduling idempotent: scheduling the same thing twice stores one row, and a
    reminder that has gone out is never sent again. ``calendar``: an iCalendar object (with a
    ``METHOD``) sent with the mail as ``text/calendar``, exactly as given.

    ``fresh=True``: the caller vouches that no reminder can have this key yet, because the key
    names an object created in the caller's own transaction (a new idea, a new timeline
    entry). The row is then inserted at once: one statement instead of a savepoint, a locking
    look-up and an insert in a second savepoint (decision 0026). A key that exists after all
    fails the caller's transaction (the key is unique), never sends twice.
    """
    fields = _reminder_fields(
        kind=kind,
        due_at=due_at,
        subject=subject,
        body=body,
        recipient=recipient,
        recipient_email=recipient_email,
        url=url,
        about=about,
        send_email=send_email,
        calendar=calendar,
    )
    if fresh:
        reminder = Reminder.objects.create(idempotency_key=key, **fields)
        if due_at <= timezone.now():
            transaction.on_commit(_kick)
        return reminder
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            idempotency_key=key, defaults=fields
        )
        if not created and reminder.status in (Reminder.Status.PENDING, Reminder.Status.CANCELLED):
            for name, value in fields.items():
                setattr(reminder, name, value)
            # A row cancelled before ids were stored has none yet.
            reminder.message_id = reminder.message_id or new_message_id()
            reminder.status = Reminder.Status.PENDING
            reminder.save()
    if due_at <= timezone.now():
        transaction.on_commit(_kick)
    return reminder


def _reminder_fields(
    *,
    kind: str,
    due_at: datetime,
    subject: str,
    body: str,
    recipient: Any | None,
    recipient_email: str,
    url: str,
    about: models.Model | None,
    send_email: bool,
    calendar: str,
) -> dict[str, Any]:
    if recipient is None and not recipient_email:
        raise ValueError("a reminder needs a recipient or a recipient_email")
    # Refused rather than stored: one row the sender cannot read stopped every reminder once.
    validate_due_at(due_at)
    fields: dict[str, Any] = {
        "kind": kind,
        "due_at": due_at,
        "subject": subject[:200],
        "body": body,
        "url": url,
        "recipient": recipient,
        "recipient_email": recipient_email,
        "send_email": send_email,
        "calendar": calendar,
    }
    if about is not None:
        fields["content_type"] = ContentType.objects.get_for_model(about)
        fields["object_id"] = str(about.pk)
    return fields


def reminder_fresh(
    *,
    kind: str,
    key: str,
    due_at: datetime,
    subject: str,
    body: str,
    recipient: Any | None = None,
    recipient_email: str = "",
    url: str = "",
    about: models.Model | None = None,
    send_email: bool = True,
    calendar: str = "",
) -> Reminder:
    """A reminder not yet stored, for a key the caller vouches is new (as
    ``reminder_schedule(fresh=True)``): give a transaction's new reminders to
    ``reminders_insert_fresh`` and they are stored in one statement (decision 0028)."""
    return Reminder(
        idempotency_key=key,
        **_reminder_fields(
            kind=kind,
            due_at=due_at,
            subject=subject,
            body=body,
            recipient=recipient,
            recipient_email=recipient_email,
            url=url,
            about=about,
            send_email=send_email,
            calendar=calendar,
        ),
    )


def reminders_insert_fresh(reminders: Iterable[Reminder]) -> list[Reminder]:
    """Store new reminders (``reminder_fresh``) in one insert. As with ``fresh=True``, a key
    that exists after all fails the caller's transaction on the unique index: nothing is sent
    twice. The ones already due are sent after the commit, as ``reminder_schedule`` does."""
    rows = list(reminders)
    if not rows:
        return rows
    Reminder.objects.bulk_create(rows)
    now = timezone.now()
    if any(r.due_at <= now for r in rows):
        transaction.on_commit(_kick)
    return rows


def notify(
    *,
    recipient: Any,
    key: str,
    subject: str,
    body: str = "",
    url: str = "",
    about: models.Model | None = None,
    kind: str = "notice",
    send_email: bool = True,
    calendar: str = "",
    fresh: bool = False,
) -> Reminder:
    """Tell someone something now: an in-portal notification and, by default, an email
    (with ``calendar`` attached, see ``reminder_schedule``, also for ``fresh``)."""
    return reminder_schedule(
        fresh=fresh,
        calendar=calendar,
        kind=kind,
        key=key,
        due_at=timezone.now(),
        subject=subject,
        body=body,
        recipient=recipient,
        url=url,
        about=about,
        send_email=send_email,
    )


def reminder_cancel(*, key: str) -> bool:
    """Cancel a reminder that has not gone out. Returns whether one was cancelled."""
    return reminders_cancel_matching(key=key) > 0


def reminders_cancel_matching(
    *, key: str = "", key_prefix: str = "", key_prefixes: Iterable[str] | None = None
) -> int:
    """Cancel the pending reminders with this key, or whose keys start with ``key_prefix``, or
    with one of ``key_prefixes`` (the reminders of one object, or of many — possibly none —
    whatever their keys' later parts say). Returns how many."""
    if not (key or key_prefix or key_prefixes is not None):
        raise ValueError("a key or a key prefix")
    prefixes = [p for p in (key_prefix, *(key_prefixes or ())) if p]
    qs = Reminder.objects.filter(status=Reminder.Status.PENDING)
    if key:
        return qs.filter(idempotency_key=key).update(status=Reminder.Status.CANCELLED)
    cancelled = 0
    # In batches: one statement per batch, never a condition too deep for the database.
    for start in range(0, len(prefixes), _PREFIX_BATCH):
        match = Q()
        for prefix in prefixes[start : start + _PREFIX_BATCH]:
            match |= Q(idempotency_key__startswith=prefix)
        cancelled += qs.filter(match).update(status=Reminder.Status.CANCELLED)
    return cancelled


def _kick() -> None:
    # With a broker, beat picks due rows up within REMINDER_SEND_INTERVAL_SECONDS; a web
    # request never talks to the broker. In eager mode (no Redis) there is no beat, so the
    # embedded default sends right after the commit instead.
    from machida_portal.celery import app

    if app.conf.task_always_eager:
        from .tasks import send_due_reminders

        try:
            send_due_reminders.apply()
        except Exception:
            # The action that scheduled the reminder has committed: its page says so. What
            # could not be sent stays in the table for the next run (the next kick).
            logger.exception("sending the due reminders after a commit failed")


def _line_route(reminder: Reminder) -> tuple[str, str] | None:
    """(LINE user id, channel chosen) when this reminder is to go to LINE, else None."""
    recipient = reminder.recipient
    if recipient is None or not conf.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN:
        return None
    group = reminder_group(reminder)
    if group is None:
        return None
    channel = (
        NoticePreference.objects.filter(user=recipient, group=group)
        .values_list("channel", flat=True)
        .first()
    )
    if channel not in (NoticeChannel.LINE, NoticeChannel.BOTH):
        return None
    uid = line_user_id(user=recipient)
    return (uid, channel) if uid else None


def line_text(reminder: Reminder) -> str:
    """Short, Japanese, and no more than the subject and the link: the body stays in the
    portal and the email (a LINE message is read on a lock screen)."""
    text = f"【町田市 地域福祉ポータル】\n{reminder.subject}"
    if reminder.url:
        link = reminder.url
        if link.startswith("/"):
            link = settings.SITE_URL + link
        text = f"{text}\n{link}"
    return text


def _push_to_line(reminder: Reminder, uid: str) -> str:
    """Push the reminder; returns "" when LINE has it, else why not (the caller falls back to
    email). A failure LINE may get over (429, 5xx, timeout) is raised instead while the row has
    attempts left, so the row is retried like any failed reminder, with the same retry key."""
    try:
        line_push(to=uid, text=line_text(reminder), retry_key=str(reminder.line_retry_key))
    except LinePushFailed as exc:
        if exc.transient and reminder.attempts + 1 < conf.LINE_PUSH_ATTEMPTS:
            raise
        logger.warning("reminder %s: LINE push failed, sent by email: %s", reminder.pk, exc)
        return str(exc)[:2000] or type(exc).__name__
    return ""


def _deliver(reminder: Reminder) -> None:
    """Deliver the reminder: the in-portal notification, then LINE and/or email as the person
    chose. Records on the row (unsaved; the caller saves) how it went out."""
    recipient = reminder.recipient
    if recipient is not None:
        Notification.objects.create(
            recipient=recipient,
            reminder=reminder,
            subject=reminder.subject,
            body=reminder.body,
            url=reminder.url,
        )
        recipient_id = recipient.pk
        transaction.on_commit(lambda: unread_count_changed(recipient_id))
    channels: list[str] = []
    reminder.line_error = ""
    route = _line_route(reminder) if reminder.send_email else None
    chosen = ""
    if route is not None:
        uid, chosen = route
        reminder.line_error = _push_to_line(reminder, uid)
        if not reminder.line_error:
            channels.append("line")
    address = recipient.email if recipient is not None else reminder.recipient_email
    # Email unless LINE alone was chosen and took it; a calendar event only travels by email.
    by_email = (route is None or chosen == NoticeChannel.BOTH or bool(reminder.line_error)) or bool(
        reminder.calendar
    )
    reminder.delivered_by = "+".join(channels)
    if reminder.send_email and address and by_email:
        body = reminder.body
        if reminder.url:
            link = reminder.url
            if link.startswith("/"):
                link = settings.SITE_URL + link
            body = f"{body}\n\n{link}"
        message = EmailMessage(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + reminder.subject,
            body=body,
            to=[address],
            # The row's own Message-ID, made when the row was: a mail system recognises a copy
            # sent twice after a crash between the SMTP hand-off and the commit (the only
            # window left for a duplicate) by it.
            headers=standard_headers(reminder.message_id),
        )
        if reminder.calendar:
            message.attach(calendar_part(reminder.calendar))
        message.send()
        reminder.delivered_by = "+".join([*channels, "email"])


def calendar_part(text: str) -> MIMEText:
    """An iCalendar object as the MIME part calendar programs act on (RFC 6047):
    ``text/calendar; method=…; charset=utf-8``, the method read from the object itself."""
    method = ""
    for line in text.splitlines():
        if line.upper().startswith("METHOD:"):
            method = line.split(":", 1)[1].strip().upper()
            break
    part = MIMEText(text, "calendar", "utf-8")
    if method:
        part.set_param("method", method)
    filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def reminders_send_due(*, now: datetime | None = None, time_budget: float = 50.0) -> int:
    """Send every due reminder, each in its own transaction holding its row lock.

    Two workers running this at once take different rows (``skip_locked``). A worker killed
    mid-way leaves its current row uncommitted, so it is sent by the next run, once. A row that
    fails (to be read, built or sent) is recorded as failed in a savepoint of its own and the
    run goes on with the others: one bad row never stops the mechanism.
    """
    started = timezone.now()
    deadline = started + timedelta(seconds=time_budget)
    sent = 0
    # Rows whose failure could not even be recorded: not picked again in this run.
    stuck: set[int] = set()
    while timezone.now() < deadline:
        with transaction.atomic():
            # Only the id is read here: a row whose columns cannot be loaded (a due time
            # before year 1 in UTC) must not make the query that picks the rows fail.
            pk = (
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=Reminder.Status.PENDING, due_at__lte=now or timezone.now())
                .exclude(pk__in=stuck)
                .order_by("due_at", "id")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                break
            if _send_locked(pk, stuck):
                sent += 1
    return sent


def _send_locked(pk: int, stuck: set[int]) -> bool:
    """Send the reminder whose row the caller has locked, if its kind's check says it still
    applies (else cancel it). Returns whether it went out."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.select_related("recipient").get(pk=pk)
    except Exception as exc:
        _record_failure(pk, exc, stuck, unreadable=True)
        return False
    try:
        with transaction.atomic():
            applies = reminder_still_applies(reminder)
            if applies:
                _deliver(reminder)
    except Exception as exc:
        _record_failure(pk, exc, stuck, unreadable=False)
        return False
    if not applies:
        # What it was about has moved on since it was scheduled: it never goes out.
        reminder.status = Reminder.Status.CANCELLED
        reminder.save(update_fields=["status"])
        return False
    reminder.status = Reminder.Status.SENT
    reminder.sent_at = timezone.now()
    reminder.attempts += 1
    reminder.save(update_fields=["status", "sent_at", "attempts", "delivered_by", "line_error"])
    return True


def _record_failure(pk: int, exc: Exception, stuck: set[int], *, unreadable: bool) -> None:
    """Count the attempt and keep the error; retry later with a growing delay, or give up.

    A row that cannot be read is given up at once (trying again reads it again) and gets the
    time it was given up as its due time, so the admin can show it; the stored value it had
    is kept in the error text.
    """
    logger.warning("reminder %s failed: %s", pk, exc)
    error = f"{type(exc).__name__}: {exc}"
    try:
        with transaction.atomic():
            row = Reminder.objects.filter(pk=pk)
            attempts = row.values_list("attempts", flat=True).get() + 1
            changes: dict[str, Any] = {"attempts": attempts}
            if unreadable:
                stored = row.annotate(raw=Cast("due_at", models.TextField()))
                error += f" (stored due time: {stored.values_list('raw', flat=True).get()})"
                changes.update(status=Reminder.Status.FAILED, due_at=timezone.now())
            elif attempts >= MAX_ATTEMPTS:
                changes["status"] = Reminder.Status.FAILED
            else:
                delay = min(RETRY_FIRST_DELAY * 2 ** (attempts - 1), RETRY_LONGEST_DELAY)
                changes["due_at"] = timezone.now() + delay
            row.update(last_error=error[:2000], **changes)
    except Exception:
        logger.exception("reminder %s: its failure could not be recorded", pk)
        stuck.add(pk)


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        unread_count_changed(notification.recipient_id)


def notifications_mark_all_read(*, user: Any) -> int:
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_count_changed(user.pk)
    return count
