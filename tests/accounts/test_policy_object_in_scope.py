"""``accounts.policy.object_in_scope``: a row of a scope by its key, or a 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.policy import object_in_scope
from directory.models import District

pytestmark = pytest.mark.django_db


def test_a_key_from_a_url_converter_or_a_query_string_finds_the_row() -> None:
    district = District.objects.create(code="zz-test", name_ja="テスト地区")
    scope = District.objects.all()
    assert object_in_scope(scope, district.pk) == district  # <int:pk>: a number
    assert object_in_scope(scope, str(district.pk)) == district  # ?district=: text


@pytest.mark.parametrize("key", [0, -1, 10**30, "", "abc", "1; drop", "１e3"])
def test_a_key_of_the_wrong_shape_is_a_404(key: object) -> None:
    with pytest.raises(Http404):
        object_in_scope(District.objects.all(), key)


def test_a_row_outside_the_scope_is_a_404() -> None:
    district = District.objects.create(code="zz-test", name_ja="テスト地区")
    with pytest.raises(Http404):
        object_in_scope(District.objects.exclude(pk=district.pk), district.pk)
