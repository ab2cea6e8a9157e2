from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.images import PhotoField
from directory.models import District, Membership, Organization, Place, Theme

from . import conf
from .models import (
    ActionStatus,
    FutureSession,
    VisionAction,
    session_dates_errors,
    session_dates_moved,
)


def _field(form: forms.BaseForm, name: str) -> Any:
    # django-stubs types form fields as plain Field; these are model choice fields.
    return form.fields[name]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.ModelForm):
    # An IntegerField (not the model's positive one) so a negative number gets our own
    # plain message instead of the generic "greater than or equal to 0".
    capacity = forms.IntegerField(
        label=_("定員"), required=False, help_text=_("空欄なら定員なしです。")
    )

    online_url = forms.URLField(
        label=_("オンライン参加のURL"), required=False, assume_scheme="https"
    )

    class Meta:
        model = FutureSession
        fields = [
            "kind",
            "title",
            "question",
            "description",
            "starts_at",
            "ends_at",
            "mode",
            "venue",
            "online_url",
            "capacity",
            "district",
            "audience",
            "organizer_organization",
            "themes",
            "agenda_ideas",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "venue").queryset = Place.objects.filter(is_active=True)
        _field(self, "district").queryset = District.objects.filter(is_active=True)
        _field(self, "themes").queryset = Theme.objects.filter(is_active=True)
        _field(self, "organizer_organization").queryset = Organization.objects.filter(
            is_active=True
        ).exclude(kind=Organization.Kind.CONSULTATION_AGENCY)
        _field(self, "district").empty_label = _("市内全域")
        from projects.models import Idea

        _field(self, "agenda_ideas").queryset = Idea.objects.exclude(
            status__in=[Idea.Status.MERGED, Idea.Status.CLOSED]
        ).order_by("-created_at")
        self.fields["agenda_ideas"].help_text = _(
            "取り上げたアイデアの投稿者には、状況が「フューチャーセッションで取り上げ」に変わったことが届きます。"
        )

    def clean_capacity(self) -> int | None:
        value = self.cleaned_data.get("capacity")
        if value is not None and value < 0:
            raise forms.ValidationError(_("定員は0以上の数にしてください（空欄なら定員なし）。"))
        if value is not None and value > conf.CAPACITY_MAX:
            raise forms.ValidationError(
                _("定員は%(max)d人以下にしてください（空欄なら定員なし）。")
                % {"max": conf.CAPACITY_MAX}
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("終了日時は開始日時より後にしてください。"))
            return data
        # The instance still holds the stored dates here (the form copies its values over
        # after clean()): dates left as they were are not held to the window around today.
        entered = self.instance.pk is None or session_dates_moved(
            (self.instance.starts_at, self.instance.ends_at), (starts, ends)
        )
        for field, message in session_dates_errors(starts, ends, entered=entered).items():
            self.add_error(field, message)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("themes", None)
        data.pop("agenda_ideas", None)
        return data


class RegistrationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("団体として申し込む"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("個人で申し込む"),
    )
    seats = forms.IntegerField(
        label=_("人数"),
        initial=1,
        min_value=1,
        max_value=50,
        help_text=_("団体で申し込むときは、来る人数を入れてください。"),
    )
    needs_wheelchair = forms.BooleanField(label=_("車いすで参加します"), required=False)
    needs_childcare = forms.BooleanField(
        label=_("保育（お子さんの預かり）を希望します"), required=False
    )
    needs_sign_language = forms.BooleanField(label=_("手話通訳を希望します"), required=False)
    needs_captioning = forms.BooleanField(label=_("要約筆記・字幕を希望します"), required=False)
    needs_other = forms.CharField(label=_("その他、必要な配慮"), required=False, max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = list(
            Organization.objects.filter(
                pk__in=Membership.objects.filter(user=user, is_active=True).values("organization")
            )
        )
        _field(self, "organization").queryset = Organization.objects.filter(
            pk__in=[o.pk for o in organizations]
        )
        if not organizations:
            del self.fields["organization"]
            self.fields["seats"].widget = forms.HiddenInput()
        # An unbound form looks the same for everyone with the same organizations: the
        # session page caches its rendering under this key (with the language and the
        # directory generation, which changes when an organization is renamed).
        self.render_key = ",".join(str(o.pk) for o in organizations) or "-"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("organization") and (data.get("seats") or 1) > 1:
            self.add_error("seats", _("2人以上で申し込むときは、団体を選んでください。"))
        return data

    def needs(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "needs_wheelchair",
                "needs_childcare",
                "needs_sign_language",
                "needs_captioning",
                "needs_other",
            )
        }


class InvitationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("団体を招待する"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        help_text=_("地区協議会、企業、NPO、大学、市の部署など"),
    )
    person_email = forms.EmailField(
        label=_("人を招待する（ポータルに登録しているメールアドレス）"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, email = data.get("organization"), data.get("person_email")
        if bool(org) == bool(email):
            raise forms.ValidationError(_("団体か人を、どちらか一つ選んでください。"))
        if email:
            user = User.objects.filter(email__iexact=email, is_active=True).first()
            if user is None:
                self.add_error("person_email", _("このメールアドレスの利用者は見つかりません。"))
            data["user"] = user
        return data


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("当日参加の方のお名前"), max_length=100)


class OutcomeForm(forms.Form):
    summary = forms.CharField(label=_("まとめ"), widget=forms.Textarea(attrs={"rows": 6}))
    participant_count = forms.IntegerField(label=_("参加者数"))
    photo = PhotoField(label=_("写真（1枚ずつ追加できます）"), required=False)
    connection_first = forms.ModelChoiceField(
        label=_("新しいつながり: 団体1"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )
    connection_second = forms.ModelChoiceField(
        label=_("新しいつながり: 団体2"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )
    new_ideas = forms.CharField(
        label=_("セッションで生まれたアイデア（1行に1つ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("アイデアとして登録され、このセッションとつながります。"),
    )

    def clean_participant_count(self) -> int:
        value = int(self.cleaned_data["participant_count"])
        if value < 0:
            raise forms.ValidationError(_("参加者数は0以上にしてください。"))
        if value > conf.PARTICIPANT_COUNT_MAX:
            raise forms.ValidationError(
                _("参加者数は%(max)d人以下にしてください。") % {"max": conf.PARTICIPANT_COUNT_MAX}
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("connection_first"), data.get("connection_second")
        if bool(first) != bool(second):
            raise forms.ValidationError(_("つながりは2つの団体を選んでください。"))
        if first and second and first == second:
            raise forms.ValidationError(_("つながりには、ちがう2つの団体を選んでください。"))
        return data


class VisionForm(forms.Form):
    vision = forms.CharField(label=_("目指すべき姿"), widget=forms.Textarea(attrs={"rows": 5}))
    themes = forms.ModelMultipleChoiceField(
        label=_("テーマ"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ActionForm(forms.ModelForm):
    class Meta:
        model = VisionAction
        fields = ["title", "kind", "owner", "target_year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _field(self, "owner").queryset = Organization.objects.filter(is_active=True)
        self.fields["target_year"].help_text = _("年度（例: 2028）")

    def clean_target_year(self) -> int:
        year = int(self.cleaned_data["target_year"])
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("目標年度は西暦4桁で入れてください。"))
        return year


class ActionReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("今の状況"), choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("振り返り・メモ"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("根拠（活動記録、写真のURL、参加人数など）"), required=False, max_length=500
    )


class ProjectStartForm(forms.Form):
    title = forms.CharField(label=_("プロジェクト名"), max_length=100)
    purpose = forms.CharField(label=_("目的"), widget=forms.Textarea(attrs={"rows": 6}))
