"""Two ``mailguard serve`` processes sharing one PostgreSQL database, as behind a load balancer.

Real processes, real SMTP in and out, a real SIGKILL. Each test works in its own schema.
"""

from __future__ import annotations

import asyncio
import signal
import smtplib
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import asyncpg
import pytest

from tests.integration.replicas.support import (
    SENDER,
    CuttableProxy,
    tokens_received,
    wait_for,
    write_config,
)
from tests.mailmaker import make_mail
from tests.pg import BASE_DSN
from tests.support.approval import read_notice
from tests.support.serve import ServeProcess
from tests.support.upstream import Upstream

pytestmark = pytest.mark.postgres

INSIDE = "hanako@example.co.jp"
APPROVER = "boss@example.co.jp"
OUTSIDE = "tanaka@partner.example"


def send(port: int, tokens: list[str], rcpt: str = INSIDE) -> list[str]:
    """Send one message per token in one session; return the tokens that got 250."""
    accepted = []
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for token in tokens:
            raw = make_mail(("送信 太郎", SENDER), [rcpt], f"replicas {token}")
            client.sendmail(SENDER, [rcpt], raw)
            accepted.append(token)  # sendmail raised otherwise
    return accepted


def send_across(ports: list[int], tokens: list[str], sessions_per_port: int) -> set[str]:
    """Send ``tokens`` spread over several concurrent sessions on every port."""
    sessions = [(port, k) for port in ports for k in range(sessions_per_port)]
    with ThreadPoolExecutor(len(sessions)) as pool:
        batches = pool.map(
            send,
            [port for port, _ in sessions],
            [tokens[i :: len(sessions)] for i in range(len(sessions))],
        )
        return {token for batch in batches for token in batch}


def sql(dsn: str, query: str, *args: object) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(dsn)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def readyz(web_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/readyz", timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@contextmanager
def serving(repo_root: Path, cwd: Path, *configs: Path) -> Iterator[list[ServeProcess]]:
    started: list[ServeProcess] = []
    try:
        for config in configs:
            started.append(ServeProcess(repo_root, cwd, config).start())
        yield started
    finally:
        for process in started:
            with suppress(ProcessLookupError):
                process.signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(15)
            except Exception:
                process.kill()


def test_500_messages_across_two_replicas_arrive_exactly_once(
    repo_root: Path, tmp_path: Path, postgres_dsn: str, upstream: Upstream
) -> None:
    configs = [
        write_config(tmp_path, name, dsn=postgres_dsn, upstream_port=upstream.port, poll_seconds=1)
        for name in ("r1", "r2")
    ]
    with serving(repo_root, tmp_path, *configs) as (one, two):
        tokens = [f"m{i:03d}" for i in range(500)]
        accepted = send_across([one.smtp_port, two.smtp_port], tokens, sessions_per_port=4)
        assert accepted == set(tokens)
        wait_for(
            lambda: (
                sql(postgres_dsn, "SELECT count(*) FROM messages WHERE state = 'delivered'")[0][0]
                == 500
            ),
            60,
            lambda: f"delivered upstream so far: {len(tokens_received(upstream))}",
        )
    counts = tokens_received(upstream)
    assert set(counts) == set(tokens)
    assert [t for t, n in counts.items() if n != 1] == []
    owners = sql(
        postgres_dsn, "SELECT DISTINCT actor FROM audit WHERE event = 'claimed' ORDER BY actor"
    )
    assert len(owners) >= 2, "both replicas' workers should have delivered"


def test_sigkill_one_replica_mid_delivery_and_the_other_delivers_everything(
    repo_root: Path, tmp_path: Path, postgres_dsn: str, start_upstream: Callable[..., Upstream]
) -> None:
    slow = start_upstream(data_delay=0.2)  # 8 workers: about 40 messages a second
    configs = [
        write_config(
            tmp_path,
            name,
            dsn=postgres_dsn,
            upstream_port=slow.port,
            poll_seconds=0.3,
            lease_seconds=2,
        )
        for name in ("r1", "r2")
    ]
    with serving(repo_root, tmp_path, *configs) as (victim, survivor):
        tokens = [f"m{i:03d}" for i in range(80)]
        accepted = send_across([victim.smtp_port], tokens, sessions_per_port=4)
        assert accepted == set(tokens)
        wait_for(lambda: len(slow.messages) >= 3, 30, lambda: "delivery never started")
        victim.signal(signal.SIGKILL)
        victim.wait()
        assert accepted - set(tokens_received(slow)), "the kill came too late to test"
        # Leased at the kill (by either replica): the only ones that may arrive twice.
        in_flight = {r[0] for r in sql(postgres_dsn, _IN_FLIGHT_TOKENS)}
        assert in_flight, "nothing was being delivered at the kill"
        wait_for(
            lambda: set(tokens_received(slow)) >= accepted,
            60,
            lambda: f"never delivered: {sorted(accepted - set(tokens_received(slow)))}",
        )
        assert survivor.proc is not None and survivor.proc.poll() is None
    duplicates = {t for t, n in tokens_received(slow).items() if n > 1}
    assert duplicates <= in_flight


_IN_FLIGHT_TOKENS = (
    "SELECT substring(convert_from(raw, 'UTF8') from 'Subject: [^\\r\\n]* (m[0-9]+)') "
    "FROM messages WHERE state = 'delivering'"
)


def test_a_message_held_through_one_replica_is_released_on_the_others_page_and_delivered(
    repo_root: Path, tmp_path: Path, postgres_dsn: str, upstream: Upstream
) -> None:
    # Workers poll only every 60 s: prompt delivery can only come from LISTEN/NOTIFY.
    configs = [
        write_config(tmp_path, name, dsn=postgres_dsn, upstream_port=upstream.port, poll_seconds=60)
        for name in ("r1", "r2")
    ]
    with serving(repo_root, tmp_path, *configs) as (one, two):
        assert send(one.smtp_port, ["m001"], rcpt=OUTSIDE) == ["m001"]
        [(message_id, state)] = sql(
            postgres_dsn, "SELECT id, state FROM messages WHERE mail_from = $1", SENDER
        )
        assert state == "held"
        wait_for(
            lambda: bool(upstream.received_by(APPROVER)),
            15,
            lambda: "the approver was never asked",
        )
        link = read_notice(upstream.received_by(APPROVER)[0].data).link
        release_on_page(link, two.web_port)  # signed by replica 1, verified by replica 2
        wait_for(
            lambda: tokens_received(upstream) == {"m001": 1},
            15,
            lambda: f"not delivered after release; upstream has {tokens_received(upstream)}",
        )
    [(decided_by,)] = sql(postgres_dsn, "SELECT decided_by FROM messages WHERE id = $1", message_id)
    assert decided_by == f"approver:{APPROVER}"


def release_on_page(link: str, web_port: int) -> None:
    """Open the approver's link on ``web_port`` (GET only shows) and press Release (POST)."""
    parts = urlsplit(link)
    page_url = f"http://127.0.0.1:{web_port}{parts.path}"
    with urllib.request.urlopen(f"{page_url}?{parts.query}", timeout=10) as page:  # noqa: S310
        html = page.read().decode()
    marker = 'name="form" value="'
    start = html.index(marker) + len(marker)
    form = {
        "t": parse_qs(parts.query)["t"][0],
        "form": html[start : html.index('"', start)],
        "action": "release",
    }
    post = urllib.request.Request(page_url, data=urlencode(form).encode(), method="POST")
    # S310: both URLs are built above from "http://127.0.0.1:"; no other scheme can get in.
    with urllib.request.urlopen(post, timeout=10) as reply:  # noqa: S310
        assert reply.status == 200


PG_PORT = int(BASE_DSN.rsplit(":", 1)[1].split("/")[0])


def test_a_replica_that_loses_its_database_answers_451_and_is_not_ready(
    repo_root: Path, tmp_path: Path, upstream: Upstream, postgres_dsn: str
) -> None:
    proxy = CuttableProxy(PG_PORT)
    try:
        proxied = postgres_dsn.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        # A claim whose reply the cut swallowed stays leased: a short lease brings it back.
        config = write_config(
            tmp_path,
            "r1",
            dsn=proxied,
            upstream_port=upstream.port,
            poll_seconds=1,
            lease_seconds=2,
        )
        with serving(repo_root, tmp_path, config) as (replica,):
            assert readyz(replica.web_port) == 200
            assert send(replica.smtp_port, ["m001"]) == ["m001"]
            proxy.cut()
            with pytest.raises(smtplib.SMTPResponseException) as refused:
                send(replica.smtp_port, ["m002"])
            assert refused.value.smtp_code == 451
            wait_for(lambda: readyz(replica.web_port) == 503, 10, lambda: "still ready")
            proxy.restore()
            wait_for(lambda: readyz(replica.web_port) == 200, 20, lambda: "never ready again")
            assert send(replica.smtp_port, ["m003"]) == ["m003"]
            wait_for(
                lambda: set(tokens_received(upstream)) == {"m001", "m003"},
                30,
                lambda: f"upstream has {tokens_received(upstream)}",
            )
    finally:
        proxy.close()


def test_a_replica_started_before_its_database_answers_451_until_it_is_reachable(
    repo_root: Path, tmp_path: Path, upstream: Upstream, postgres_dsn: str
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed = probe.getsockname()[1]  # nothing listens here until the proxy below
    unreachable = postgres_dsn.replace(f"127.0.0.1:{PG_PORT}", f"127.0.0.1:{closed}")
    config = write_config(
        tmp_path, "r1", dsn=unreachable, upstream_port=upstream.port, poll_seconds=1
    )
    with serving(repo_root, tmp_path, config) as (replica,):
        with pytest.raises(smtplib.SMTPResponseException) as refused:
            send(replica.smtp_port, ["m001"])
        assert refused.value.smtp_code == 451
        assert readyz(replica.web_port) == 503
        proxy = CuttableProxy(PG_PORT, port=closed)  # the database comes up
        try:
            wait_for(lambda: readyz(replica.web_port) == 200, 30, lambda: replica.stderr)
            assert send(replica.smtp_port, ["m002"]) == ["m002"]
            wait_for(
                lambda: set(tokens_received(upstream)) == {"m002"},
                30,
                lambda: f"upstream has {tokens_received(upstream)}",
            )
        finally:
            proxy.close()
