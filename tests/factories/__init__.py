"""Test data: one factory per kind of thing, one module per app.

The convention
--------------
* Every piece of test data is made by a factory_boy factory, called as ``XFactory(**overrides)``
  (or ``XFactory.create_batch(n, **overrides)``). A keyword overrides one declared default;
  nothing else about the row changes.
* Plain rows (users, organizations, memberships, places, resources, notifications) are
  ``RowFactory`` subclasses (factory_boy's ``DjangoModelFactory``): they save the row and
  nothing more.
* Things with a state or side effects (ideas, projects, sessions, registrations,
  consultations, sheets, conferences, outreach cases, measurements, reminders) are
  ``ServiceFactory`` subclasses (``tests/factories/base.py``): ``_create`` hands the declared
  attributes to the app's service, so history, reminders, search text and cache bumps are
  exactly what the portal makes. A target state is one more keyword (``SheetFactory(status=
  SheetStatus.RECEIVED)``, ``MeasurementFactory(status="published")``) reached through the
  app's transition service, each move made by whoever makes it in the portal. ``build()`` is
  refused for them.
* Defaults that are people or organizations are the demo ones (``demo_user("staff_elderly")``,
  the names ``role_users`` uses), looked up when the factory runs: a test that relies on them
  requests the ``demo`` (or ``role_users``/``users``) fixture. Districts, domains, themes and
  indicators are reference data: fetch them (``district("tsurukawa")``), never make them.
* A test file may keep a one-line wrapper that fixes its own defaults (``_sheet`` with a
  legal basis, ``_due`` with a subject); the wrapper calls the factory and does nothing else.
* Both bases type ``XFactory(...)`` as the model, so mypy checks what tests do with it.
* ``objects.create`` stays only where a test needs a row the services would never make (an old
  reminder key, a log row for the admin, a raw state to read back); say why beside it.

``from tests.factories import UserFactory`` (and every other name here) keeps working.
"""

from __future__ import annotations

from .accounts import DEMO_EMAILS, PASSWORD, UserFactory, demo_user
from .base import RowFactory, ServiceFactory
from .consultations import (
    ConferenceFactory,
    ConsultationFactory,
    OutreachFactory,
    SheetFactory,
)
from .directory import (
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    ResourceFactory,
    district,
)
from .indicators import MeasurementFactory
from .projects import IdeaFactory, ProjectFactory, TroubleIdeaFactory
from .reminders import NotificationFactory, ReminderFactory
from .sessions import RegistrationFactory, SessionFactory

__all__ = [
    "DEMO_EMAILS",
    "PASSWORD",
    "ConferenceFactory",
    "ConsultationFactory",
    "IdeaFactory",
    "MeasurementFactory",
    "MembershipFactory",
    "NotificationFactory",
    "OrganizationFactory",
    "OutreachFactory",
    "PlaceFactory",
    "ProjectFactory",
    "RegistrationFactory",
    "ReminderFactory",
    "ResourceFactory",
    "RowFactory",
    "ServiceFactory",
    "SessionFactory",
    "SheetFactory",
    "TroubleIdeaFactory",
    "UserFactory",
    "demo_user",
    "district",
]
