"""Ideas (やりたい・できる・困りごと・相談), their coordination history, and community projects.

This app imports nothing from ``sessions`` (label ``future_sessions``): the sessions app
holds the links to ideas and projects on its side and calls ``projects.services``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.choices import ChoiceLabels
from directory.models import District, Organization, Theme
from machida_portal.history import StampedHistoricalRecords


class HelpType(models.TextChoices):
    PEOPLE = "people", _("人手")
    PLACE = "place", _("場所")
    MONEY = "money", _("資金")
    KNOWHOW = "knowhow", _("ノウハウ")
    PUBLICITY = "publicity", _("広報")


class IdeaQuerySet(models.QuerySet["Idea"]):
    def public(self) -> IdeaQuerySet:
        # Troubles are never on the board, even when someone ticked "public".
        return self.filter(is_public=True, merged_into__isnull=True).exclude(
            Q(kind=Idea.Kind.TROUBLE) | Q(status=Idea.Status.DRAFT)
        )

    def visible_to(self, user: Any) -> IdeaQuerySet:
        """The rule is ``projects.policies.idea_scope``; this reads it for querysets other
        apps start from (a session's agenda)."""
        from .policies import idea_visible_q

        return self.filter(idea_visible_q(user))


class Idea(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        WANT = "want", _("やりたい")
        CAN = "can", _("できる")
        TROUBLE = "trouble", _("困りごと")
        QUESTION = "question", _("相談")

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        RECEIVED = "received", _("受け付けました")
        COORDINATING = "coordinating", _("コーディネート中")
        SESSION = "session", _("フューチャーセッションで取り上げ")
        PROJECT = "project", _("プロジェクトになりました")
        CONNECTED = "connected", _("人・団体・資源につなぎました")
        CLOSED = "closed", _("回答して終了")
        MERGED = "merged", _("ほかのアイデアとまとめました")

    class Contact(models.TextChoices):
        PORTAL = "portal", _("ポータルのお知らせ")
        EMAIL = "email", _("メール")
        PHONE = "phone", _("電話")

    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("タイトル"), max_length=100)
    description = models.TextField(_("内容"), max_length=4000)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("地区"),
        help_text=_("選ばないときは「市全域」になります。"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="ideas", verbose_name=_("テーマ")
    )
    help_types = models.JSONField(_("求める・出せる協力"), default=list, blank=True)
    contact_method = models.CharField(
        _("連絡方法"), max_length=10, choices=Contact.choices, default=Contact.PORTAL
    )
    contact_detail = models.CharField(
        _("連絡先"),
        max_length=200,
        blank=True,
        help_text=_("電話番号やメールアドレス。コーディネーターだけが見ます。"),
    )
    is_public = models.BooleanField(
        _("アイデア掲示板に公開する"),
        default=False,
        help_text=_("困りごとは公開されません。"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("提案者"),
    )
    # Staff who typed the idea in after a phone call or a visit.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas_entered",
        verbose_name=_("代理入力した職員"),
    )
    on_behalf_name = models.CharField(_("提案者の氏名"), max_length=100, blank=True)
    on_behalf_contact = models.CharField(_("提案者の連絡先"), max_length=200, blank=True)
    status = models.CharField(
        _("状況"), max_length=15, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas_assigned",
        verbose_name=_("担当コーディネーター"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_ideas",
        verbose_name=_("まとめ先"),
    )
    first_response_at = models.DateTimeField(_("最初の応答"), null=True, blank=True)
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    search_document = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("受付日時"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = IdeaQuerySet.as_manager()
    # The author's edits after sending (decision 0022): the content as it was after each
    # edit, for coordinators to see what changed. Only stamped saves write a row.
    history = StampedHistoricalRecords(
        excluded_fields=[
            "search_document",
            "updated_at",
            "submission_token",
            "first_response_at",
            "assigned_to",
            "merged_into",
            "entered_by",
            "on_behalf_name",
            "on_behalf_contact",
        ],
        history_change_reason_field=models.CharField(max_length=20, null=True, blank=True),
    )

    class Meta:
        verbose_name = _("アイデア")
        verbose_name_plural = _("アイデア")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["is_public", "kind", "-created_at"]),
            # The inbox counts unanswered ideas on every load: a small index of just those.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="received", first_response_at__isnull=True),
                name="idea_unanswered_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_trouble(self) -> bool:
        return self.kind == self.Kind.TROUBLE

    def help_type_labels(self) -> list[str]:
        labels = dict(HelpType.choices)
        return [str(labels.get(h, h)) for h in self.help_types]


class IdeaEvent(ChoiceLabels, models.Model):
    """One dated step of the timeline the author sees: a status change or a reply."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=15, choices=Idea.Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Idea.Status.choices, blank=True)
    message = models.TextField(_("メッセージ"), blank=True, max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The author changed the content after sending (「内容が編集されました」); what changed is
    # in ``Idea.history`` at the same time, for coordinators.
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.to_status or 'message'}"


class IdeaNote(models.Model):
    """An internal note between coordinators. Never shown to the author."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("内部メモ"), max_length=4000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on {self.idea_id}"


class IdeaPhoto(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="projects/ideas/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class IdeaReaction(models.Model):
    class Kind(models.TextChoices):
        JOIN = "join", _("参加したい")
        SUPPORT = "support", _("応援する")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_reactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "user", "kind"], name="idea_reaction_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.idea_id}"


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: Any) -> ProjectQuerySet:
        """The rule is ``projects.policies.project_scope``; this reads it for querysets
        other apps start from (a session's resulting projects)."""
        from .policies import project_visible_q

        return self.filter(project_visible_q(user))


class Project(ChoiceLabels, models.Model):
    """A community problem-solving project (課題解決プロジェクト)."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("準備中")
        ACTIVE = "active", _("活動中")
        COMPLETED = "completed", _("完了")
        PAUSED = "paused", _("休止中")

    title = models.CharField(_("プロジェクト名"), max_length=100)
    purpose = models.TextField(_("目的"), max_length=4000)
    districts = models.ManyToManyField(
        District, blank=True, related_name="projects", verbose_name=_("地区")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="projects", verbose_name=_("テーマ")
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects_led",
        verbose_name=_("代表者"),
    )
    lead_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects_led",
        verbose_name=_("代表団体"),
    )
    status = models.CharField(
        _("状況"), max_length=10, choices=Status.choices, default=Status.PLANNING, db_index=True
    )
    start_date = models.DateField(_("開始日"), null=True, blank=True)
    end_date = models.DateField(_("終了日"), null=True, blank=True)
    ideas = models.ManyToManyField(
        Idea, blank=True, related_name="projects", verbose_name=_("もとになったアイデア")
    )
    is_public = models.BooleanField(_("公開する"), default=True)
    # Past projects imported from paper records carry a head count but no member rows.
    imported_participants = models.PositiveIntegerField(_("参加者数（過去の記録）"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    search_document = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("プロジェクト")
        verbose_name_plural = _("プロジェクト")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("終了日は開始日より後にしてください。"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("運営")
        MEMBER = "member", _("メンバー")
        SUPPORTER = "supporter", _("サポーター")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("参加日"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.project_id}"


class ProjectActivity(models.Model):
    """One dated entry of a project's activity log."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("日付"))
    text = models.TextField(_("活動の内容"), max_length=4000)
    photo = models.ImageField(_("写真"), upload_to="projects/activities/", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.date}"


# --- offers, needs and matching ---------------------------------------------------------


def pack_codes(codes: Any) -> str:
    """Choice codes kept as ``,a,b,`` so ``__contains=",a,"`` finds them on every database
    (SQLite has no JSON containment lookup)."""
    codes = sorted(set(codes))
    return f",{','.join(codes)}," if codes else ""


def unpack_codes(value: str) -> set[str]:
    return {c for c in value.split(",") if c}


class OfferType(models.TextChoices):
    SKILL = "skill", _("技能・経験")
    TIME = "time", _("時間（ボランティア）")
    VENUE = "venue", _("会場・場所")
    EQUIPMENT = "equipment", _("機材・道具")
    VEHICLE = "vehicle", _("車両・送迎")
    FUNDS = "funds", _("資金")
    STAFF = "staff", _("職員の時間")


class Availability(models.TextChoices):
    WEEKDAY_DAY = "weekday_day", _("平日の昼")
    WEEKDAY_EVENING = "weekday_evening", _("平日の夜")
    WEEKEND = "weekend", _("土日・祝日")


class Offer(models.Model):
    """What an individual, company, NPO or group can offer (できる)."""

    title = models.CharField(_("タイトル"), max_length=100)
    description = models.TextField(_("内容"), max_length=4000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("登録者"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("団体・企業"),
    )
    offer_types = models.CharField(_("出せるもの"), max_length=200, default="")
    skills = models.CharField(
        _("技能のキーワード"), max_length=200, blank=True, help_text=_("読点や空白で区切ります。")
    )
    availability = models.CharField(_("都合のよい時間"), max_length=100, blank=True, default="")
    # Normalised skill words, " w1 w2 ", written by the service for matching.
    skill_document = models.CharField(max_length=300, blank=True, default="", editable=False)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="offers", verbose_name=_("テーマ")
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="offers",
        verbose_name=_("活動できる地区"),
        help_text=_("選ばないときは市全域です。"),
    )
    contact = models.CharField(
        _("連絡先"), max_length=200, help_text=_("双方が承諾したときだけ相手に伝わります。")
    )
    is_active = models.BooleanField(_("受付中"), default=True)
    search_document = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    # The owner's edits (decision 0022): coordinators see what changed. Stamped saves only.
    history = StampedHistoricalRecords(
        excluded_fields=["skill_document", "search_document"],
        history_change_reason_field=models.CharField(max_length=20, null=True, blank=True),
    )

    class Meta:
        verbose_name = _("できること（提供）")
        verbose_name_plural = _("できること（提供）")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Need(ChoiceLabels, models.Model):
    """What an idea, a project's open role or an organization's recruitment (担い手募集)
    is looking for."""

    class Source(models.TextChoices):
        IDEA = "idea", _("アイデア")
        PROJECT = "project", _("プロジェクトの募集")
        RECRUITMENT = "recruitment", _("担い手募集")

    title = models.CharField(_("タイトル"), max_length=100)
    description = models.TextField(_("内容"), max_length=4000)
    source = models.CharField(_("種類"), max_length=12, choices=Source.choices)
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="needs"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="needs"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("募集する団体"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("募集者"),
    )
    need_types = models.CharField(_("求めるもの"), max_length=200, default="")
    skills = models.CharField(_("求める技能のキーワード"), max_length=200, blank=True)
    availability = models.CharField(_("活動する時間"), max_length=100, blank=True, default="")
    skill_document = models.CharField(max_length=300, blank=True, default="", editable=False)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="needs", verbose_name=_("テーマ")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("地区"),
    )
    contact = models.CharField(_("連絡先"), max_length=200, blank=True)
    is_public = models.BooleanField(_("公開する"), default=True)
    is_open = models.BooleanField(_("募集中"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("求めること（ニーズ）")
        verbose_name_plural = _("求めること（ニーズ）")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Match(models.Model):
    """A proposed connection between a need and an offer. Contact details are exchanged
    only once both sides have accepted."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reasons = models.JSONField(default=list)
    need_accepted_at = models.DateTimeField(null=True, blank=True)
    offer_accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="match_once")]

    def __str__(self) -> str:
        return f"{self.need_id} × {self.offer_id}"

    @property
    def both_accepted(self) -> bool:
        return bool(self.need_accepted_at and self.offer_accepted_at and not self.declined_at)
