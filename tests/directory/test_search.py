"""Japanese search must find two-character words, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from directory.models import Resource
from directory.search import bigrams, normalize, search_filter
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_normalize_folds_width_case_and_katakana() -> None:
    assert normalize("ＡＢＣ　ヒキコモリ") == "abc ひきこもり"


def test_bigrams_of_a_japanese_phrase() -> None:
    assert bigrams("介護保険") == ["介護", "護保", "保険"]
    assert bigrams("介護、相談") == ["介護", "相談"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("介護", {"介護の相談窓口"}),
        ("相談", {"介護の相談窓口", "子育て相談"}),
        ("ひき", {"ひきこもりの居場所"}),
        ("ヒキコモリ", {"ひきこもりの居場所"}),
        ("子育て 相談", {"子育て相談"}),
        ("食堂", set()),
        ("ＡＢ", {"AB会"}),
        ("", {"介護の相談窓口", "子育て相談", "ひきこもりの居場所", "AB会"}),
    ],
)
def test_search_finds_two_character_words(query: str, expected: set[str]) -> None:
    for name in ["介護の相談窓口", "子育て相談", "ひきこもりの居場所", "AB会"]:
        ResourceFactory.create(name=name)
    found = set(search_filter(Resource.objects.all(), query).values_list("name", flat=True))
    assert found == expected


def test_single_character_query_matches_anywhere_in_a_word() -> None:
    ResourceFactory.create(name="居場所")
    ResourceFactory.create(name="食堂")
    assert set(search_filter(Resource.objects.all(), "所").values_list("name", flat=True)) == {
        "居場所"
    }


def test_search_text_with_tsquery_syntax_is_harmless() -> None:
    ResourceFactory.create(name="相談")
    ResourceFactory.create(name="介護")
    found = search_filter(Resource.objects.all(), "相談 & ! | ' :*")
    assert list(found.values_list("name", flat=True)) == ["相談"]


def test_postgresql_uses_the_gin_index_for_a_two_character_word(postgres: Any) -> None:
    ResourceFactory.create(name="介護の相談窓口")
    qs = search_filter(Resource.objects.all(), "介護")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "directory_resource_search_document_gin" in plan, plan
