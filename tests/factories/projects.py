"""Ideas and projects, made through ``projects.services``."""

from __future__ import annotations

from typing import Any

import factory

from projects.models import Idea, Project
from projects.services import idea_create, project_create

from .accounts import demo_user
from .base import ServiceFactory
from .directory import district


class IdeaFactory(ServiceFactory[Idea]):
    """A public "want" idea by the demo resident, received (``draft=True`` keeps it a draft)."""

    class Meta:
        model = Idea

    by = factory.LazyFunction(lambda: demo_user("resident"))
    kind = Idea.Kind.WANT
    title = "公園でラジオ体操をしたい"
    description = "朝の公園で多世代のラジオ体操をしたいです。"
    is_public = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Idea:
        return idea_create(**kwargs)


class TroubleIdeaFactory(IdeaFactory):
    """A resident's private trouble (困りごと) in 町田第一, as handed over to a consultation."""

    kind = Idea.Kind.TROUBLE
    title = "親の介護と仕事の両立がつらい"
    description = "母の介護で仕事を休みがちです。誰に相談すればいいかわかりません。"
    district = factory.LazyFunction(lambda: district("machida-1"))
    is_public = False


class ProjectFactory(ServiceFactory[Project]):
    """A project started by the demo coordinator."""

    class Meta:
        model = Project

    by = factory.LazyFunction(lambda: demo_user("coordinator"))
    title = factory.Sequence(lambda n: f"プロジェクト{n}")
    purpose = "p"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Project:
        return project_create(**kwargs)
