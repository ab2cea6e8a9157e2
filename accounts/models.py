from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address.

    The public display name is kept apart from the real name: only the display name is ever
    shown to other residents; the real name and phone are personal data for staff use.
    """

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(
        _("表示名"),
        max_length=50,
        blank=True,
        help_text=_("ほかの人に見える名前です。本名でなくてもかまいません。"),
    )
    full_name = models.CharField(_("氏名"), max_length=100, blank=True)
    full_name_kana = models.CharField(_("ふりがな"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc, assignment]

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or str(_("匿名の市民"))

    def get_full_name(self) -> str:
        return self.full_name or self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


class PersonalDataView(models.Model):
    """A staff member looked at a resident's personal data (real name, contact details).

    Written by ``accounts.services.personal_data_viewed`` from every view that shows them to
    someone other than the person themself. Case records keep their own, stricter log in
    ``consultations``.
    """

    viewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("閲覧した人")
    )
    subject = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("閲覧された人"),
    )
    context = models.CharField(_("対象"), max_length=100, help_text=_("例: idea:123"))
    path = models.CharField(_("ページ"), max_length=300, blank=True)
    viewed_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("個人情報の閲覧記録")
        verbose_name_plural = _("個人情報の閲覧記録")
        ordering = ["-viewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.subject_id} ({self.context})"


class MembershipGrant(models.Model):
    """A request to open case records to someone, and the second person's decision on it.

    The admin never opens case records by itself (issue #11): a membership with a case role
    (``accounts.roles.CASE_ROLES``) that is added, re-activated, moved or made supervisor there
    stays closed and files one of these; a different administrator, who is not the person
    granted either, approves it (``accounts.services.membership_grant_approve``). The rows are
    the audit trail of who asked for and who granted access to case records; nobody edits them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認済み")
        REJECTED = "rejected", _("却下")
        WITHDRAWN = "withdrawn", _("取り下げ")

    membership = models.ForeignKey(
        "directory.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("所属"),
    )
    # What was asked for, kept even when the membership is later changed or deleted.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="membership_grants", verbose_name=_("利用者")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("団体・機関"),
    )
    role = models.CharField(_("役割"), max_length=30)
    is_supervisor = models.BooleanField(_("責任者"), default=False)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("申請した人")
    )
    requested_at = models.DateTimeField(_("申請日時"), auto_now_add=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("判断した人"),
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("相談記録を開く所属の承認")
        verbose_name_plural = _("相談記録を開く所属の承認")
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_membershipgrant", _("相談記録を開く所属を承認できる"))]
        constraints = [
            # The database itself refuses a grant approved by its requester or its grantee.
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (
                    models.Q(decided_by__isnull=False)
                    & ~models.Q(decided_by=models.F("requested_by"))
                    & ~models.Q(decided_by=models.F("user"))
                ),
                name="membership_grant_second_person",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(status="pending"),
                name="membership_grant_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"
