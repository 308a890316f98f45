"""Where asyncpg's errors enter mailguard: converted to ``StoreError``s at this one boundary.

An error that means "the database cannot serve us right now" (refused or lost connection,
timeout, shutdown, a read-only standby after a failover, resources exhausted, a serialization
failure, a refused login or a missing database, e.g. mid password rotation) becomes
``StoreUnavailable``: the SMTP layer answers 451 and the client retries, so
no mail is lost. Anything else is a bug in mailguard (a constraint broken, bad SQL) and becomes
a plain ``StoreError`` so it is not mistaken for an outage.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg

from mailguard.core.errors import StoreError, StoreUnavailable

_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "28", "3D", "40", "53", "57", "58")
"""Connection exception, invalid authorization, invalid catalog name (no such database),
transaction rollback, insufficient resources, operator intervention, system error."""
_READ_ONLY_SQLSTATE = "25006"


def is_outage(exc: BaseException) -> bool:
    # InternalClientError: a connection the server closed while it sat idle in the pool (its
    # FATAL arrived between queries) refuses the next query before the loss is noticed.
    transport = (
        OSError | asyncio.TimeoutError | asyncpg.InterfaceError | asyncpg.InternalClientError
    )
    if isinstance(exc, transport):
        return True
    if isinstance(exc, asyncpg.PostgresError):
        sqlstate = str(getattr(exc, "sqlstate", "") or "")
        return sqlstate == _READ_ONLY_SQLSTATE or sqlstate[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
    return False


@contextmanager
def translated(what: str, outage: type[StoreUnavailable] = StoreUnavailable) -> Iterator[None]:
    """Run a block of database work, re-raising driver errors as ``StoreError``s (an outage
    as ``outage``)."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        if is_outage(exc):
            raise outage(f"PostgreSQL unavailable while {what}: {exc}") from exc
        if isinstance(exc, asyncpg.PostgresError):
            raise StoreError(f"PostgreSQL refused {what}: {exc}") from exc
        raise
