from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from accounts import user_cache

from .models import Notification, Reminder


def _unread_key(user_id: Any) -> str:
    return f"unread:v1:{user_id}"


# Read with the other per-person entries in one round trip (``accounts.user_cache``).
user_cache.register("unread", _unread_key)


def notification_unread_count(*, user: Any) -> int:
    """Shown on every signed-in page, so kept in the cache; the reminders services (the only
    writers of notifications) drop it whenever it changes."""
    key = _unread_key(user.pk)
    count = user_cache.cached(user, "unread")
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 600)
    return int(count)


def unread_count_changed(user_id: Any) -> None:
    cache.delete(_unread_key(user_id))


def reminder_backlog() -> QuerySet[Reminder]:
    from django.utils import timezone

    return Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=timezone.now())


def reminders_retrying() -> QuerySet[Reminder]:
    """Pending reminders that have failed at least once and wait for their next attempt."""
    return Reminder.objects.filter(status=Reminder.Status.PENDING, attempts__gt=0).exclude(
        last_error=""
    )


def reminders_given_up() -> QuerySet[Reminder]:
    return Reminder.objects.filter(status=Reminder.Status.FAILED)


def line_user_id(*, user: Any) -> str:
    """The LINE user id of the account ``user`` linked with "Sign in with LINE", or ""."""
    from allauth.socialaccount.models import SocialAccount

    uid = (
        SocialAccount.objects.filter(user_id=user.pk, provider="line")
        .values_list("uid", flat=True)
        .first()
    )
    return uid or ""


def line_push_offered(*, user: Any) -> bool:
    """Whether the account page offers LINE for notices: the portal has a Messaging API
    channel and the person has linked LINE."""
    from . import conf

    return bool(conf.LINE_MESSAGING_CHANNEL_ACCESS_TOKEN) and bool(line_user_id(user=user))


def notice_channels_of(*, user: Any) -> dict[str, str]:
    """The person's channel for each group of notices (email where they chose none)."""
    from .models import NoticeChannel, NoticeGroup, NoticePreference

    chosen = dict(NoticePreference.objects.filter(user_id=user.pk).values_list("group", "channel"))
    return {group: chosen.get(group, NoticeChannel.EMAIL) for group in NoticeGroup.values}
