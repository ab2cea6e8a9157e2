"""iCalendar files for sessions, made with the ``icalendar`` library."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import FutureSession


def calendar_for(
    sessions: Iterable[FutureSession], request: Any, *, name: str = "", with_online_link: bool
) -> bytes:
    """The sessions as an iCalendar file. ``with_online_link``: the caller has checked that the
    person asking may see the sessions' online meeting links (``can_see_online_link``); a file
    without them says where to find them instead."""
    cal = Calendar()
    cal.add("prodid", "-//Machida welfare portal//future sessions//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        event = Event()
        event.add("uid", f"future-session-{session.pk}@machida-portal")
        event.add("summary", session.title)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("dtstamp", session.updated_at)
        url = request.build_absolute_uri(
            reverse("future_sessions:session_detail", kwargs={"pk": session.pk})
        )
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
        cal.add_component(event)
    return cal.to_ical()
