"""Which store a configuration asks for."""

from __future__ import annotations

from mailguard.config import Config
from mailguard.store.base import Store
from mailguard.store.sqlite import SqliteStore


def open_store(config: Config) -> Store:
    """The configured store, not yet opened: the caller ``await``s ``store.open()``.

    ``store.path`` is relative to the working directory, like every path in the config.
    """
    return SqliteStore(config.store.path, fsync=config.store.fsync)
