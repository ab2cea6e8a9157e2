"""Future sessions, district meetings, their registrations, invitations and outcomes, and the
district future visions that are reviewed at the district meetings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.choices import ChoiceLabels
from directory.models import District, Mode, Organization, Place, Theme

from . import conf


def session_dates_errors(
    starts_at: datetime | None,
    ends_at: datetime | None,
    *,
    entered: bool,
) -> dict[str, Any]:
    """What is wrong with a session's dates, one message per field (empty when nothing is).

    Always: both inside ``conf.SESSION_EARLIEST``…``SESSION_LATEST`` and the session no longer
    than ``SESSION_MAX_DAYS``. ``entered`` (a new session, or new dates for one): the start
    also lies in the window around today, so a mistyped year is caught while it is typed.
    """
    years = {"first": conf.SESSION_EARLIEST.year, "last": conf.SESSION_LATEST.year - 1}
    errors: dict[str, Any] = {}
    if starts_at is not None and not conf.SESSION_EARLIEST <= starts_at < conf.SESSION_LATEST:
        errors["starts_at"] = (
            _("開始日時は %(first)d年から%(last)d年までの日時にしてください。") % years
        )
    elif starts_at is not None and entered:
        now = timezone.now()
        earliest = now - timedelta(days=conf.SESSION_DAYS_BACK)
        latest = now + timedelta(days=365 * conf.SESSION_YEARS_AHEAD + 1)
        if not earliest <= starts_at <= latest:
            errors["starts_at"] = _(
                "開始日時は、%(back)d日前から%(ahead)d年後までの日時にしてください。"
            ) % {"back": conf.SESSION_DAYS_BACK, "ahead": conf.SESSION_YEARS_AHEAD}
    if ends_at is not None and not conf.SESSION_EARLIEST <= ends_at < conf.SESSION_LATEST:
        errors["ends_at"] = (
            _("終了日時は %(first)d年から%(last)d年までの日時にしてください。") % years
        )
    elif (
        starts_at is not None
        and ends_at is not None
        and "starts_at" not in errors
        and ends_at - starts_at > timedelta(days=conf.SESSION_MAX_DAYS)
    ):
        errors["ends_at"] = _("終了日時は開始日時から%(days)d日以内にしてください。") % {
            "days": conf.SESSION_MAX_DAYS
        }
    return errors


def session_dates_moved(
    before: tuple[datetime | None, datetime | None], after: tuple[datetime | None, datetime | None]
) -> bool:
    """Whether (start, end) changed, to the minute: the form's fields have no seconds, so a
    stored time with seconds sent back unchanged is not a move."""

    def minute(value: datetime | None) -> datetime | None:
        return value.replace(second=0, microsecond=0) if value is not None else None

    return [minute(v) for v in before] != [minute(v) for v in after]


class FutureSessionQuerySet(models.QuerySet["FutureSession"]):
    def public(self) -> FutureSessionQuerySet:
        return self.select_related("venue", "district", "organizer_organization")

    def upcoming(self) -> FutureSessionQuerySet:
        return self.filter(ends_at__gte=timezone.now(), status=FutureSession.Status.SCHEDULED)


class FutureSession(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        FUTURE_SESSION = "future_session", _("フューチャーセッション")
        DISTRICT_MEETING = "district_meeting", _("地区別懇談会")
        OTHER = "other", _("その他の対話の場")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("開催予定")
        CANCELLED = "cancelled", _("中止")

    kind = models.CharField(
        _("種類"), max_length=20, choices=Kind.choices, default=Kind.FUTURE_SESSION, db_index=True
    )
    title = models.CharField(_("タイトル"), max_length=200)
    question = models.CharField(
        _("問い"), max_length=300, help_text=_("この場で一緒に考える、未来への問いです。")
    )
    description = models.TextField(_("内容"), blank=True)
    starts_at = models.DateTimeField(_("開始日時"), db_index=True)
    ends_at = models.DateTimeField(_("終了日時"))
    mode = models.CharField(_("形態"), max_length=10, choices=Mode.choices, default=Mode.PHYSICAL)
    venue = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="future_sessions",
        verbose_name=_("会場"),
    )
    online_url = models.URLField(_("オンライン参加のURL"), blank=True)
    capacity = models.PositiveIntegerField(
        _("定員"),
        null=True,
        blank=True,
        help_text=_("空欄なら定員なしです。"),
        validators=[MaxValueValidator(conf.CAPACITY_MAX)],
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="future_sessions",
        verbose_name=_("地区"),
        help_text=_("空欄なら市内全域が対象です。"),
    )
    audience = models.CharField(
        _("対象となる方"),
        max_length=300,
        blank=True,
        help_text=_("例: 地区協議会の方、企業・NPO・大学の方、関心のある市民の方"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="future_sessions", verbose_name=_("テーマ")
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organized_sessions",
        verbose_name=_("担当者"),
    )
    organizer_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organized_sessions",
        verbose_name=_("主催団体"),
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # The links to ideas and projects live on this side: projects/ needs no knowledge of
    # sessions (docs/decisions/0401).
    agenda_ideas = models.ManyToManyField(
        "projects.Idea",
        blank=True,
        related_name="agenda_of_sessions",
        verbose_name=_("取り上げるアイデア・困りごと"),
    )
    generated_ideas = models.ManyToManyField(
        "projects.Idea",
        blank=True,
        related_name="generated_at_sessions",
        verbose_name=_("セッションで生まれたアイデア"),
    )
    resulting_projects = models.ManyToManyField(
        "projects.Project",
        blank=True,
        related_name="started_at_sessions",
        verbose_name=_("セッションから始まったプロジェクト"),
    )
    # iCalendar SEQUENCE (RFC 5545 3.8.7.4): one more on every change of time, place or status
    # (and for each attendee's own withdrawal), so a calendar that holds the event takes the
    # newer version.
    sequence = models.PositiveIntegerField(_("改訂番号"), default=0, editable=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = FutureSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("フューチャーセッション")
        verbose_name_plural = _("フューチャーセッション")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["district", "starts_at"], name="session_district_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("終了日時は開始日時より後にしてください。")
        for field, message in session_dates_errors(
            self.starts_at, self.ends_at, entered=False
        ).items():
            errors.setdefault(field, message)
        if self.mode in (Mode.PHYSICAL, Mode.HYBRID) and not self.venue_id:
            errors["venue"] = _("会場で開く場合は会場を選んでください。")
        if self.mode in (Mode.ONLINE, Mode.HYBRID) and not self.online_url:
            errors["online_url"] = _("オンラインで開く場合は参加用のURLを入れてください。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Registration(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("参加登録済み")
        WAITING = "waiting", _("キャンセル待ち")
        CANCELLED = "cancelled", _("取り消し")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("未確認")
        ATTENDED = "attended", _("出席")
        NO_SHOW = "no_show", _("欠席")

    session = models.ForeignKey(
        FutureSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("セッション"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_registrations",
        verbose_name=_("申込者"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_registrations",
        verbose_name=_("団体での申込"),
    )
    walk_in_name = models.CharField(_("当日参加の方のお名前"), max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField(_("人数"), default=1)
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    needs_wheelchair = models.BooleanField(_("車いす"), default=False)
    needs_childcare = models.BooleanField(_("保育（お子さんの預かり）"), default=False)
    needs_sign_language = models.BooleanField(_("手話通訳"), default=False)
    needs_captioning = models.BooleanField(_("要約筆記・字幕"), default=False)
    needs_other = models.CharField(_("その他の配慮"), max_length=300, blank=True)
    attendance = models.CharField(
        _("出欠"), max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    is_walk_in = models.BooleanField(_("当日参加"), default=False)
    created_at = models.DateTimeField(_("申込日時"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取り消し日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("参加申込")
        verbose_name_plural = _("参加申込")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["session", "status"], name="registration_session_status")]
        constraints = [
            # One live registration per person per session: double registration is refused
            # by the database too, not only by the service.
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False) & ~Q(status="cancelled"),
                name="registration_one_live_per_user",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.user_id or self.walk_in_name} ({self.status})"

    @property
    def needs(self) -> list[str]:
        labels = [
            str(field.verbose_name)
            for field in self._meta.fields
            if field.name.startswith("needs_")
            and field.name != "needs_other"
            and getattr(self, field.name)
        ]
        if self.needs_other:
            labels.append(self.needs_other)
        return labels


NEED_FIELDS = [
    "needs_wheelchair",
    "needs_childcare",
    "needs_sign_language",
    "needs_captioning",
    "needs_other",
]


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("回答待ち")
        ACCEPTED = "accepted", _("参加")
        DECLINED = "declined", _("不参加")

    session = models.ForeignKey(
        FutureSession,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("セッション"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_invitations",
        verbose_name=_("招待する団体"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_invitations",
        verbose_name=_("招待する人"),
    )
    email = models.EmailField(_("送り先メール"))
    name = models.CharField(_("宛名"), max_length=200)
    status = models.CharField(
        _("回答"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("招待した人"),
    )
    created_at = models.DateTimeField(_("招待日時"), auto_now_add=True)
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("招待")
        verbose_name_plural = _("招待")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], name="invitation_unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.session_id}"


class SessionOutcome(models.Model):
    session = models.OneToOneField(
        FutureSession,
        on_delete=models.CASCADE,
        related_name="outcome",
        verbose_name=_("セッション"),
    )
    summary = models.TextField(_("まとめ"))
    participant_count = models.PositiveIntegerField(
        _("参加者数"), validators=[MaxValueValidator(conf.PARTICIPANT_COUNT_MAX)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した人"),
    )
    recorded_at = models.DateTimeField(_("記録日時"), auto_now=True)

    class Meta:
        verbose_name = _("開催結果")
        verbose_name_plural = _("開催結果")

    def __str__(self) -> str:
        return f"{self.session}"


class SessionPhoto(models.Model):
    session = models.ForeignKey(
        FutureSession, on_delete=models.CASCADE, related_name="photos", verbose_name=_("セッション")
    )
    image = models.ImageField(_("写真"), upload_to="future_sessions/photos/")
    caption = models.CharField(_("説明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("写真")
        verbose_name_plural = _("写真")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class OrganizationConnection(models.Model):
    """Two organizations that met at a session and agreed to work together."""

    session = models.ForeignKey(
        FutureSession,
        on_delete=models.CASCADE,
        related_name="connections",
        verbose_name=_("セッション"),
    )
    first = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("団体1")
    )
    second = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("団体2")
    )
    note = models.CharField(_("内容"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("新しいつながり")
        verbose_name_plural = _("新しいつながり")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "first", "second"], name="connection_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(first=models.F("second")), name="connection_two_different"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} × {self.second}"


class DistrictVision(models.Model):
    """地区未来ビジョン: what a district wants to become, kept by its district council."""

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="vision", verbose_name=_("地区")
    )
    vision = models.TextField(_("目指すべき姿"))
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="district_visions", verbose_name=_("テーマ")
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("地区未来ビジョン")
        verbose_name_plural = _("地区未来ビジョン")
        ordering = ["district__order", "id"]

    def __str__(self) -> str:
        return str(self.district)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未着手")
    IN_PROGRESS = "in_progress", _("取り組み中")
    DONE = "done", _("達成")
    DROPPED = "dropped", _("取りやめ")


class VisionActionQuerySet(models.QuerySet["VisionAction"]):
    def owned_by(self, user: Any) -> VisionActionQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            owner__memberships__user=user, owner__memberships__is_active=True
        ).distinct()


class VisionAction(models.Model):
    class Kind(models.TextChoices):
        CAN_DO = "can_do", pgettext_lazy("vision action kind", "できること")
        WANT_TO_DO = "want_to_do", pgettext_lazy("vision action kind", "やりたいこと")

    vision = models.ForeignKey(
        DistrictVision,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("ビジョン"),
    )
    title = models.CharField(_("取り組み"), max_length=200)
    kind = models.CharField(_("区分"), max_length=12, choices=Kind.choices, default=Kind.CAN_DO)
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="vision_actions",
        verbose_name=_("担い手の団体"),
    )
    target_year = models.PositiveSmallIntegerField(
        _("目標年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("状況"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = VisionActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ビジョンの取り組み")
        verbose_name_plural = _("ビジョンの取り組み")
        ordering = ["vision", "target_year", "id"]

    def __str__(self) -> str:
        return self.title


class ActionReview(models.Model):
    """Progress of one action in one fiscal year, recorded at (or before) the district meeting."""

    action = models.ForeignKey(
        VisionAction, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("取り組み")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    meeting = models.ForeignKey(
        FutureSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_reviews",
        verbose_name=_("地区別懇談会"),
    )
    status = models.CharField(_("状況"), max_length=12, choices=ActionStatus.choices)
    note = models.TextField(_("振り返り"), blank=True)
    evidence = models.CharField(
        _("根拠"), max_length=500, blank=True, help_text=_("活動記録、写真のURL、参加人数など")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した人"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("取り組みの振り返り")
        verbose_name_plural = _("取り組みの振り返り")
        ordering = ["-fiscal_year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "fiscal_year"], name="review_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.action} FY{self.fiscal_year}"


def live_registrations(session: FutureSession) -> QuerySet[Registration]:
    return session.registrations.exclude(status=Registration.Status.CANCELLED)
