"""``accounts.policy.object_in_scope`` takes a URL converter's int as well as typed text."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from accounts.policy import object_in_scope
from directory.models import District

pytestmark = pytest.mark.django_db


def test_an_int_key_from_a_url_converter_reaches_the_row(demo: Any) -> None:
    district = District.objects.order_by("pk").first()
    assert district is not None
    assert object_in_scope(District.objects.all(), district.pk) == district
    assert object_in_scope(District.objects.all(), str(district.pk)) == district


@pytest.mark.parametrize("key", [0, -1, 10**30, "x", "1.5"])
def test_a_key_out_of_shape_or_range_is_a_404(key: Any) -> None:
    with pytest.raises(Http404):
        object_in_scope(District.objects.all(), key)
