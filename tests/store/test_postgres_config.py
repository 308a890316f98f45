"""Choosing and reaching the PostgreSQL store: the DSN in the config, a refused login."""

from __future__ import annotations

import pytest

from mailguard.adapters.store.factory import open_store
from mailguard.adapters.store.postgres import PostgresStore
from mailguard.core.config import Config, StoreConfig
from mailguard.core.errors import ConfigError, StoreUnavailable


def test_a_dsn_in_the_config_selects_the_postgres_store() -> None:
    config = Config(store=StoreConfig(dsn="postgresql://mailguard@db.invalid/mailguard"))
    assert isinstance(open_store(config), PostgresStore)


def test_a_dsn_that_is_not_a_postgresql_url_is_a_config_error() -> None:
    config = Config(store=StoreConfig(dsn="mysql://db/mail"), source="mailguard.yaml")
    with pytest.raises(ConfigError, match=r"mailguard.yaml: store.dsn"):
        open_store(config)


@pytest.mark.postgres
async def test_a_refused_login_is_store_unavailable(postgres_dsn: str) -> None:
    store = PostgresStore(postgres_dsn.replace("postgres@", "no_such_role_mailguard@"))
    with pytest.raises(StoreUnavailable, match="no_such_role_mailguard"):
        await store.open()


@pytest.mark.postgres
async def test_commits_are_synchronous_even_when_the_dsn_asks_otherwise(postgres_dsn: str) -> None:
    store = PostgresStore(f"{postgres_dsn}&synchronous_commit=off")
    await store.open()
    try:
        async with store._acquire() as conn:
            assert await conn.fetchval("SHOW synchronous_commit") == "on"
    finally:
        await store.close()
