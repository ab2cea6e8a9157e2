"""iCalendar objects for sessions, made with the ``icalendar`` library.

Two kinds (RFC 5545, RFC 5546 iTIP):

- ``calendar_for``: ``METHOD:PUBLISH`` — the session's .ics file and the district feeds;
- ``calendar_message``: ``METHOD:REQUEST`` / ``METHOD:CANCEL`` for one attendee, sent by mail
  (RFC 6047) with a registration, an invitation, a moved or cancelled session, a withdrawal.

Every event has a UID stable for the session and unique in the world (the site's domain), the
session's stored SEQUENCE, an ORGANIZER (``conf.CALENDAR_ORGANIZER``) and DTSTAMP = the time
the object was made. Times are written in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from machida_portal.mail import site_domain

from . import conf
from .models import FutureSession

PRODID = "-//Machida welfare portal//future sessions//JA"


def session_uid(session: FutureSession) -> str:
    return f"future-session-{session.pk}@{site_domain()}"


def _organizer() -> vCalAddress:
    name, address = parseaddr(conf.CALENDAR_ORGANIZER)
    organizer = vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["CN"] = vText(name)
    return organizer


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _event(session: FutureSession, *, url: str, with_online_link: bool, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("organizer", _organizer())
    event.add("url", url)
    lines = [_("問い: %(question)s") % {"question": session.question}]
    if session.description:
        lines.append(session.description)
    if session.online_url and with_online_link:
        lines.append(_("オンライン参加: %(url)s") % {"url": session.online_url})
    elif session.online_url:
        lines.append(_("オンライン参加のリンクは、申し込んだ方に表示されます。"))
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    if session.venue is not None:
        event.add("location", f"{session.venue.name} {session.venue.address}".strip())
    elif session.online_url:
        event.add("location", session.online_url if with_online_link else _("オンライン"))
    if session.status == FutureSession.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def _session_path(session: FutureSession) -> str:
    return reverse("future_sessions:session_detail", kwargs={"pk": session.pk})


def calendar_for(
    sessions: Iterable[FutureSession],
    request: Any,
    *,
    name: str = "",
    with_online_link: bool,
    feed: bool = False,
) -> bytes:
    """The sessions as a published iCalendar file. ``with_online_link``: the caller has checked
    that the person asking may see the sessions' online meeting links (``can_see_online_link``);
    a file without them says where to find them instead. ``feed``: a subscribed calendar, which
    says how often to fetch it again."""
    cal = _calendar("PUBLISH")
    if name:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if feed:
        every = timedelta(minutes=conf.FEED_REFRESH_MINUTES)
        cal.add("refresh-interval", every, parameters={"VALUE": "DURATION"})
        # An X- property has no known type: without vDuration it would be written "1:00:00".
        cal.add("x-published-ttl", vDuration(every))
    stamp = timezone.now().astimezone(UTC)
    for session in sessions:
        url = request.build_absolute_uri(_session_path(session))
        cal.add_component(_event(session, url=url, with_online_link=with_online_link, stamp=stamp))
    return cal.to_ical()


def calendar_message(
    session: FutureSession,
    *,
    method: str,
    email: str,
    name: str = "",
    partstat: str = "ACCEPTED",
    with_online_link: bool = False,
) -> str:
    """A ``METHOD:REQUEST`` (the event, new or changed) or ``METHOD:CANCEL`` (it is off for this
    attendee) for one attendee, with the session's SEQUENCE as it is now: the caller bumps the
    sequence first when something changed. A CANCEL always says STATUS:CANCELLED."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    cal = _calendar(method)
    event = _event(
        session,
        url=settings.SITE_URL + _session_path(session),
        with_online_link=with_online_link and method == "REQUEST",
        stamp=timezone.now().astimezone(UTC),
    )
    attendee = vCalAddress(f"mailto:{email}")
    if name:
        attendee.params["CN"] = vText(name)
    attendee.params["CUTYPE"] = vText("INDIVIDUAL")
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText(partstat)
    # Answers go through the portal's own pages, not by calendar reply to the office mailbox.
    attendee.params["RSVP"] = vText("FALSE")
    event.add("attendee", attendee)
    if method == "CANCEL":
        event.pop("STATUS")
        event.add("status", "CANCELLED")
    cal.add_component(event)
    return cal.to_ical().decode()
