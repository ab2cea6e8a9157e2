"""Japanese text search that finds two-character words (介護, 相談) on PostgreSQL and SQLite.

Text is normalised (NFKC, case-folded, katakana folded to hiragana so that ヒキコモリ and
ひきこもり meet, and kana names match either way) and cut into overlapping character
bigrams. A model keeps them in a ``search_document`` text field, space-separated and padded:
`` 介護 護保 保険 ``. A query matches when every one of its bigrams is present.

- PostgreSQL: ``to_tsvector('simple', search_document)`` with a GIN index
  (``gin_index_operation`` in a migration); the ``simple`` configuration keeps each bigram
  as a token, so a two-character word is one index lookup.
- SQLite (the embedded default): ``LIKE '% 介護 %'`` per bigram, a scan that is fine for
  demo-sized data.

A one-character query matches any bigram that contains the character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeVar, cast

from django.db import connection, migrations
from django.db.models import Model, Q, QuerySet

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_KATAKANA_START, _KATAKANA_END = ord("ァ"), ord("ヶ")

M = TypeVar("M", bound=Model)


def normalize(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(
        chr(ord(c) - 0x60) if _KATAKANA_START <= ord(c) <= _KATAKANA_END else c for c in text
    )


def bigrams(text: str | None) -> list[str]:
    grams: list[str] = []
    for word in _WORD.findall(normalize(text)):
        if len(word) == 1:
            grams.append(word)
        else:
            grams.extend(word[i : i + 2] for i in range(len(word) - 1))
    return list(dict.fromkeys(grams))


def search_document(*parts: str | None) -> str:
    """The value to store in a model's ``search_document`` field."""
    grams = dict.fromkeys(g for part in parts for g in bigrams(part))
    return f" {' '.join(grams)} " if grams else ""


def search_filter(qs: QuerySet[M], query: str, field: str = "search_document") -> QuerySet[M]:
    """Keep the rows whose search document holds every bigram of ``query``."""
    grams = bigrams(query)
    if not grams:
        return qs
    single = len(grams) == 1 and len(grams[0]) == 1
    if single:
        # One character: any bigram holding it, first or second place (a scan; rare).
        return qs.filter(**{f"{field}__contains": grams[0]})
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        aliased = qs.alias(_search=SearchVector(field, config="simple"))
        return cast(
            QuerySet[M],
            aliased.filter(
                _search=SearchQuery(" ".join(grams), config="simple", search_type="plain")
            ),
        )
    condition = Q()
    for gram in grams:
        condition &= Q(**{f"{field}__contains": f" {gram} "})
    return qs.filter(condition)


def gin_index_operation(table: str, column: str = "search_document") -> Any:
    """A migration operation: the GIN index behind ``search_filter`` on PostgreSQL only.

    The expression matches what Django's ``SearchVector(column, config="simple")`` emits, so
    the planner uses the index.
    """
    name = f"{table}_{column}_gin"[:63]

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin '
                f"(to_tsvector('simple'::regconfig, COALESCE(\"{column}\", '')))"
            )

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
