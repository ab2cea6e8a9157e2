"""Choice labels come from a mapping built once, and still follow the active language."""

from __future__ import annotations

from django.utils import translation

from projects.models import Idea


def test_labels_follow_the_language_of_each_request() -> None:
    idea = Idea(kind=Idea.Kind.WANT, status=Idea.Status.RECEIVED)
    with translation.override("ja"):
        assert idea.get_kind_display() == "やりたい"
        assert idea.get_status_display() == "受け付けました"
    with translation.override("en"):
        assert idea.get_kind_display() != "やりたい"
        assert idea.get_kind_display() == str(Idea.Kind.WANT.label)
    with translation.override("ja"):
        assert idea.get_kind_display() == "やりたい"


def test_an_unknown_value_is_shown_as_it_is() -> None:
    assert Idea(kind="unheard-of").get_kind_display() == "unheard-of"


def test_every_model_with_the_mixin_agrees_with_django() -> None:
    from django.apps import apps
    from django.db.models import Model

    from directory.choices import ChoiceLabels

    checked = 0
    for model in apps.get_models():
        if not issubclass(model, ChoiceLabels):
            continue
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            for value, _label in field.flatchoices:
                obj = model(**{field.attname: value})
                ours = obj._get_FIELD_display(field)
                django = Model._get_FIELD_display(obj, field)  # type: ignore[attr-defined]
                assert ours == django, (model, field.name, value)
                checked += 1
    assert checked > 50
