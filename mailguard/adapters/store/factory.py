"""Which store a configuration asks for."""

from __future__ import annotations

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.core.config import Config
from mailguard.core.errors import ConfigError
from mailguard.workflow.ports.store import Store


def open_store(config: Config) -> Store:
    """The configured store, not yet opened: the caller ``await``s ``store.open()``.

    ``store.dsn`` (or ``MAILGUARD_STORE_DSN``, applied by ``load_config``) selects PostgreSQL,
    for several replicas sharing one database; otherwise ``store.path`` is the SQLite file,
    relative to the working directory like every path in the config.
    """
    if config.store.dsn:
        if not config.store.dsn.startswith(("postgresql://", "postgres://")):
            raise ConfigError(
                config.source, "store.dsn", "must be a postgresql://user@host/database URL"
            )
        return PostgresStore(config.store.dsn, pool_size=config.store.pool_size)
    return SqliteStore(config.store.path, fsync=config.store.fsync)
