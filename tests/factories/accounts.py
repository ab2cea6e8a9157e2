"""Users: ``UserFactory`` and the demo users by role name."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

from .base import RowFactory

PASSWORD = "correct-horse-battery"


class UserFactory(RowFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


# The demo users (``seed_demo`` / the ``demo`` fixture), by the names ``role_users`` gives them.
DEMO_EMAILS = {
    "resident": "resident@example.jp",
    "member": "member@example.jp",
    "coordinator": "coordinator@example.jp",
    "staff_elderly": "staff.elderly@example.jp",
    "staff_disability": "staff.disability@example.jp",
    "cwc": "cwc@example.jp",
    "city": "city@example.jp",
    "admin": "admin@example.jp",
}


def demo_user(name: str) -> User:
    """The demo user ``role_users[name]`` names; the test must have the ``demo`` data."""
    return User.objects.get(email=DEMO_EMAILS[name])
