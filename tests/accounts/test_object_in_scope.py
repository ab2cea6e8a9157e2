"""``accounts.policy.object_in_scope``: a key from a URL converter (an int) or from a form (a
str) reaches the row in scope; anything else is a 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.policy import object_in_scope
from directory.models import District

pytestmark = pytest.mark.django_db


def test_an_int_key_from_a_url_converter_and_a_str_key_reach_the_same_row() -> None:
    district = District.objects.create(code="probe", name_ja="試し")
    scope = District.objects.filter(code="probe")
    assert object_in_scope(scope, district.pk) == district
    assert object_in_scope(scope, str(district.pk)) == district


@pytest.mark.parametrize("key", [0, -1, 2**63, "x", "", "1.0"])
def test_a_key_out_of_shape_or_range_is_a_404(key: object) -> None:
    with pytest.raises(Http404):
        object_in_scope(District.objects.all(), key)


def test_a_row_outside_the_scope_is_a_404() -> None:
    district = District.objects.create(code="probe", name_ja="試し")
    with pytest.raises(Http404):
        object_in_scope(District.objects.exclude(pk=district.pk), district.pk)
