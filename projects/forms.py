from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.images import PhotoField
from directory.models import District, Organization, Theme
from machida_portal.input_guard import MAX_ID, parse_id

from .models import (
    Availability,
    HelpType,
    Idea,
    IdeaReaction,
    Need,
    OfferType,
    Project,
)
from .policies import coordinator_users
from .selectors import IdeaFilters

_SCRIPT = ("<script", "javascript:")


def _no_script(value: str) -> str:
    # Text is always escaped when shown; a script tag is still refused so nobody is surprised.
    lowered = value.lower()
    if any(s in lowered for s in _SCRIPT):
        raise forms.ValidationError(_("スクリプトを含む文章は受け付けられません。"))
    return value


class IdeaForm(forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("種類"), choices=Idea.Kind.choices, widget=forms.RadioSelect, initial="want"
    )
    title = forms.CharField(
        label=_("タイトル"),
        max_length=100,
        widget=forms.TextInput(attrs={"data-similar-url": "", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.filter(is_active=True),
        required=False,
        empty_label=_("市全域"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("テーマ"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    help_types = forms.MultipleChoiceField(
        label=_("求める協力・出せる協力"),
        choices=HelpType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo1 = PhotoField(label=_("写真1"), required=False)
    photo2 = PhotoField(label=_("写真2"), required=False)
    photo3 = PhotoField(label=_("写真3"), required=False)
    contact_method = forms.ChoiceField(
        label=_("連絡方法"), choices=Idea.Contact.choices, initial=Idea.Contact.PORTAL
    )
    contact_detail = forms.CharField(
        label=_("連絡先（電話・メールを選んだとき）"),
        max_length=200,
        required=False,
        help_text=_("コーディネーターだけが見ます。"),
    )
    is_public = forms.BooleanField(
        label=_("アイデア掲示板に公開してよい"),
        required=False,
        help_text=_("困りごとは公開されません。連絡先は公開されません。"),
    )

    def __init__(self, *args: Any, on_behalf_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
        if on_behalf_allowed:
            self.fields["on_behalf"] = forms.BooleanField(
                label=_("市民に代わって入力する（電話・訪問で聞き取り）"), required=False
            )
            self.fields["on_behalf_name"] = forms.CharField(
                label=_("提案者の氏名"), max_length=100, required=False
            )
            self.fields["on_behalf_contact"] = forms.CharField(
                label=_("提案者の連絡先（電話・メール）"), max_length=200, required=False
            )

    def clean_title(self) -> str:
        return _no_script(self.cleaned_data["title"]).strip()

    def clean_description(self) -> str:
        return _no_script(self.cleaned_data["description"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("contact_method") in (Idea.Contact.EMAIL, Idea.Contact.PHONE)
            and not (data.get("contact_detail") or "").strip()
        ):
            self.add_error("contact_detail", _("電話番号またはメールアドレスを入力してください。"))
        if data.get("on_behalf") and not (data.get("on_behalf_name") or "").strip():
            self.add_error("on_behalf_name", _("提案者の氏名を入力してください。"))
        return data

    def photos(self) -> list[Any]:
        return [
            self.cleaned_data[f] for f in ("photo1", "photo2", "photo3") if self.cleaned_data.get(f)
        ]


class IdeaSentEditForm(IdeaForm):
    """The intake form for an idea already sent (decision 0022): the same fields and checks,
    without its kind (a trouble stays one), photos or the once-only submission token."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("submission_token", "kind", "photo1", "photo2", "photo3"):
            del self.fields[name]


class _DistrictChoices(BaseChoiceIterator):
    """The district filter's choices, read from the database when first iterated (validating
    or drawing the form) and then kept for the form: an empty filter whose form comes from the
    fragment cache reads no districts, and drawing the select reads them once."""

    def __init__(self) -> None:
        self._items: list[tuple[str, Any]] | None = None

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        if self._items is None:
            self._items = [
                ("", _("すべて")),
                ("city", _("市全域")),
                *[(str(d.pk), d.name) for d in District.objects.filter(is_active=True)],
            ]
        yield from self._items


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("キーワード"), required=False, max_length=100)
    district = forms.ChoiceField(label=_("地区"), required=False)
    theme = forms.ModelChoiceField(
        label=_("テーマ"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        empty_label=_("すべて"),
    )
    kind = forms.ChoiceField(label=_("種類"), required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["district"]).choices = _DistrictChoices()
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("すべて")),
            *(kinds or Idea.Kind.choices),
        ]

    def filters(self) -> IdeaFilters:
        if not self.is_valid():
            return IdeaFilters()
        d = self.cleaned_data
        district = d.get("district") or ""
        return IdeaFilters(
            q=d.get("q") or "",
            district=parse_id(district),
            city_wide=district == "city",
            theme=d["theme"].pk if d.get("theme") else None,
            kind=d.get("kind") or "",
        )


class InboxFilterForm(IdeaFilterForm):
    status = forms.ChoiceField(label=_("状況"), required=False)
    age = forms.ChoiceField(
        label=_("経過日数"),
        required=False,
        choices=[
            ("", _("すべて")),
            ("3", _("3日以上")),
            ("7", _("7日以上")),
            ("30", _("30日以上")),
        ],
    )
    assigned = forms.ChoiceField(
        label=_("担当"),
        required=False,
        choices=[("", _("すべて")), ("me", _("自分")), ("none", _("未割り当て"))],
    )
    overdue = forms.BooleanField(label=_("受付連絡の期限切れのみ"), required=False)
    unanswered = forms.BooleanField(label=_("まだ返事をしていないもののみ"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("すべて")),
            *Idea.Status.choices,
        ]

    def filters(self) -> IdeaFilters:
        f = super().filters()
        if self.is_valid():
            d = self.cleaned_data
            f = replace(
                f,
                status=d.get("status") or "",
                older_than_days=int(d["age"]) if d.get("age") else None,
                assigned=d.get("assigned") or "",
                overdue=bool(d.get("overdue")),
                unanswered=bool(d.get("unanswered")),
            )
        return f


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("担当コーディネーター"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["assigned_to"]
        ).queryset = coordinator_users().distinct()
        cast(Any, self.fields["assigned_to"]).label_from_instance = lambda u: u.get_full_name()


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("内部メモ（提案者には見えません）"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("新しい状況"))
    message = forms.CharField(
        label=_("提案者へのメッセージ"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            (s, Idea.Status(s).label) for s in Idea.Status.values if s in allowed and s != "merged"
        ]

    def clean_message(self) -> str:
        return _no_script(self.cleaned_data["message"])


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("提案者への返信"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_message(self) -> str:
        return _no_script(self.cleaned_data["message"])


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("まとめ先のアイデア番号"), min_value=1, max_value=MAX_ID)
    message = forms.CharField(label=_("提案者へのメッセージ"), max_length=4000, required=False)


class ReactForm(forms.Form):
    kind = forms.ChoiceField(choices=IdeaReaction.Kind.choices)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "purpose",
            "districts",
            "themes",
            "status",
            "start_date",
            "end_date",
            "lead_organization",
            "is_public",
        ]
        widgets = {
            "districts": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_title(self) -> str:
        return _no_script(self.cleaned_data["title"])

    def clean_purpose(self) -> str:
        return _no_script(self.cleaned_data["purpose"])


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(
        label=_("活動の内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = PhotoField(label=_("写真"), required=False)

    def clean_text(self) -> str:
        return _no_script(self.cleaned_data["text"])


class OfferForm(forms.Form):
    title = forms.CharField(label=_("タイトル"), max_length=100)
    description = forms.CharField(
        label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    offer_types = forms.MultipleChoiceField(
        label=_("出せるもの"), choices=OfferType.choices, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(
        label=_("技能のキーワード"),
        max_length=200,
        required=False,
        help_text=_("例：料理、パソコン、手話（読点で区切ります）"),
    )
    availability = forms.MultipleChoiceField(
        label=_("都合のよい時間"),
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("テーマ"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("活動できる地区（選ばないときは市全域）"),
        queryset=District.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organization = forms.ModelChoiceField(
        label=_("団体・企業として登録する"), queryset=Organization.objects.none(), required=False
    )
    contact = forms.CharField(
        label=_("連絡先"),
        max_length=200,
        help_text=_("双方が承諾したときだけ相手に伝わります。"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            cast(
                forms.ModelChoiceField, self.fields["organization"]
            ).queryset = Organization.objects.filter(
                memberships__user=user, memberships__is_active=True
            ).distinct()

    def clean_title(self) -> str:
        return _no_script(self.cleaned_data["title"])

    def clean_description(self) -> str:
        return _no_script(self.cleaned_data["description"])


class NeedForm(forms.Form):
    title = forms.CharField(label=_("タイトル"), max_length=100)
    description = forms.CharField(
        label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.ChoiceField(
        label=_("種類"),
        choices=[(Need.Source.RECRUITMENT, Need.Source.RECRUITMENT.label)],
        initial=Need.Source.RECRUITMENT,
    )
    need_types = forms.MultipleChoiceField(
        label=_("求めるもの"), choices=OfferType.choices, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.CharField(label=_("求める技能のキーワード"), max_length=200, required=False)
    availability = forms.MultipleChoiceField(
        label=_("活動する時間"),
        choices=Availability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("テーマ"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.filter(is_active=True),
        required=False,
        empty_label=_("市全域"),
    )
    organization = forms.ModelChoiceField(
        label=_("募集する団体"), queryset=Organization.objects.none(), required=False
    )
    contact = forms.CharField(label=_("連絡先"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            cast(
                forms.ModelChoiceField, self.fields["organization"]
            ).queryset = Organization.objects.filter(
                memberships__user=user, memberships__is_active=True
            ).distinct()

    def clean_title(self) -> str:
        return _no_script(self.cleaned_data["title"])

    def clean_description(self) -> str:
        return _no_script(self.cleaned_data["description"])


class OfferEditForm(OfferForm):
    """The offer form for its owner's edits: who it is registered as does not change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["organization"]
