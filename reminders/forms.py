from __future__ import annotations

from typing import Any

from django import forms

from .models import NoticeChannel, NoticeGroup


class NoticeChannelsForm(forms.Form):
    """Email, LINE or both, for each group of notices (consultations are in none: they never
    go to LINE)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in NoticeGroup:
            self.fields[group.value] = forms.ChoiceField(
                label=group.label,
                choices=NoticeChannel.choices,
                widget=forms.RadioSelect,
            )

    def channels(self) -> dict[str, str]:
        return {group: self.cleaned_data[group] for group in NoticeGroup.values}
