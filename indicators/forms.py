from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from directory.models import District
from machida_portal.input_guard import MAX_POSITIVE_INT

from . import conf
from .models import (
    Indicator,
    Measurement,
    Target,
    fiscal_year_error,
    future_year_error,
    value_error,
)
from .services import parse_targets


def _plan_period() -> str:
    return str(
        _("計画期間：%(first)s〜%(last)s年度")
        % {"first": conf.PLAN_FIRST_FISCAL_YEAR, "last": conf.PLAN_LAST_FISCAL_YEAR}
    )


def _year_field(label: Any, required: bool = True) -> forms.IntegerField:
    # The period is read when the help text is shown, not when this module is imported.
    return forms.IntegerField(label=label, required=required, help_text=lazy(_plan_period, str)())


def _limit_length(field: forms.Field, limit: int) -> None:
    """Give a text field of a new form the import's size limit as the settings say now."""
    if not isinstance(field, forms.CharField):
        raise TypeError(f"a text field, not {type(field).__name__}")
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs.update(field.widget_attrs(field.widget))


class IndicatorForm(forms.ModelForm):
    targets_text = forms.CharField(
        label=_("目標値"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("1行に「年度,値」を書いてください（例：2031,60）。"),
    )

    class Meta:
        model = Indicator
        fields = [
            "name_ja",
            "name_en",
            "direction",
            "definition",
            "owner_department",
            "baseline_fiscal_year",
            "baseline_value",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["targets_text"].initial = "\n".join(
                f"{t.fiscal_year},{t.value.normalize():f}"
                for t in Target.objects.filter(indicator=self.instance.series).order_by(
                    "fiscal_year"
                )
            )

    def clean_targets_text(self) -> list[Any]:
        return parse_targets(self.cleaned_data.get("targets_text", ""), unit=self.instance.unit)


class MeasurementForm(forms.Form):
    fiscal_year = _year_field(_("年度"))
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.filter(is_active=True),
        required=False,
        empty_label=_("市全体"),
    )
    value = forms.DecimalField(label=_("値"), max_digits=12, decimal_places=2)
    sample_size = forms.IntegerField(
        label=_("回答者数"), required=False, min_value=0, max_value=MAX_POSITIVE_INT
    )
    numerator = forms.IntegerField(
        label=_("該当者数"), required=False, min_value=0, max_value=MAX_POSITIVE_INT
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=300,
        help_text=_("すでにある値を訂正するときは必ず書いてください。"),
    )

    def __init__(
        self, *args: Any, indicator: Indicator, fixed: Measurement | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fixed = fixed
        if fixed is not None:
            # Correcting one value: its year and district stay as they are.
            del self.fields["fiscal_year"]
            del self.fields["district"]
            self.fields["reason"].required = True

    def clean_fiscal_year(self) -> int:
        year = self.cleaned_data["fiscal_year"]
        if msg := fiscal_year_error(year) or future_year_error(year):
            raise ValidationError(msg)
        return int(year)

    def clean_value(self) -> Any:
        value = self.cleaned_data["value"]
        if msg := value_error(self.indicator.unit, value):
            raise ValidationError(msg)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        n, k = data.get("sample_size"), data.get("numerator")
        if n is not None and k is not None and k > n:
            self.add_error("numerator", _("該当者数は回答者数以下にしてください。"))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSVファイル"),
        required=False,
        help_text=_("UTF-8のCSV。1行目は code,fiscal_year,district,value,sample_size,numerator"),
    )
    text = forms.CharField(
        label=_("またはCSVを貼り付け"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_length(self.fields["text"], conf.MAX_IMPORT_BYTES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            if upload.size > conf.MAX_IMPORT_BYTES:
                raise ValidationError(_("ファイルが大きすぎます。"))
            try:
                data["csv"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("文字コードをUTF-8にして保存したCSVを選んでください。")
                ) from None
        else:
            data["csv"] = data.get("text", "")
        if not data["csv"].strip():
            raise ValidationError(_("CSVファイルを選ぶか、貼り付けてください。"))
        return data


class ConfirmImportForm(forms.Form):
    csv = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_length(self.fields["csv"], conf.MAX_IMPORT_BYTES)


class ComputeForm(forms.Form):
    fiscal_year = _year_field(_("集計する年度"))

    def clean_fiscal_year(self) -> int:
        year = self.cleaned_data["fiscal_year"]
        if msg := fiscal_year_error(year) or future_year_error(year):
            raise ValidationError(msg)
        return int(year)
