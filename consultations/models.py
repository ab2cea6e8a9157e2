"""Consultations, tsunagu sheets (hand-overs between agencies) and the access log.

Everything here is sensitive personal data (要配慮個人情報): rows are read only through
``selectors`` scoped to the reader's agency.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from directory.choices import ChoiceLabels
from directory.models import District, Domain, Organization

from . import conf


def _out_of_range(earliest: date, latest: date, label: Any = None) -> ValidationError:
    params = {"first": earliest.isoformat(), "last": latest.isoformat(), "field": label}
    if label is None:
        return ValidationError(
            _("%(first)s から %(last)s までの日付にしてください。"),
            code="date_out_of_range",
            params=params,
        )
    return ValidationError(
        _("%(field)sは %(first)s から %(last)s までの日付にしてください。"),
        code="date_out_of_range",
        params=params,
    )


def validate_case_date(value: date) -> None:
    """A date any case record may hold (``conf.CASE_DATE_EARLIEST`` … ``CASE_DATE_LATEST``)."""
    if not conf.CASE_DATE_EARLIEST <= value <= conf.CASE_DATE_LATEST:
        raise _out_of_range(conf.CASE_DATE_EARLIEST, conf.CASE_DATE_LATEST)


def validate_birth_date(value: date) -> None:
    """Born on ``conf.BIRTH_DATE_EARLIEST`` or later, and not in the future."""
    today = timezone.localdate()
    if not conf.BIRTH_DATE_EARLIEST <= value <= today:
        raise _out_of_range(conf.BIRTH_DATE_EARLIEST, today)


def date_window(kind: str, *, today: date | None = None) -> tuple[date, date]:
    """The dates that may be entered today for ``kind`` (a key of ``conf.DATE_WINDOWS``)."""
    today = today or timezone.localdate()
    back, ahead = conf.DATE_WINDOWS[kind]
    return (
        max(today - timedelta(days=back), conf.CASE_DATE_EARLIEST),
        min(today + timedelta(days=ahead), conf.CASE_DATE_LATEST),
    )


def validate_date_entered(
    value: date, *, kind: str, label: Any = None, today: date | None = None
) -> None:
    """A date being typed in: inside the window of ``kind``. The forms call it without a
    label (the error sits by its field), the services with one (the message stands alone)."""
    earliest, latest = date_window(kind, today=today)
    if not earliest <= value <= latest:
        raise _out_of_range(earliest, latest, label)


class Urgency(models.TextChoices):
    URGENT = "urgent", _("緊急")
    HIGH = "high", _("高")
    NORMAL = "normal", _("通常")


class Trouble(models.TextChoices):
    """The checklist real municipal intake forms use."""

    MEDICAL = "medical", _("病気・医療")
    MIND = "mind", _("こころ")
    CARE = "care", _("介護")
    DISABILITY = "disability", _("障がい")
    CHILDCARE = "childcare", _("子育て")
    INCOME = "income", _("収入・仕事")
    DEBT = "debt", _("支出・滞納・借金")
    HOUSING = "housing", _("住まい")
    ABUSE = "abuse", _("DV・虐待")
    ADVOCACY = "advocacy", _("権利擁護")
    HEALTH = "health", _("健康")
    WITHDRAWAL = "withdrawal", _("ひきこもり")
    FOOD = "food", _("食べるものがない")
    OTHER = "other", _("その他")


# Which support domains (directory.Domain codes) a trouble belongs to: used to rank
# resources for a consultation.
TROUBLE_DOMAINS: dict[str, tuple[str, ...]] = {
    "medical": ("health",),
    "mind": ("health",),
    "care": ("elderly",),
    "disability": ("disability",),
    "childcare": ("children",),
    "income": ("livelihood", "employment"),
    "debt": ("livelihood",),
    "housing": ("housing",),
    "abuse": ("children", "elderly", "disability"),
    "advocacy": ("elderly", "disability"),
    "health": ("health",),
    "withdrawal": ("health", "disability"),
    "food": ("livelihood",),
    "other": ("other",),
}


class SharedField(models.TextChoices):
    """The parts of a consultation that a consent (and so a sheet) can cover."""

    NAME = "name", _("氏名・ふりがな")
    BIRTH_DATE = "birth_date", _("生年月日")
    DISTRICT = "district", _("地区")
    PHONE = "phone", _("電話番号")
    HOUSEHOLD = "household", _("世帯の状況")
    TROUBLES = "troubles", _("困りごと")
    NARRATIVE = "narrative", _("相談の内容")


# What intake records about the person and what an edit after intake may change (decision
# 0022): the person, who came, the troubles, the narrative and the urgency. Consent has its own
# page and events; agency, state and dates are not edited.
PERSON_FIELDS = (
    "person_name",
    "person_kana",
    "birth_date",
    "district",
    "phone",
    "visitor",
    "visitor_relation",
    "troubles",
    "main_trouble",
    "narrative",
    "urgency",
)


class Consultation(ChoiceLabels, models.Model):
    class Visitor(models.TextChoices):
        SELF = "self", _("本人")
        FAMILY = "family", _("家族")
        NEIGHBOUR = "neighbour", _("近所の人")
        OTHER = "other", _("その他")

    class ConsentStatus(models.TextChoices):
        GIVEN = "given", _("同意あり")
        REFUSED = "refused", _("同意なし（拒否）")
        PENDING = "pending", _("未確認")

    class ConsentMethod(models.TextChoices):
        SIGNED = "signed", _("署名")
        VERBAL = "verbal", _("口頭")

    class Status(models.TextChoices):
        OPEN = "open", _("対応中")
        CLOSED = "closed", _("終結")

    agency = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("受け付けた機関"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )
    person_name = models.CharField(_("氏名"), max_length=100)
    person_kana = models.CharField(_("ふりがな"), max_length=100, blank=True)
    birth_date = models.DateField(
        _("生年月日"), null=True, blank=True, validators=[validate_birth_date]
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("地区")
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    visitor = models.CharField(
        _("相談に来た人"), max_length=20, choices=Visitor.choices, default=Visitor.SELF
    )
    visitor_relation = models.CharField(
        _("本人との関係"), max_length=50, blank=True, help_text=_("本人以外が来たときに書きます。")
    )
    troubles = models.JSONField(_("困りごと"), default=list, blank=True)
    main_trouble = models.CharField(
        _("いちばん困っていること"), max_length=20, choices=Trouble.choices, blank=True
    )
    narrative = models.TextField(
        _("相談の内容"),
        blank=True,
        validators=[MaxLengthValidator(conf.NARRATIVE_MAX_LENGTH)],
    )
    urgency = models.CharField(
        _("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    consent_status = models.CharField(
        _("情報共有への同意"),
        max_length=10,
        choices=ConsentStatus.choices,
        default=ConsentStatus.PENDING,
    )
    consent_method = models.CharField(
        _("同意の方法"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("同意を確認した職員"),
    )
    consent_taken_at = models.DateTimeField(_("同意を確認した日時"), null=True, blank=True)
    consent_fields = models.JSONField(_("共有してよい項目"), default=list, blank=True)
    consent_domains = models.ManyToManyField(
        Domain, blank=True, related_name="+", verbose_name=_("共有してよい分野")
    )
    consent_agencies = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("共有してよい機関")
    )
    consent_expires_on = models.DateField(
        _("同意の有効期限"), null=True, blank=True, validators=[validate_case_date]
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # A 困りごと idea a coordinator passed on with the resident's consent.
    source_idea = models.ForeignKey(
        "projects.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("元の困りごと"),
    )
    closed_at = models.DateTimeField(_("終結日時"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)
    search_document = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    # Every save of a consultation keeps the row as it was after it (who, when, why): the
    # field history of edits after intake (decision 0022). Consent has its own events
    # (``ConsentEvent``), so its fields are not kept twice; the search text is derived.
    history = HistoricalRecords(
        excluded_fields=[
            "search_document",
            "updated_at",
            "consent_status",
            "consent_method",
            "consent_taken_by",
            "consent_taken_at",
            "consent_fields",
            "consent_expires_on",
            "anonymized_at",
        ],
        cascade_delete_history=True,
        history_change_reason_field=models.CharField(max_length=20, null=True, blank=True),
    )

    class Meta:
        verbose_name = _("相談")
        verbose_name_plural = _("相談")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="consult_agency_created"),
            models.Index(fields=["agency", "status", "-created_at"], name="consult_agency_status"),
            models.Index(fields=["agency", "person_kana"], name="consult_agency_kana"),
            models.Index(fields=["status", "closed_at"], name="consult_status_closed"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        unknown = set(self.troubles or []) - set(Trouble.values)
        if unknown:
            errors["troubles"] = _("困りごとの選び方が正しくありません。")
        if self.main_trouble and self.main_trouble not in (self.troubles or []):
            errors["main_trouble"] = _(
                "いちばん困っていることは、チェックした困りごとから選んでください。"
            )
        if self.visitor != self.Visitor.SELF and not self.visitor_relation:
            errors["visitor_relation"] = _("本人以外が来たときは、本人との関係を書いてください。")
        if set(self.consent_fields or []) - set(SharedField.values):
            errors["consent_fields"] = _("共有してよい項目の選び方が正しくありません。")
        if self.consent_status == self.ConsentStatus.GIVEN and not self.consent_method:
            errors["consent_method"] = _("同意を得た方法（署名・口頭）を選んでください。")
        if errors:
            raise ValidationError(errors)

    def consent_valid_on(self, day: Any) -> bool:
        return self.consent_status == self.ConsentStatus.GIVEN and (
            self.consent_expires_on is None or self.consent_expires_on >= day
        )

    def trouble_labels(self) -> list[str]:
        labels = dict(Trouble.choices)
        return [str(labels[t]) for t in self.troubles or [] if t in labels]


class HouseholdMember(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="household", verbose_name=_("相談")
    )
    relation = models.CharField(_("続柄"), max_length=50)
    age = models.PositiveSmallIntegerField(_("年齢"), null=True, blank=True)
    notes = models.CharField(_("メモ"), max_length=200, blank=True)

    # Household rows added, changed and removed by an edit carry the edit's time, so the
    # consultation's history shows them with it (decision 0022).
    history = HistoricalRecords(
        history_change_reason_field=models.CharField(max_length=20, null=True, blank=True),
    )

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.relation


class ConsentEvent(ChoiceLabels, models.Model):
    """One recording of a consultation's consent (the consent machine's history row): what
    kind of change it was and what the consent covered from then on."""

    class Kind(models.TextChoices):
        GIVEN = "given", _("同意を得ました")
        RENEWED = "renewed", _("同意を更新しました")
        NARROWED = "narrowed", _("同意の範囲を狭めました")
        WITHDRAWN = "withdrawn", _("同意が撤回されました")
        NOT_GIVEN = "not_given", _("同意なし・未確認として記録しました")

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.CASCADE,
        related_name="consent_events",
        verbose_name=_("相談"),
    )
    kind = models.CharField(_("同意の変化"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("情報共有への同意"), max_length=10, choices=Consultation.ConsentStatus.choices
    )
    method = models.CharField(
        _("同意の方法"), max_length=10, choices=Consultation.ConsentMethod.choices, blank=True
    )
    fields = models.JSONField(_("共有してよい項目"), default=list, blank=True)
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="+", verbose_name=_("共有してよい分野")
    )
    agencies = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("共有してよい機関")
    )
    expires_on = models.DateField(_("同意の有効期限"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("記録した職員"),
    )
    at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        verbose_name = _("同意の記録")
        verbose_name_plural = _("同意の記録")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["consultation", "-at"], name="consent_event_at")]

    def __str__(self) -> str:
        return f"#{self.consultation_id} {self.kind}"

    def field_labels(self) -> list[str]:
        chosen = set(self.fields or [])
        return [str(label) for value, label in SharedField.choices if value in chosen]


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SENT = "sent", _("送付済み")
    RECEIVED = "received", _("受理")
    DECLINED = "declined", _("不受理")
    FIRST_CONTACT = "first_contact", _("初回連絡済み")
    SUPPORTING = "supporting", _("支援中")
    COMPLETED = "completed", _("完了")
    RETURNED = "returned", _("差し戻し")
    WITHDRAWN = "withdrawn", _("取り下げ")


# The states in which a sheet hands the case over: the receiver may read the shared fields
# (while the basis covers them). Withdrawn, declined, returned and completed close them.
HANDOVER_STATES = (
    SheetStatus.SENT,
    SheetStatus.RECEIVED,
    SheetStatus.FIRST_CONTACT,
    SheetStatus.SUPPORTING,
)


def consent_basis_parts(*, today: date) -> dict[str, Q]:
    """A sheet's consent basis, part by part: the one description of what a consent must be
    to cover a sheet's receiver today. Every part must hold:

    * ``given`` — the consultation's consent is given;
    * ``current`` — it has no expiry, or expires today or later;
    * ``covers_receiver`` — it names the receiving agency, or one of the receiver's domains.

    ``shared_open_q`` (what a receiver reads) is built from these, and sending a sheet asks
    the same parts of the database for the sheet being sent (``TsunaguSheetQuerySet.
    consent_basis_checks``), so the two can never disagree. The order is the order a sender
    is told what is missing.
    """
    through_agencies = Consultation.consent_agencies.through
    through_domains = Consultation.consent_domains.through
    names_receiver = Exists(
        through_agencies.objects.filter(
            consultation_id=OuterRef("consultation_id"), organization_id=OuterRef("receiver_id")
        )
    )
    # The receiver's domains are read from its link table, not joined through the domains
    # table: a link always names a domain, and one join less is cheaper to plan.
    receiver_domains = Organization.domains.through.objects.filter(
        organization_id=OuterRef(OuterRef("receiver_id"))
    ).values("domain_id")
    covers_a_receiver_domain = Exists(
        through_domains.objects.filter(
            consultation_id=OuterRef("consultation_id"), domain_id__in=receiver_domains
        )
    )
    return {
        "given": Q(consultation__consent_status=Consultation.ConsentStatus.GIVEN),
        "current": (
            Q(consultation__consent_expires_on__isnull=True)
            | Q(consultation__consent_expires_on__gte=today)
        ),
        "covers_receiver": names_receiver | covers_a_receiver_domain,
    }


def shared_basis_q(*, today: date) -> Q:
    """Whether a sheet's basis covers its receiver today, whatever the sheet's state: a
    support-meeting decision (recorded on the sheet), or the consultation's consent with every
    part of ``consent_basis_parts``."""
    consent = Q(legal_basis=TsunaguSheet.LegalBasis.CONSENT)
    for part in consent_basis_parts(today=today).values():
        consent &= part
    return consent | Q(legal_basis=TsunaguSheet.LegalBasis.SUPPORT_MEETING)


@lru_cache(maxsize=4)
def shared_open_q(*, today: date) -> Q:
    """The one rule for whether a sheet's shared fields are open to its receiver today.

    Open while the sheet is in a hand-over state and its basis covers the receiver today
    (``shared_basis_q``). Which *fields* are open is ``TsunaguSheet.readable_fields`` (the
    consent's fields). Used as a filter (lists, search, the receive check under the row lock,
    whether a deadline reminder still applies) and as an annotation (the sheet page), never
    re-decided in Python.

    The condition (not any answer: it holds no row) is built once per day in each process
    (decision 0028): building its two subqueries cost every sheet page about half a
    millisecond. A query that uses it copies it, and nothing changes a ``Q`` in place.
    """
    return Q(status__in=HANDOVER_STATES) & shared_basis_q(today=today)


class TsunaguSheetQuerySet(models.QuerySet["TsunaguSheet"]):
    def shared_open(self, *, today: date) -> Self:
        return self.filter(shared_open_q(today=today))

    def with_shared_open(self, *, today: date) -> Self:
        """Each sheet with ``shared_open``: whether its receiver may read its shared fields."""
        return self.annotate(
            shared_open=ExpressionWrapper(shared_open_q(today=today), output_field=BooleanField())
        )

    def consent_basis_checks(self, *, today: date) -> Self:
        """Each sheet with ``consent_<part>`` for every part of ``consent_basis_parts``:
        which parts of the consent basis hold today (what sending a sheet asks)."""
        return self.annotate(
            **{
                f"consent_{name}": ExpressionWrapper(part, output_field=BooleanField())
                for name, part in consent_basis_parts(today=today).items()
            }
        )


class TsunaguSheet(ChoiceLabels, models.Model):
    """A hand-over of one consultation to one receiving agency (つなぐシート)."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("本人の同意")
        SUPPORT_MEETING = "support_meeting", _("支援会議（社会福祉法106条の6）")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("電話")
        VISIT = "visit", _("訪問")
        LETTER = "letter", _("手紙")
        OTHER = "other", _("その他")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("相談")
    )
    sender = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="sheets_sent",
        verbose_name=_("送る機関"),
    )
    receiver = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="sheets_received",
        verbose_name=_("受ける機関"),
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    legal_basis = models.CharField(
        _("共有の根拠"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    support_meeting_note = models.CharField(
        _("支援会議の記録"),
        max_length=200,
        blank=True,
        help_text=_("同意なしで送るときは、支援会議の日付と決定を書きます。"),
    )
    shared_fields = models.JSONField(_("引き継ぐ項目"), default=list, blank=True)
    reason = models.TextField(_("つなぐ理由"), validators=[MaxLengthValidator(2000)])
    urgency = models.CharField(
        _("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    preferred_contact = models.CharField(
        _("望ましい連絡方法"), max_length=10, choices=ContactMethod.choices, blank=True
    )
    contact_times = models.CharField(_("連絡してよい時間帯"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("送付日時"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("受理の期限"), null=True, blank=True)
    received_at = models.DateTimeField(_("受理日時"), null=True, blank=True)
    first_contact_on = models.DateField(
        _("初回連絡日"), null=True, blank=True, validators=[validate_case_date]
    )
    first_contact_method = models.CharField(
        _("初回連絡の方法"), max_length=10, choices=ContactMethod.choices, blank=True
    )
    days_to_first_contact = models.PositiveIntegerField(
        _("初回連絡までの日数"), null=True, blank=True
    )
    report_back = models.TextField(_("受けた機関からの報告"), blank=True)
    decline_reason = models.TextField(_("不受理の理由"), blank=True)
    return_reason = models.TextField(_("差し戻しの理由"), blank=True)
    # Bigrams of the shared fields only: a receiver's search never reaches what it may not see.
    search_document = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), default=timezone.now)

    objects = TsunaguSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("つなぐシート")
        verbose_name_plural = _("つなぐシート")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["receiver", "-created_at"], name="sheet_receiver_created"),
            models.Index(fields=["sender", "-created_at"], name="sheet_sender_created"),
            models.Index(fields=["receiver", "status", "urgency"], name="sheet_receiver_state"),
            models.Index(fields=["sender", "status"], name="sheet_sender_state"),
            models.Index(fields=["status", "deadline_at"], name="sheet_status_deadline"),
            models.Index(fields=["status", "updated_at"], name="sheet_status_updated"),
            # The overdue board (selectors.OverdueBoard) reads both kinds in deadline order.
            models.Index(
                fields=["deadline_at", "id"],
                condition=models.Q(status="sent"),
                name="sheet_overdue",
            ),
            models.Index(
                # updated_at as a key column rather than INCLUDE (SQLite has no INCLUDE): the
                # scan is still in (deadline_at, id) order and index-only.
                fields=["deadline_at", "id", "updated_at"],
                condition=models.Q(status__in=["received", "first_contact", "supporting"]),
                name="sheet_stale_order",
            ),
            # The board sorted by days without movement: the stale arm in updated_at order
            # (the overdue arm uses sheet_status_updated).
            models.Index(
                fields=["updated_at", "id"],
                condition=models.Q(status__in=["received", "first_contact", "supporting"]),
                name="sheet_stale_movement",
            ),
        ]

    def __str__(self) -> str:
        return f"つなぐシート #{self.pk}"

    def readable_fields(self) -> list[str]:
        """The handed-over fields the basis still covers: a consent narrowed after sending
        narrows what the receiver reads; a support-meeting decision covers what it recorded.
        Whether the sheet is open at all is ``shared_open_q``."""
        if self.legal_basis == self.LegalBasis.SUPPORT_MEETING:
            return list(self.shared_fields)
        consented = set(self.consultation.consent_fields or [])
        return [f for f in self.shared_fields if f in consented]


class SheetTransition(ChoiceLabels, models.Model):
    sheet = models.ForeignKey(
        TsunaguSheet, on_delete=models.CASCADE, related_name="history", verbose_name=_("シート")
    )
    from_status = models.CharField(_("変更前"), max_length=20, choices=SheetStatus.choices)
    to_status = models.CharField(_("変更後"), max_length=20, choices=SheetStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("メモ"), blank=True)
    at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        verbose_name = _("シートの履歴")
        verbose_name_plural = _("シートの履歴")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class AccessLog(models.Model):
    """Who read or changed which case record, when, on which page."""

    class Action(models.TextChoices):
        VIEW = "view", _("閲覧")
        # Named in a list, a search result or the duplicate hints of a case page.
        LIST = "list", _("一覧・検索で表示")
        CREATE = "create", _("作成")
        UPDATE = "update", _("変更")
        TRANSITION = "transition", _("状態の変更")
        # The print view or the PDF of a sheet or a consent form (the path says which).
        PRINT = "print", _("印刷・PDF")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The agency the reader acted for, and the agency that owns the record.
    agency = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, related_name="+")
    owner_agency = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("記録の種類"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("記録の番号"))
    path = models.CharField(_("ページ"), max_length=300, blank=True)
    at = models.DateTimeField(_("日時"), default=timezone.now)

    class Meta:
        verbose_name = _("アクセスログ")
        verbose_name_plural = _("アクセスログ")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-at"], name="accesslog_agency_at"),
            models.Index(fields=["owner_agency", "-at"], name="accesslog_owner_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class Conference(ChoiceLabels, models.Model):
    """A multi-agency collaboration conference (多機関協働会議) on one or more cases."""

    class LegalBasis(models.TextChoices):
        LAYERED = "layered", _("重層的支援会議（本人の同意あり）")
        SUPPORT_MEETING = "support_meeting", _("支援会議（社会福祉法106条の6、同意なし）")

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("継続")
        CLOSE = "close", _("終結")
        SUSPEND = "suspend", _("中断")

    convened_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="conferences_convened",
        verbose_name=_("呼びかけた機関"),
    )
    title = models.CharField(_("会議名"), max_length=200)
    held_on = models.DateField(_("開催日"), validators=[validate_case_date])
    agenda = models.TextField(_("議題"), blank=True, validators=[MaxLengthValidator(4000)])
    legal_basis = models.CharField(_("根拠"), max_length=20, choices=LegalBasis.choices)
    participants = models.ManyToManyField(
        Organization, related_name="conferences", verbose_name=_("参加機関")
    )
    consultations = models.ManyToManyField(
        Consultation, blank=True, related_name="conferences", verbose_name=_("対象の相談")
    )
    assessment = models.TextField(_("見立て"), blank=True, validators=[MaxLengthValidator(4000)])
    direction = models.TextField(
        _("支援の方向性"), blank=True, validators=[MaxLengthValidator(4000)]
    )
    decision = models.CharField(_("決定"), max_length=10, choices=Decision.choices, blank=True)
    next_review_on = models.DateField(
        _("次の見直し日"), null=True, blank=True, validators=[validate_case_date]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("多機関協働会議")
        verbose_name_plural = _("多機関協働会議")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="conference_held_on")]

    def __str__(self) -> str:
        # Titles may name a family; admin lists and logs show this.
        return f"#{self.pk} {self.held_on}"


class ConferenceTask(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("会議")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("担当機関")
    )
    description = models.CharField(_("役割・やること"), max_length=300)
    due_on = models.DateField(_("期限"), null=True, blank=True, validators=[validate_case_date])
    done = models.BooleanField(_("済み"), default=False)

    class Meta:
        verbose_name = _("会議のタスク")
        verbose_name_plural = _("会議のタスク")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class UnmetNeed(models.Model):
    """A need no existing resource meets, found at a conference (no personal data)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="unmet_needs", verbose_name=_("会議")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("分野")
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("地区")
    )
    description = models.CharField(_("足りない資源"), max_length=300)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("足りない資源")
        verbose_name_plural = _("足りない資源")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.description


class OutreachCase(ChoiceLabels, models.Model):
    """A latent case a community welfare coordinator keeps reaching out to (minimal data)."""

    class Source(models.TextChoices):
        MINSEI = "minsei", _("民生委員")
        NEIGHBOUR = "neighbour", _("近所の人")
        SHOP = "shop", _("お店")
        SCHOOL = "school", _("学校")
        OTHER = "other", _("その他")

    class Status(models.TextChoices):
        ACTIVE = "active", _("見守り中")
        CONVERTED = "converted", _("相談につないだ")
        CLOSED = "closed", _("終了")
        ANONYMIZED = "anonymized", _("匿名化済み")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("担当団体")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    household_tag = models.CharField(
        _("世帯の目印"),
        max_length=100,
        help_text=_("氏名ではなく、担当者にわかる目印（例: 3丁目 角の青い屋根）"),
    )
    source = models.CharField(_("情報の出どころ"), max_length=20, choices=Source.choices)
    notes = models.TextField(_("メモ"), blank=True, validators=[MaxLengthValidator(2000)])
    rhythm_days = models.PositiveSmallIntegerField(
        _("連絡の間隔（日）"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(conf.OUTREACH_RHYTHM_DAYS_MAX)],
    )
    next_contact_on = models.DateField(
        _("次に連絡する日"), null=True, blank=True, validators=[validate_case_date]
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("つないだ相談"),
    )
    anonymized_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("アウトリーチ")
        verbose_name_plural = _("アウトリーチ")
        ordering = ["next_contact_on", "id"]
        indexes = [
            models.Index(fields=["organization", "status", "next_contact_on"], name="outreach_org")
        ]

    def __str__(self) -> str:
        # Not the household tag: admin lists and logs show this.
        return f"#{self.pk}"


class OutreachAttempt(models.Model):
    class Method(models.TextChoices):
        VISIT = "visit", _("訪問")
        LETTER = "letter", _("手紙")
        PHONE = "phone", _("電話")

    case = models.ForeignKey(
        OutreachCase, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("ケース")
    )
    on = models.DateField(_("日付"), validators=[validate_case_date])
    method = models.CharField(_("方法"), max_length=10, choices=Method.choices)
    reached = models.BooleanField(_("会えた・話せた"), default=False)
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("連絡の記録")
        verbose_name_plural = _("連絡の記録")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.method}"
