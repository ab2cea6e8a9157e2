"""One reminders mechanism for every app.

A reminder is a row written in the same transaction as the thing it is about. A beat task
sends the due ones in small transactions that lock each row (``skip_locked``), so two
workers never send the same row and a crashed worker leaves its row to be sent again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from machida_portal.mail import new_message_id

# Due times a reminder may have. Outside them a row may not survive the database's and the time
# zones' arithmetic (a session starting in year 1, Tokyo time, is stored as 1 BC and cannot be
# read back), and nothing sensible is due there anyway.
DUE_AT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
DUE_AT_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def validate_due_at(value: datetime) -> None:
    if value.tzinfo is None:
        raise ValueError("a reminder's due time must be aware")
    if not DUE_AT_EARLIEST <= value < DUE_AT_LATEST:
        raise ValidationError(
            _("リマインダーの送信予定日時は %(first)d年から%(last)d年までにしてください。"),
            code="due_at_out_of_range",
            params={"first": DUE_AT_EARLIEST.year, "last": DUE_AT_LATEST.year - 1},
        )


class Reminder(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        CANCELLED = "cancelled", _("取り消し")
        FAILED = "failed", _("送信失敗")

    kind = models.CharField(_("種類"), max_length=60)
    idempotency_key = models.CharField(_("重複防止キー"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("宛先"),
    )
    recipient_email = models.EmailField(
        _("宛先メール"),
        blank=True,
        help_text=_("アカウントのない相手（招待者など）に送るときのメールアドレス"),
    )
    due_at = models.DateTimeField(_("送信予定日時"), validators=[validate_due_at])
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    url = models.CharField(_("リンク"), max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("対象の種類"),
    )
    object_id = models.CharField(_("対象のID"), max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    send_email = models.BooleanField(_("メールで送る"), default=True)
    # Made once, when the row is made: a retry of the row (after a crash between the SMTP
    # hand-off and the commit) carries the same id, so mail systems see one message.
    message_id = models.CharField(
        _("メッセージID"), max_length=255, blank=True, default=new_message_id
    )
    # An iCalendar object (METHOD:REQUEST or CANCEL) sent with the mail, built by the app that
    # scheduled the row when it scheduled it: it carries the SEQUENCE of that moment.
    calendar = models.TextField(_("カレンダー"), blank=True)
    # LINE's X-Line-Retry-Key for this row's push, made with the row: every retry of the row
    # (after a crash between LINE's acceptance and the commit) pushes with the same key, and
    # LINE answers 409 instead of delivering a second message.
    line_retry_key = models.UUIDField(_("LINE再送キー"), default=uuid.uuid4, editable=False)
    # How it went out, once sent: "email", "line", "line+email", or "" (in-portal only).
    delivered_by = models.CharField(_("送信経路"), max_length=20, blank=True)
    # Why a push to LINE did not go and the reminder went by email instead.
    line_error = models.TextField(_("LINEのエラー"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("リマインダー")
        verbose_name_plural = _("リマインダー")
        ordering = ["due_at", "id"]
        indexes = [
            # The sender's only query: pending rows by due time.
            models.Index(
                fields=["due_at", "id"],
                name="reminder_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["content_type", "object_id"], name="reminder_about"),
            # /healthz counts the reminders given up on every call; sent rows pile up.
            models.Index(fields=["id"], name="reminder_failed", condition=Q(status="failed")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(recipient_email=""),
                name="reminder_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        whom = self.recipient_id or self.recipient_email
        return f"{self.kind} → {whom} @ {self.due_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """What a signed-in person sees on their notifications page."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("宛先"),
    )
    reminder = models.OneToOneField(
        Reminder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("リマインダー"),
    )
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"), blank=True)
    url = models.CharField(_("リンク"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NoticeGroup(models.TextChoices):
    """The kinds of notice a person chooses a channel for. Each app registers its reminder
    kinds into one (``reminder_kind_group``); a kind in none goes by email only."""

    IDEAS = "ideas", _("アイデア・提案のお知らせ")
    SESSIONS = "sessions", _("フューチャーセッション・会議のお知らせ")
    PROJECTS = "projects", _("プロジェクト・マッチングのお知らせ")


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("メール")
    LINE = "line", "LINE"
    BOTH = "both", _("メールとLINE")


class NoticePreference(models.Model):
    """How one person wants one group of notices; no row means email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("利用者"),
    )
    group = models.CharField(_("お知らせの種類"), max_length=20, choices=NoticeGroup.choices)
    channel = models.CharField(
        _("受け取り方"), max_length=10, choices=NoticeChannel.choices, default=NoticeChannel.EMAIL
    )

    class Meta:
        verbose_name = _("お知らせの受け取り方")
        verbose_name_plural = _("お知らせの受け取り方")
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="notice_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.group}: {self.channel}"
