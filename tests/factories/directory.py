"""Directory rows: organizations, memberships, resources, places, and the seeded districts."""

from __future__ import annotations

import factory

from directory.models import District, Domain, Membership, Organization, Place, Resource, Role

from .accounts import UserFactory
from .base import RowFactory


def district(code: str = "machida-1") -> District:
    """A district of the reference data (districts are never made by a factory)."""
    return District.objects.get(code=code)


class OrganizationFactory(RowFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"団体{n}")
    kind = Organization.Kind.COMMUNITY_GROUP


class MembershipFactory(RowFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER


class ResourceFactory(RowFactory[Resource]):
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


class PlaceFactory(RowFactory[Place]):
    """A place (venue, drop-in place, office)."""

    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"会場{n}")
