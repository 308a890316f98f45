"""The named-query loader."""

from __future__ import annotations

import pytest

from mailguard.adapters.store.queries import migrations, parse_queries


def test_blocks_are_split_by_name_and_docs_dropped() -> None:
    text = "-- header\n\n-- name: one\n-- what it does\nSELECT 1;\n\n-- name: two\nSELECT\n 2;\n"
    assert dict(parse_queries(text)) == {"one": "SELECT 1;", "two": "SELECT\n 2;"}


def test_duplicate_names_are_refused_with_the_line() -> None:
    with pytest.raises(ValueError, match=r"x\.sql:3: query 'a' defined twice"):
        parse_queries("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;", source="x.sql")


def test_sql_before_any_name_is_refused() -> None:
    with pytest.raises(ValueError, match="before the first"):
        parse_queries("SELECT 1;")


def test_migrations_are_ordered_numerically() -> None:
    queries = parse_queries("-- name: migration_10\nB;\n-- name: migration_2\nA;\n-- name: x\nC;")
    assert migrations(queries) == [(2, "A;"), (10, "B;")]
