"""Future sessions and registrations, made through ``sessions.services``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from directory.models import Mode, Place
from sessions.models import FutureSession, Registration
from sessions.services import registration_create, session_create

from .accounts import UserFactory, demo_user
from .base import ServiceFactory
from .directory import PlaceFactory


def _venue() -> Place:
    forum = Place.objects.filter(name__startswith="町田市民フォーラム").first()
    return forum or PlaceFactory(name="テスト会場")


class SessionFactory(ServiceFactory[FutureSession]):
    """A physical session in ten days, two hours long (``ends_at`` follows ``starts_at``),
    organized by ``by`` (default: the demo coordinator)."""

    class Meta:
        model = FutureSession

    by = factory.LazyFunction(lambda: demo_user("coordinator"))
    title = "みんなで考える居場所づくり"
    question = "10年後、誰もが立ち寄れる居場所はどんな場所？"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    mode = Mode.PHYSICAL
    venue = factory.LazyFunction(_venue)
    capacity = 20

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> FutureSession:
        return session_create(**kwargs)


class RegistrationFactory(ServiceFactory[Registration]):
    """A registration (or a waiting-list place when the seats are gone)."""

    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Registration:
        return registration_create(**kwargs)
