"""A date field that takes 和暦 or western dates: an era picker (明治…令和, or 西暦) and year,
month and day boxes, in a fieldset whose legend is the field's label. The year box also takes
a whole typed date (「昭和16年3月5日」, 「S16.3.5」, 「1941-03-05」), and a single ``<name>``
value (an old form, a script) is read the same way.

Only whether the date exists is checked here; whether it is plausible (a birth date not in the
future, not before 1900 …) stays the model field's validators' job.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from machida_portal import wareki

WESTERN = "western"


# The picker's labels: the era names themselves in Japanese, with their romaji in English.
ERA_LABELS = {
    "reiwa": _("令和"),
    "heisei": _("平成"),
    "showa": _("昭和"),
    "taisho": _("大正"),
    "meiji": _("明治"),
}


def era_choices() -> list[tuple[str, Any]]:
    # Newest first: staff mostly enter 昭和 and 平成 births; 西暦 last.
    return [(e.key, ERA_LABELS[e.key]) for e in reversed(wareki.ERAS)] + [(WESTERN, _("西暦"))]


class WarekiDateWidget(forms.MultiWidget):
    template_name = "directory/widgets/wareki_date.html"
    use_fieldset = True
    # The era most older residents were born in: preselected on an empty form.
    default_era = "showa"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        number = {"inputmode": "numeric", "autocomplete": "off"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "era": forms.Select(choices=era_choices()),
            "year": forms.TextInput(attrs={**number, "size": 6}),
            "month": forms.TextInput(attrs={**number, "size": 3, "maxlength": 2}),
            "day": forms.TextInput(attrs={**number, "size": 3, "maxlength": 2}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            try:
                era, year = wareki.to_wareki(value)
            except wareki.WarekiError:
                return [WESTERN, str(value.year), str(value.month), str(value.day)]
            return [era.key, str(year), str(value.month), str(value.day)]
        return [self.default_era, "", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:  # one typed value, e.g. "1941-03-05"
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(value, str) and value:
            # A single typed value comes back in the year box, as typed.
            value = [self.default_era, value, "", ""]
        context = super().get_context(name, value, attrs)
        attrs = attrs or {}
        # Django marks a field with errors aria-invalid; Bootstrap shows the error text only
        # after an element marked is-invalid (the boxes' wrapper, see the template).
        invalid = attrs.get("aria-invalid") in (True, "true") or "is-invalid" in str(
            attrs.get("class", "")
        )
        context["widget"]["invalid"] = invalid
        labels = [_("元号"), _("年"), _("月"), _("日")]
        for sub, label in zip(context["widget"]["subwidgets"], labels, strict=True):
            base = "form-select" if sub["name"].endswith("_era") else "form-control"
            sub["attrs"]["class"] = f"{base} is-invalid" if invalid else base
            sub["label"] = label
        return context


class WarekiDateField(forms.Field):
    widget = WarekiDateWidget
    default_error_messages = {
        "incomplete": _("年・月・日をすべて入れてください。"),
        "not_a_number": _("年・月・日は数字で入れてください（元年は 1 でも「元」でも）。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            _(
                "元号を選び、年・月・日を数字で入れます。西暦のときは「西暦」を選びます。"
                "年の欄に「昭和16年3月5日」「S16.3.5」とまとめて入れることもできます。"
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if value in self.empty_values:
            return None
        try:
            if isinstance(value, str):
                return wareki.parse(value)
            era, year, month, day = (
                wareki.normalise(str(v or "")) for v in (*value, "", "", "")[:4]
            )
            era = era.lower()
            if not (year or month or day):
                return None
            if year and not (month or day) and not year.isdigit() and year != "元":
                return wareki.parse(year)
            if not (year and month and day):
                raise ValidationError(self.error_messages["incomplete"], code="incomplete")
            year_n = 1 if year == "元" else year
            if not (str(year_n).isdigit() and month.isdigit() and day.isdigit()):
                raise ValidationError(self.error_messages["not_a_number"], code="not_a_number")
            if era == WESTERN:
                return wareki.western(int(year_n), int(month), int(day))
            return wareki.from_wareki(era, int(year_n), int(month), int(day))
        except wareki.WarekiError as exc:
            raise ValidationError(str(exc.message), code=exc.code) from None
