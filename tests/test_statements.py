"""Reads compiled once per process (``machida_portal.statements``, decision 0031)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import MultipleObjectsReturned
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from directory.models import Membership, Organization, Role
from machida_portal.statements import Compiled
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _memberships(user: Any, **filters: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user, is_active=True, **filters)
        .select_related("organization", "user")
        .order_by("id")
    )


@pytest.fixture
def people() -> dict[str, Any]:
    first, second = OrganizationFactory(), OrganizationFactory(is_active=False)
    alice, bob = UserFactory(), UserFactory()
    MembershipFactory(user=alice, organization=first, role=Role.MEMBER)
    MembershipFactory(user=alice, organization=second, role=Role.COORDINATOR)
    MembershipFactory(user=bob, organization=first, role=Role.MEMBER, is_active=False)
    return {"alice": alice, "bob": bob, "first": first, "second": second}


def test_rows_are_those_of_the_queryset_with_their_related_objects(people: dict[str, Any]) -> None:
    compiled: Compiled[Membership] = Compiled(_memberships, "user")
    for user in (people["alice"], people["bob"]):
        ours = compiled.list(user=user.pk)
        django = list(_memberships(user.pk))
        assert [m.pk for m in ours] == [m.pk for m in django]
        for a, b in zip(ours, django, strict=True):
            assert a.role == b.role and a.created_at == b.created_at
            assert a.organization.name == b.organization.name  # from select_related
    assert len(compiled.list(user=people["alice"].pk)) == 2
    assert compiled.list(user=people["bob"].pk) == []


def test_it_compiles_once_and_runs_the_same_sql_with_other_numbers(
    people: dict[str, Any],
) -> None:
    built: list[int] = []

    def build(user: int) -> QuerySet[Membership]:
        built.append(user)
        return _memberships(user)

    compiled: Compiled[Membership] = Compiled(build, "user")
    with CaptureQueriesContext(connection) as first:
        compiled.list(user=people["alice"].pk)
    with CaptureQueriesContext(connection) as second:
        with_related = compiled.list(user=people["bob"].pk)
    assert len(built) == 1
    assert len(first) == len(second) == 1
    assert with_related == []
    # The related objects come from the same statement: reading them asks nothing more.
    with CaptureQueriesContext(connection) as more:
        rows = compiled.list(user=people["alice"].pk)
        names = [m.organization.name for m in rows] + [m.user.email for m in rows]
    assert len(more) == 1 and len(names) == 4


def test_values_and_annotations_come_through(people: dict[str, Any]) -> None:
    def build(user: int) -> QuerySet[Any]:
        return (
            Organization.objects.filter(memberships__user_id=user)
            .annotate(n=Count("memberships"))
            .values("name", "n")
            .order_by("name")
        )

    compiled: Compiled[dict[str, Any]] = Compiled(build, "user")
    assert compiled.list(user=people["alice"].pk) == list(build(people["alice"].pk))


@pytest.mark.parametrize("flat", [False, True])
def test_values_lists_stay_tuples(people: dict[str, Any], flat: bool) -> None:
    def build(user: int) -> QuerySet[Any]:
        rows = Membership.objects.filter(user_id=user).order_by("id")
        return rows.values_list("id", flat=True) if flat else rows.values_list("id", "role")

    compiled: Compiled[Any] = Compiled(build, "user")
    assert compiled.list(user=people["alice"].pk) == list(build(people["alice"].pk))


def test_keyed_arguments_select_their_own_compiled_form_and_are_bounded(
    people: dict[str, Any],
) -> None:
    def build(user: int, active: bool) -> QuerySet[Membership]:
        return Membership.objects.filter(user_id=user, organization__is_active=active)

    compiled: Compiled[Membership] = Compiled(build, "user", keyed=("active",), maxsize=1)
    alice = people["alice"].pk
    assert [m.organization_id for m in compiled.list(user=alice, active=True)] == [
        people["first"].pk
    ]
    assert [m.organization_id for m in compiled.list(user=alice, active=False)] == [
        people["second"].pk
    ]
    assert len(compiled._entries) == 1


def test_one_gives_the_row_or_none_and_refuses_two(people: dict[str, Any]) -> None:
    compiled: Compiled[Membership] = Compiled(_memberships, "user")
    assert compiled.one(user=people["bob"].pk) is None
    with pytest.raises(MultipleObjectsReturned):
        compiled.one(user=people["alice"].pk)
    single: Compiled[Membership] = Compiled(
        lambda user: _memberships(user, organization__is_active=True), "user"
    )
    found = single.one(user=people["alice"].pk)
    assert found is not None and found.organization == people["first"]


def test_an_empty_queryset_reads_nothing() -> None:
    compiled: Compiled[Membership] = Compiled(lambda user: Membership.objects.none(), "user")
    with CaptureQueriesContext(connection) as queries:
        assert compiled.list(user=1) == []
    assert len(queries) == 0


def test_a_number_the_build_ignores_is_refused() -> None:
    compiled: Compiled[Membership] = Compiled(
        lambda user, agency: Membership.objects.filter(user_id=user), "user", "agency"
    )
    with pytest.raises(ValueError, match="agency"):
        compiled.list(user=1, agency=2)


def test_a_number_written_into_the_sql_text_is_refused() -> None:
    # A number formatted into the SQL (as slicing and ``extra`` do) cannot vary. The number
    # here is the guard's own stand-in, never input.
    def build(user: int) -> QuerySet[Membership]:
        return Membership.objects.filter(user_id=user).extra(where=[f"id <> {user}"])  # noqa: S610

    compiled: Compiled[Membership] = Compiled(build, "user")
    with pytest.raises(ValueError, match="written into the SQL"):
        compiled.list(user=1)


def test_unknown_arguments_are_refused() -> None:
    compiled: Compiled[Membership] = Compiled(_memberships, "user")
    with pytest.raises(TypeError):
        compiled.list(user=1, agency=2)


def test_a_run_gives_a_list_not_a_queryset_to_chain_on(people: dict[str, Any]) -> None:
    compiled: Compiled[Membership] = Compiled(_memberships, "user")
    rows = compiled.list(user=people["alice"].pk)
    assert type(rows) is list
    # The template queryset it keeps was never evaluated.
    entry = next(iter(compiled._entries.values()))
    assert entry.queryset._result_cache is None


def test_moments_vary_like_numbers_in_each_databases_form(people: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    def build(user: int, before: Any) -> QuerySet[Membership]:
        return Membership.objects.filter(user_id=user, created_at__lt=before).order_by("id")

    compiled: Compiled[Membership] = Compiled(build, "user", moments=("before",))
    alice = people["alice"].pk
    now = timezone.now()
    for before in (now + timedelta(minutes=1), now - timedelta(days=1)):
        assert compiled.list(user=alice, before=before) == list(build(alice, before))
    assert len(compiled.list(user=alice, before=now + timedelta(minutes=1))) == 2
    with pytest.raises(TypeError):
        compiled.list(user=alice, before=now.replace(tzinfo=None))


def test_sql_params_compose_into_a_larger_statement(people: dict[str, Any]) -> None:
    compiled: Compiled[Any] = Compiled(
        lambda user: Membership.objects.filter(user_id=user).values("pk"), "user"
    )
    found = compiled.sql_params(user=people["alice"].pk)
    assert found is not None
    sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) arm", params)  # noqa: S608
        assert cursor.fetchone()[0] == 2
    empty: Compiled[Any] = Compiled(lambda user: Membership.objects.none(), "user")
    assert empty.sql_params(user=1) is None


def test_rows_for_ids_fill_fixed_places_and_read_more_ids_in_more_statements(
    people: dict[str, Any],
) -> None:
    from machida_portal.statements import id_places, rows_for_ids

    compiled: Compiled[Any] = Compiled(
        lambda **ids: Membership.objects.filter(pk__in=list(ids.values())).values_list(
            "pk", flat=True
        ),
        *id_places(2),
    )
    every = list(Membership.objects.values_list("pk", flat=True))
    assert len(every) == 3
    with CaptureQueriesContext(connection) as queries:
        assert sorted(rows_for_ids(compiled, every)) == sorted(every)
    assert len(queries) == 2  # two places a statement: 2 + 1 (and a 0 that matches nothing)
    assert rows_for_ids(compiled, every[:1]) == every[:1]
    assert rows_for_ids(compiled, []) == []
