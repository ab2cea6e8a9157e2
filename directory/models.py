"""Shared reference data: districts, organizations and who belongs to them."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import ChoiceLabels


class Role(models.TextChoices):
    RESIDENT = "resident", _("市民")
    MEMBER = "member", _("団体・企業の会員")
    COORDINATOR = "coordinator", _("コーディネーター")
    CONSULTATION_STAFF = "consultation_staff", _("相談支援機関の職員")
    WELFARE_COORDINATOR = "welfare_coordinator", _("地域福祉コーディネーター")
    CITY_STAFF = "city_staff", _("市職員")
    ADMIN = "admin", _("管理者")


def public_uuid_field() -> models.UUIDField:
    """The row's identifier in what others read (the HSDS API, decision 0012's public data):
    random, stable for the row's life, never the integer primary key."""
    return models.UUIDField(_("公開用ID"), default=uuid4, unique=True, editable=False)


class BilingualName(models.Model):
    name_ja = models.CharField(_("名称（日本語）"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ja


class District(BilingualName):
    """One of Machida's ten districts (地区), each with its district council."""

    code = models.SlugField(_("コード"), max_length=30, unique=True)
    uuid = public_uuid_field()
    order = models.PositiveSmallIntegerField(_("並び順"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["order", "id"]


class Domain(BilingualName):
    """A field of support a consultation agency covers (高齢, 障がい, 子ども・家庭 …)."""

    code = models.SlugField(_("コード"), max_length=30, unique=True)
    uuid = public_uuid_field()
    order = models.PositiveSmallIntegerField(_("並び順"), default=0)

    class Meta:
        verbose_name = _("支援分野")
        verbose_name_plural = _("支援分野")
        ordering = ["order", "id"]


class Organization(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", _("市の部署")
        SHAKYO = "shakyo", _("社会福祉協議会")
        DISTRICT_COUNCIL = "district_council", _("地区協議会")
        CONSULTATION_AGENCY = "consultation_agency", _("相談支援機関")
        MEDICAL = "medical", _("医療機関")
        NPO = "npo", _("NPO")
        COMPANY = "company", _("企業")
        UNIVERSITY = "university", _("大学")
        COMMUNITY_GROUP = "community_group", _("地域活動団体")

    name = models.CharField(_("名称"), max_length=200)
    uuid = public_uuid_field()
    name_kana = models.CharField(_("名称（ふりがな）"), max_length=200, blank=True)
    kind = models.CharField(_("種別"), max_length=30, choices=Kind.choices, db_index=True)
    districts = models.ManyToManyField(
        District, verbose_name=_("担当地区"), blank=True, related_name="organizations"
    )
    domains = models.ManyToManyField(
        Domain,
        verbose_name=_("支援分野"),
        blank=True,
        related_name="organizations",
        help_text=_("相談支援機関の場合に選びます。"),
    )
    email = models.EmailField(_("連絡用メール"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("団体・機関")
        verbose_name_plural = _("団体・機関")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="organization_unique_name_kind")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind == self.Kind.CONSULTATION_AGENCY


class Membership(ChoiceLabels, models.Model):
    """Ties a user to an organization in one role. Roles are enforced on the server."""

    ROLE_CHOICES = [(r.value, r.label) for r in Role if r not in (Role.RESIDENT, Role.ADMIN)]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("利用者"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("団体・機関"),
    )
    role = models.CharField(_("役割"), max_length=30, choices=ROLE_CHOICES)
    is_supervisor = models.BooleanField(
        _("責任者"),
        default=False,
        help_text=_("相談記録の閲覧ログを確認できます。"),
    )
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.email} @ {self.organization} ({self.get_role_display()})"


class Theme(BilingualName):
    """A theme from the managed list (子育て, 高齢者, 防災 …) that ideas, projects, sessions,
    visions and resources share."""

    code = models.SlugField(_("コード"), max_length=30, unique=True)
    uuid = public_uuid_field()
    order = models.PositiveSmallIntegerField(_("並び順"), default=0)
    is_active = models.BooleanField(_("有効"), default=True)

    class Meta:
        verbose_name = _("テーマ")
        verbose_name_plural = _("テーマ")
        ordering = ["order", "id"]


class Mode(models.TextChoices):
    PHYSICAL = "physical", _("会場")
    ONLINE = "online", _("オンライン")
    HYBRID = "hybrid", _("ハイブリッド")


class Place(models.Model):
    """A place people can go to: a venue for sessions, a drop-in place (居場所), an office."""

    name = models.CharField(_("名称"), max_length=200)
    uuid = public_uuid_field()
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("運営団体"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("地区"),
    )
    mode = models.CharField(_("形態"), max_length=10, choices=Mode.choices, default=Mode.PHYSICAL)
    postal_code = models.CharField(
        _("郵便番号"),
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(r"^\d{3}-\d{4}$", _("郵便番号は 123-4567 の形で入力してください。"))
        ],
    )
    address = models.CharField(
        _("所在地"), max_length=200, blank=True, help_text=_("町田市より後（例: 原町田4-9-8）")
    )
    url = models.URLField(_("ウェブサイト・オンラインの入口"), blank=True)
    capacity = models.PositiveIntegerField(_("定員"), null=True, blank=True)
    accessibility = models.TextField(
        _("バリアフリー情報"),
        blank=True,
        help_text=_("段差、車いす用トイレ、駐車場、最寄り駅からの道のりなど"),
    )
    is_drop_in = models.BooleanField(
        _("居場所"), default=False, help_text=_("予約なしで気軽に立ち寄れる場所です。")
    )
    is_active = models.BooleanField(_("有効"), default=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("場所")
        verbose_name_plural = _("場所")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Resource(ChoiceLabels, models.Model):
    """A social resource, a support menu or a drop-in place in the public directory."""

    class Kind(models.TextChoices):
        SOCIAL_RESOURCE = "social_resource", _("社会資源")
        SUPPORT_MENU = "support_menu", _("支援メニュー")
        DROP_IN = "drop_in", _("居場所")

    name = models.CharField(_("名称"), max_length=200)
    uuid = public_uuid_field()
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices, db_index=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="resources",
        verbose_name=_("提供団体"),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("場所"),
    )
    mode = models.CharField(_("形態"), max_length=10, choices=Mode.choices, default=Mode.PHYSICAL)
    # The public id of "this resource at its place" (an HSDS service_at_location).
    service_at_location_uuid = models.UUIDField(
        _("場所での提供の公開用ID"), default=uuid4, unique=True, editable=False
    )
    description = models.TextField(_("内容"), blank=True)
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="resources",
        verbose_name=_("対象地区"),
        help_text=_("選ばなければ市内全域です。"),
    )
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="resources", verbose_name=_("分野")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="resources", verbose_name=_("テーマ")
    )
    eligibility = models.TextField(_("対象となる方"), blank=True)
    hours = models.CharField(_("開いている日時"), max_length=200, blank=True)
    contact = models.CharField(_("問い合わせ先"), max_length=200, blank=True)
    fees = models.CharField(_("費用"), max_length=200, blank=True)
    url = models.URLField(_("ウェブサイト"), blank=True)
    last_verified_on = models.DateField(_("情報の確認日"), null=True, blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    search_document = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("地域資源")
        verbose_name_plural = _("地域資源")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "is_active"], name="resource_kind_active")]

    def __str__(self) -> str:
        return self.name

    def build_search_document(self) -> str:
        from .search import search_document

        return search_document(
            self.name, self.description, self.eligibility, self.organization.name
        )
