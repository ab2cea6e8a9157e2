"""Indicators of the regional welfare plan, their targets, and yearly measurements."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.fiscal import current_fiscal_year

from . import conf
from .codes import code_error


class Unit(models.TextChoices):
    PERCENT = "%", _("%")
    PERSONS = "persons", _("人")
    CASES = "cases", _("件")
    DAYS = "days", _("日")


# The largest value each unit accepts: a share cannot pass 100 %, counts and days have no
# natural ceiling, so a generous bound catches a slipped digit.
UNIT_MAX: dict[str, Decimal] = {
    Unit.PERCENT: Decimal("100"),
    Unit.PERSONS: Decimal("10000000"),
    Unit.CASES: Decimal("10000000"),
    Unit.DAYS: Decimal("3660"),
}


def fiscal_year_error(year: int | None) -> str | None:
    if year is None or not conf.PLAN_FIRST_FISCAL_YEAR <= year <= conf.PLAN_LAST_FISCAL_YEAR:
        return str(
            _("年度は計画期間（%(first)s〜%(last)s年度）の中で入力してください。")
            % {"first": conf.PLAN_FIRST_FISCAL_YEAR, "last": conf.PLAN_LAST_FISCAL_YEAR}
        )
    return None


def last_survey_year(today: date | None = None) -> int:
    """The latest fiscal year whose survey has happened: a year's 市民意識調査 is reported
    once that fiscal year is over (decision 0023)."""
    return current_fiscal_year(today) - 1


def future_year_error(year: int | None, *, today: date | None = None) -> str | None:
    """A value is for a year that has begun: no measurement for a fiscal year still to
    come (targets may be for any year of the plan)."""
    current = current_fiscal_year(today)
    if year is not None and year > current:
        return str(
            _("%(year)s年度はまだ始まっていません。値は%(current)s年度までです。")
            % {"year": year, "current": current}
        )
    return None


def value_error(unit: str, value: Decimal | None) -> str | None:
    if value is None:
        return str(_("値を入力してください。"))
    top = UNIT_MAX.get(unit, Decimal("10000000"))
    if value < 0 or value > top:
        return str(
            _("値は%(low)s〜%(high)sの範囲で入力してください（単位：%(unit)s）。")
            % {"low": 0, "high": top, "unit": Unit(unit).label}
        )
    return None


class Indicator(models.Model):
    class Direction(models.TextChoices):
        UP = "up", _("増やす")
        DOWN = "down", _("減らす")

    class Source(models.TextChoices):
        SURVEY = "survey", _("市民意識調査")
        COMPUTED = "computed", _("ポータルのデータから算出")

    class Kind(models.TextChoices):
        PLAN = "plan", _("計画の指標")
        OPERATIONAL = "operational", _("運用の指標")

    code = models.CharField(_("コード"), max_length=60, unique=True)
    name_ja = models.CharField(_("名称（日本語）"), max_length=200)
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    unit = models.CharField(_("単位"), max_length=10, choices=Unit.choices)
    direction = models.CharField(
        _("目指す方向"), max_length=10, choices=Direction.choices, default=Direction.UP
    )
    source = models.CharField(_("出典"), max_length=10, choices=Source.choices)
    kind = models.CharField(_("種類"), max_length=12, choices=Kind.choices, default=Kind.PLAN)
    definition = models.TextField(_("定義"), blank=True)
    owner_department = models.CharField(_("担当部署"), max_length=200, blank=True)
    baseline_fiscal_year = models.PositiveSmallIntegerField(_("基準年度"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("基準値"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_is_demo = models.BooleanField(_("基準値はデモ"), default=False)
    order = models.PositiveSmallIntegerField(_("並び順"), default=100)
    # The plan prints one survey question under two codes (Ⅲ-1 and Ⅲ-3): the second
    # definition shows the first one's series — values, targets and baseline — and holds
    # none of its own (decision 0023).
    same_as = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aliases",
        verbose_name=_("同じ系列の指標"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        if (get_language() or "ja").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ja

    @property
    def series(self) -> Indicator:
        """The definition whose values, targets and baseline this one shows."""
        return self.same_as if self.same_as_id and self.same_as else self

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.baseline_fiscal_year is not None and (
            msg := fiscal_year_error(self.baseline_fiscal_year)
        ):
            errors["baseline_fiscal_year"] = msg
        if self.baseline_value is not None and (msg := value_error(self.unit, self.baseline_value)):
            errors["baseline_value"] = msg
        if (self.baseline_value is None) != (self.baseline_fiscal_year is None):
            errors["baseline_value"] = str(_("基準値は年度と値の両方を入力してください。"))
        if msg := code_error(self.code, self.kind):
            errors["code"] = msg
        if self.same_as_id is not None and self.baseline_value is not None and self.same_as:
            errors["baseline_value"] = str(
                _("基準値は %(code)s で設定します（同じ系列です）。") % {"code": self.same_as.code}
            )
        if self.same_as_id is not None and (
            self.same_as_id == self.pk or (self.same_as and self.same_as.same_as_id)
        ):
            errors["same_as"] = str(_("同じ系列の指標には、系列を持つ指標を選んでください。"))
        if errors:
            raise ValidationError(errors)


class IndicatorCode(models.Model):
    """A code an indicator was known by before (decision 0023): old links and files that
    name it still find the indicator."""

    code = models.CharField(_("以前のコード"), max_length=60, unique=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="former_codes", verbose_name=_("指標")
    )

    class Meta:
        verbose_name = _("以前の指標コード")
        verbose_name_plural = _("以前の指標コード")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.indicator_id}"


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("目標値"), max_digits=12, decimal_places=2)
    is_demo = models.BooleanField(_("デモ"), default=False)

    class Meta:
        verbose_name = _("目標値")
        verbose_name_plural = _("目標値")
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="indicators_target_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.fiscal_year}: {self.value}"


class Measurement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        PUBLISHED = "published", _("公開")

    # How the status may move, and who may move it: indicators.policies.MEASUREMENT_STATES.

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    district = models.ForeignKey(
        "directory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("地区"),
        help_text=_("空欄は市全体"),
    )
    value = models.DecimalField(_("値"), max_digits=12, decimal_places=2)
    sample_size = models.PositiveIntegerField(_("回答者数"), null=True, blank=True)
    numerator = models.PositiveIntegerField(_("該当者数"), null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField(_("出典"), max_length=10, choices=Indicator.Source.choices)
    as_of = models.DateTimeField(_("集計時点"))
    is_demo = models.BooleanField(_("デモ"), default=False)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更新者"),
    )

    class Meta:
        verbose_name = _("測定値")
        verbose_name_plural = _("測定値")
        ordering = ["indicator", "fiscal_year", "district"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "district"],
                name="indicators_measurement_unique_district",
                condition=Q(district__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="indicators_measurement_unique_city",
                condition=Q(district__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.fiscal_year} {self.district_id or '-'}: {self.value}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if msg := fiscal_year_error(self.fiscal_year) or future_year_error(self.fiscal_year):
            errors["fiscal_year"] = msg
        if self.indicator.same_as_id is not None:
            errors["indicator"] = str(
                _("この指標は %(code)s と同じ系列です。値は %(code)s に入力してください。")
                % {"code": self.indicator.series.code}
            )
        if msg := value_error(self.indicator.unit, self.value):
            errors["value"] = msg
        if (
            self.sample_size is not None
            and self.numerator is not None
            and self.numerator > self.sample_size
        ):
            errors["numerator"] = str(_("該当者数は回答者数以下にしてください。"))
        if errors:
            raise ValidationError(errors)


class MeasurementChange(models.Model):
    """One line of a measurement's visible history: a correction or a status change."""

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="changes", verbose_name=_("測定値")
    )
    old_value = models.DecimalField(
        _("変更前の値"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(_("変更後の値"), max_digits=12, decimal_places=2)
    old_status = models.CharField(_("変更前の状態"), max_length=10, blank=True)
    new_status = models.CharField(_("変更後の状態"), max_length=10, blank=True)
    reason = models.CharField(_("理由"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("変更者"),
    )
    at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("測定値の変更履歴")
        verbose_name_plural = _("測定値の変更履歴")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.old_value} → {self.new_value} ({self.reason})"
