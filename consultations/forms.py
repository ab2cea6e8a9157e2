from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from directory.models import District, Domain, Organization
from directory.wareki_fields import WarekiDateField

from . import conf
from .models import (
    PERSON_FIELDS,
    Conference,
    Consultation,
    OutreachAttempt,
    OutreachCase,
    SharedField,
    SheetStatus,
    Trouble,
    TsunaguSheet,
    Urgency,
    validate_case_date,
    validate_date_entered,
)
from .policies import CASE_AGENCY_KINDS


def _entered(value: date | None, kind: str) -> date | None:
    """``clean_<field>``: a date being typed in lies in its window (``conf.DATE_WINDOWS``)."""
    if value is not None:
        validate_date_entered(value, kind=kind)
    return value


def _check_consent_expiry(form: forms.BaseForm) -> None:
    # A consent given now runs from today; without consent the expiry means nothing.
    cleaned = form.cleaned_data
    expires = cleaned.get("consent_expires_on")
    if cleaned.get("consent_status") == Consultation.ConsentStatus.GIVEN and expires is not None:
        try:
            validate_date_entered(expires, kind="consent_expiry")
        except forms.ValidationError as exc:
            form.add_error("consent_expires_on", exc)


class ConsultationForm(forms.ModelForm):  # type: ignore[type-arg]
    # 和暦 or 西暦 (an era picker and year/month/day, or a typed 「昭和16年3月5日」); the model
    # field's validators still decide the range (1900 to today).
    birth_date = WarekiDateField(label=_("生年月日"), required=False)
    troubles = forms.MultipleChoiceField(
        label=_("困りごと"),
        choices=Trouble.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    narrative = forms.CharField(
        label=_("相談の内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=conf.NARRATIVE_MAX_LENGTH,
    )
    consent_fields = forms.MultipleChoiceField(
        label=_("共有してよい項目"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_domains = forms.ModelMultipleChoiceField(
        label=_("共有してよい分野"),
        queryset=Domain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_agencies = forms.ModelMultipleChoiceField(
        label=_("共有してよい機関"),
        queryset=Organization.objects.filter(is_active=True, kind__in=CASE_AGENCY_KINDS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Consultation
        fields = [
            *PERSON_FIELDS,
            "consent_status",
            "consent_method",
            "consent_fields",
            "consent_domains",
            "consent_agencies",
            "consent_expires_on",
        ]
        widgets = {
            "consent_expires_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        _check_consent_expiry(self)
        return self.cleaned_data


class ConsultationEditForm(ConsultationForm):
    """The intake form without consent (recorded on its own page, as its own events): an
    edit after intake changes the person, who came, the troubles, the narrative and the
    urgency with the same fields and checks as intake."""

    class Meta(ConsultationForm.Meta):
        fields = list(PERSON_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("consent_fields", "consent_domains", "consent_agencies"):
            del self.fields[name]


class HouseholdForm(forms.Form):
    relation = forms.CharField(label=_("続柄"), max_length=50, required=False)
    age = forms.IntegerField(label=_("年齢"), min_value=0, max_value=130, required=False)
    notes = forms.CharField(label=_("メモ"), max_length=200, required=False)


HouseholdFormSet = forms.formset_factory(HouseholdForm, extra=3, max_num=10)


class HouseholdEditForm(HouseholdForm):
    """A household row on the edit page: which member it is (blank for a new one)."""

    member = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


# A member's row with 「削除」 ticked, or with its relation cleared, leaves the household.
HouseholdEditFormSet = forms.formset_factory(
    HouseholdEditForm, extra=2, max_num=10, can_delete=True, validate_max=True
)


class SheetForm(forms.Form):
    receiver = forms.ModelChoiceField(
        label=_("つなぐ先の機関"),
        queryset=Organization.objects.none(),
    )
    reason = forms.CharField(
        label=_("つなぐ理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("引き継ぐ項目"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    urgency = forms.ChoiceField(label=_("緊急度"), choices=Urgency.choices)
    legal_basis = forms.ChoiceField(label=_("共有の根拠"), choices=TsunaguSheet.LegalBasis.choices)
    support_meeting_note = forms.CharField(
        label=_("支援会議の記録"),
        max_length=200,
        required=False,
        help_text=_("同意なしで送るときは、支援会議の日付と決定を書きます。"),
    )
    preferred_contact = forms.ChoiceField(
        label=_("望ましい連絡方法"),
        choices=[("", "---------"), *TsunaguSheet.ContactMethod.choices],
        required=False,
    )
    contact_times = forms.CharField(label=_("連絡してよい時間帯"), max_length=100, required=False)

    def __init__(self, *args: Any, agency: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            is_active=True, kind__in=CASE_AGENCY_KINDS
        ).exclude(pk=agency.pk)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=SheetStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("メモ・報告"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    contact_on = forms.DateField(
        label=_("初回連絡日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_case_date],
    )
    contact_method = forms.ChoiceField(
        label=_("初回連絡の方法"),
        choices=[("", "---------"), *TsunaguSheet.ContactMethod.choices],
        required=False,
    )

    def clean_contact_on(self) -> date | None:
        return _entered(self.cleaned_data["contact_on"], "contact")


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("名前・ふりがなで探す"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状態"), choices=[("", _("すべて")), *SheetStatus.choices], required=False
    )
    urgency = forms.ChoiceField(
        label=_("緊急度"), choices=[("", _("すべて")), *Urgency.choices], required=False
    )
    # The overdue board's definitions (``selectors.lateness``); the "today" page links
    # here with ``late=overdue`` or ``late=stale``.
    late = forms.ChoiceField(
        label=_("遅れ"),
        choices=[
            ("", _("すべて")),
            ("overdue", _("受理期限切れ")),
            ("stale", _("止まっている")),
        ],
        required=False,
    )


class ConferenceForm(forms.Form):
    title = forms.CharField(label=_("会議名"), max_length=200)
    held_on = forms.DateField(
        label=_("開催日"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_case_date],
    )
    legal_basis = forms.ChoiceField(label=_("根拠"), choices=Conference.LegalBasis.choices)
    agenda = forms.CharField(
        label=_("議題"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("参加機関（医療機関・NPOを含む）"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    consultations = forms.ModelMultipleChoiceField(
        label=_("対象の相談"),
        queryset=Consultation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, agency: Organization, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            is_active=True, kind__in=CASE_AGENCY_KINDS
        ).exclude(pk=agency.pk)
        self.fields["consultations"].queryset = cases  # type: ignore[attr-defined]

    def clean_held_on(self) -> date | None:
        return _entered(self.cleaned_data["held_on"], "conference")


class ConferenceRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Conference
        fields = ["assessment", "direction", "decision", "next_review_on"]
        widgets = {
            "assessment": forms.Textarea(attrs={"rows": 3}),
            "direction": forms.Textarea(attrs={"rows": 3}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_next_review_on(self) -> date | None:
        value: date | None = self.cleaned_data["next_review_on"]
        # Sent back unchanged with every save of the record: only a new date is checked.
        if value == self.instance.next_review_on:
            return value
        return _entered(value, "review")


class ConferenceTaskForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("担当機関"), queryset=Organization.objects.none())
    description = forms.CharField(label=_("役割・やること"), max_length=300)
    due_on = forms.DateField(
        label=_("期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_case_date],
    )

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = conference.participants.all()  # type: ignore[attr-defined]

    def clean_due_on(self) -> date | None:
        return _entered(self.cleaned_data["due_on"], "task_due")


class UnmetNeedForm(forms.Form):
    description = forms.CharField(label=_("足りない資源"), max_length=300)
    domain = forms.ModelChoiceField(label=_("分野"), queryset=Domain.objects.all(), required=False)
    district = forms.ModelChoiceField(
        label=_("地区"), queryset=District.objects.filter(is_active=True), required=False
    )


class OutreachForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OutreachCase
        fields = ["district", "household_tag", "source", "rhythm_days", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class OutreachAttemptForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OutreachAttempt
        fields = ["on", "method", "reached", "note"]
        widgets = {"on": forms.DateInput(attrs={"type": "date"})}

    def clean_on(self) -> date | None:
        return _entered(self.cleaned_data["on"], "contact")


class OutreachConvertForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("つなぐ相談支援機関"),
        queryset=Organization.objects.filter(
            is_active=True, kind=Organization.Kind.CONSULTATION_AGENCY
        ),
    )
    person_name = forms.CharField(label=_("氏名"), max_length=100)
    person_kana = forms.CharField(label=_("ふりがな"), max_length=100, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)
    troubles = forms.MultipleChoiceField(
        label=_("困りごと"),
        choices=Trouble.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    narrative = forms.CharField(
        label=_("相談の内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=conf.NARRATIVE_MAX_LENGTH,
    )
    consent_method = forms.ChoiceField(
        label=_("同意の方法"), choices=Consultation.ConsentMethod.choices
    )


class ConsentForm(forms.Form):
    consent_status = forms.ChoiceField(
        label=_("情報共有への同意"), choices=Consultation.ConsentStatus.choices
    )
    consent_method = forms.ChoiceField(
        label=_("同意の方法"),
        choices=[("", "---------"), *Consultation.ConsentMethod.choices],
        required=False,
    )
    consent_fields = forms.MultipleChoiceField(
        label=_("共有してよい項目"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_domains = forms.ModelMultipleChoiceField(
        label=_("共有してよい分野"),
        queryset=Domain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_agencies = forms.ModelMultipleChoiceField(
        label=_("共有してよい機関"),
        queryset=Organization.objects.filter(is_active=True, kind__in=CASE_AGENCY_KINDS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_expires_on = forms.DateField(
        label=_("同意の有効期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_case_date],
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        _check_consent_expiry(self)
        return self.cleaned_data


class IdeaHandoffForm(OutreachConvertForm):
    consent_confirmed = forms.BooleanField(
        label=_("本人から、相談支援機関に伝えることの同意を得ました"), required=True
    )


class SummaryPeriodForm(forms.Form):
    """The period of the overdue board's per-agency summary: a fiscal year, or one month of it."""

    YEARS_BACK = 4

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    month = forms.TypedChoiceField(
        label=_("月"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args: Any, current_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_year = current_year
        years = range(current_year, current_year - self.YEARS_BACK - 1, -1)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (y, _("%(year)s年度") % {"year": y}) for y in years
        ]
        months = [*range(4, 13), 1, 2, 3]
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (0, _("年度全体")),
            *((m, MONTHS[m]) for m in months),
        ]

    def chosen(self) -> tuple[int, int]:
        """(fiscal year, month or 0): the valid choice, else the current fiscal year."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"], self.cleaned_data["month"] or 0
        return self.current_year, 0
