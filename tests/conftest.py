"""Fixtures shared by every test layer."""

from __future__ import annotations

import io
import logging
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
import trustme

from mailguard.core.config import LogConfig
from mailguard.runtime.logs import configure_logging
from tests.support.upstream import Upstream

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    """A throwaway CA; ``tls_ca.issue_cert("127.0.0.1", "localhost")`` for servers,
    ``tls_ca.cert_pem.write_to_path(...)`` for a client's ``ca_file``."""
    return trustme.CA()


@pytest.fixture
def server_tls_context(tls_ca: trustme.CA) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 and localhost, signed by ``tls_ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def start_upstream() -> Iterator[Callable[..., Upstream]]:
    """Start extra upstream servers (e.g. with ``tls_context=``, ``require_starttls=True``);
    every one is stopped at teardown."""
    started: list[Upstream] = []

    def start(**kwargs: Any) -> Upstream:
        server = Upstream(**kwargs)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def upstream(start_upstream: Callable[..., Upstream]) -> Upstream:
    """A plain upstream MTA on 127.0.0.1 (see ``tests/support/upstream.py`` for scripting)."""
    return start_upstream()


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


@pytest.fixture
def configure_logs() -> Iterator[Callable[..., io.StringIO]]:
    """``configure_logs(stream=None, **LogConfig fields)`` sets up mailguard's logging into a
    stream (a fresh ``StringIO`` by default) and returns it; the process's logging is restored
    at teardown."""
    root = logging.getLogger()
    saved_handlers, saved_level, saved_structlog = (
        root.handlers[:],
        root.level,
        structlog.get_config(),
    )

    def configure(stream: io.StringIO | None = None, **options: Any) -> io.StringIO:
        out = stream if stream is not None else io.StringIO()
        configure_logging(LogConfig(**options), stream=out)
        return out

    yield configure
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    logging.getLogger("mail.log").setLevel(logging.NOTSET)
    structlog.configure(**saved_structlog)
