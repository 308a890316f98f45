"""The ``:name`` to ``$n`` rewrite that lets both stores share parameter builders."""

from __future__ import annotations

import re

from mailguard.adapters.store.pg_sql import QUERIES, compile_query


def test_names_become_positions_reused_for_repeats_and_casts_survive() -> None:
    query = compile_query("SELECT :a::jsonb, x::text, :b, :a, '12:30' FROM t WHERE y = :b")
    assert query.sql == "SELECT $1::jsonb, x::text, $2, $1, '12:30' FROM t WHERE y = $2"
    assert query.args({"b": 2, "a": 1, "unused": 3}) == [1, 2]


def test_every_postgres_query_compiles_to_positional_parameters() -> None:
    for name, query in QUERIES.items():
        assert not re.search(r"(?<![:\w]):[A-Za-z_]", query.sql), name
        assert all(f"${i}" in query.sql for i in range(1, len(query.names) + 1)), name
