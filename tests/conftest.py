"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def _postgres_reachable() -> None:
    from tests import pg

    reason = pg.unreachable_reason()
    if reason is None:
        return
    if pg.REQUIRED:
        pytest.fail(f"MAILGUARD_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres_dsn(_postgres_reachable: None) -> Iterator[str]:
    """A DSN for a fresh, empty schema on the test server (skipped, or failed in CI, when
    no server answers)."""
    from tests import pg

    with pg.fresh_schema() as dsn:
        yield dsn
