from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from directory.models import District, Domain, Membership, Organization, Resource, Role
from reminders.models import Notification

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
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


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"団体{n}")
    kind = Organization.Kind.COMMUNITY_GROUP


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER


def district(code: str = "machida-1") -> District:
    return District.objects.get(code=code)


class ResourceFactory(factory.django.DjangoModelFactory[Resource]):
    """A listed resource, indexed for search as the admin's save indexes it.
    ``domains=["elderly"]`` gives it those domains (by code)."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"資源{n}")
    kind = Resource.Kind.SUPPORT_MENU
    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.NPO)

    @factory.post_generation
    def domains(obj: Resource, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            obj.domains.set(Domain.objects.filter(code__in=extracted))

    @factory.post_generation
    def indexed(obj: Resource, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted is not False:
            obj.search_document = obj.build_search_document()
            obj.save(update_fields=["search_document"])


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    """A notification in someone's portal inbox (not through a reminder)."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"お知らせ{n}")
