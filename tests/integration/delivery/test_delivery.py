"""DeliveryService over real SMTP to an in-test upstream: the happy path, retries, recovery."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Sequence
from pathlib import Path

import trustme

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.core.config import Config, DeliveryConfig
from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from mailguard.workflow.ports.transport import RecipientResult, Transport
from tests.integration.delivery.conftest import (
    SENDER,
    T0,
    RunService,
    in_state,
    queue_message,
    smtp_config,
    wait_until,
)
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream


async def test_queued_message_is_delivered_upstream(
    store: SqliteStore, upstream: Upstream, run_service: RunService
) -> None:
    before = metrics.deliveries.labels(result="delivered")._value.get()
    mid = await queue_message(store, ("a@partner.example", "b@partner.example"))

    async with run_service(smtp_config(upstream)):
        done = await wait_until(store, mid, in_state(State.DELIVERED))

    [got] = upstream.messages
    assert got.mail_from == SENDER
    assert got.rcpts == ("a@partner.example", "b@partner.example")
    assert b"Subject: quarterly report" in got.data
    assert done.pending_rcpts == () and done.lease_owner is None
    trail = [a.event for a in await store.audit_events(message_id=mid)]
    assert trail == ["received", "claimed", "delivered"]
    assert metrics.deliveries.labels(result="delivered")._value.get() == before + 1


async def test_temporary_refusal_is_retried_on_schedule(
    store: SqliteStore, upstream: Upstream, run_service: RunService, clock: FakeClock
) -> None:
    upstream.refuse("a@partner.example", "451 4.3.0 mailbox busy", times=1)
    mid = await queue_message(store)
    config = smtp_config(upstream)

    async with run_service(config) as service:
        deferred = await wait_until(store, mid, in_state(State.DEFERRED))
        assert deferred.next_attempt_at == T0 + config.delivery.first_retry_seconds
        assert "451 4.3.0 mailbox busy" in deferred.last_error
        clock.advance(config.delivery.first_retry_seconds)
        service.wake()
        done = await wait_until(store, mid, in_state(State.DELIVERED))

    assert done.attempts == 2
    assert upstream.rcpt_attempts("a@partner.example") == 2
    assert len(upstream.messages) == 1


async def test_upstream_down_then_up_is_delivered(
    store: SqliteStore, upstream: Upstream, run_service: RunService, clock: FakeClock
) -> None:
    config = smtp_config(upstream)
    upstream.stop()
    mid = await queue_message(store)

    async with run_service(config) as service:
        deferred = await wait_until(store, mid, in_state(State.DEFERRED))
        assert "cannot reach" in deferred.last_error
        upstream.start()
        clock.advance(config.delivery.first_retry_seconds)
        service.wake()
        await wait_until(store, mid, in_state(State.DELIVERED))

    assert [m.rcpts for m in upstream.messages] == [("a@partner.example",)]


async def test_expired_lease_of_a_dead_worker_is_picked_up(
    store: SqliteStore, upstream: Upstream, run_service: RunService, clock: FakeClock
) -> None:
    mid = await queue_message(store)
    [stranded] = await store.claim("dead-worker", T0, 30, 10)
    assert stranded.state is State.DELIVERING
    clock.advance(31)

    async with run_service(smtp_config(upstream)):
        done = await wait_until(store, mid, in_state(State.DELIVERED))

    assert done.attempts == 2
    assert len(upstream.messages) == 1


async def test_tls_required_delivers_to_a_verified_upstream(
    store: SqliteStore,
    start_upstream: Callable[..., Upstream],
    server_tls_context: ssl.SSLContext,
    tls_ca: trustme.CA,
    tmp_path: Path,
    run_service: RunService,
) -> None:
    secure = start_upstream(tls_context=server_tls_context, require_starttls=True)
    ca_file = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca_file))
    mid = await queue_message(store)

    async with run_service(smtp_config(secure, tls="required", ca_file=str(ca_file))):
        await wait_until(store, mid, in_state(State.DELIVERED))

    assert len(secure.messages) == 1


async def test_tls_required_without_trust_waits_instead_of_sending(
    store: SqliteStore,
    start_upstream: Callable[..., Upstream],
    server_tls_context: ssl.SSLContext,
    run_service: RunService,
) -> None:
    secure = start_upstream(tls_context=server_tls_context)
    mid = await queue_message(store)

    async with run_service(smtp_config(secure, tls="required")):
        deferred = await wait_until(store, mid, in_state(State.DEFERRED))

    assert deferred.last_error.startswith("451 4.4.1")
    assert "CERTIFICATE_VERIFY_FAILED" in deferred.last_error
    assert secure.messages == []


async def test_tls_required_refuses_an_upstream_without_starttls(
    store: SqliteStore, upstream: Upstream, run_service: RunService
) -> None:
    mid = await queue_message(store)
    async with run_service(smtp_config(upstream, tls="required")):
        await wait_until(store, mid, in_state(State.DEFERRED))
    assert upstream.messages == []


async def test_japanese_addresses_go_to_an_smtputf8_upstream(
    store: SqliteStore, start_upstream: Callable[..., Upstream], run_service: RunService
) -> None:
    utf8 = start_upstream(enable_SMTPUTF8=True)
    raw = "From: 鈴木 <鈴木@example.co.jp>\r\nSubject: 日本語\r\n\r\n本文\r\n".encode()
    mid = await queue_message(store, ("田中@partner.example",), mail_from="鈴木@例え.jp", raw=raw)

    async with run_service(smtp_config(utf8)):
        await wait_until(store, mid, in_state(State.DELIVERED))

    [got] = utf8.messages
    assert got.mail_from == "鈴木@例え.jp"
    assert "本文".encode() in got.data


class _StuckTransport(Transport):
    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def send(
        self, mail_from: str, rcpts: Sequence[str], raw: bytes
    ) -> dict[str, RecipientResult]:
        self.started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_stop_hands_in_flight_messages_back(
    store: SqliteStore, run_service: RunService
) -> None:
    transport = _StuckTransport()
    mid = await queue_message(store)

    async with run_service(Config(), transport) as service:
        await asyncio.wait_for(transport.started.wait(), 10)
        await service.stop(grace=0.05)

    back = await store.get(mid)
    assert back is not None and back.state is State.QUEUED and back.lease_owner is None
    assert [a.event for a in await store.audit_events(message_id=mid)][-1] == "handed_back"


async def test_an_attempt_that_outlasts_its_lease_is_cut_and_retried(
    store: SqliteStore, run_service: RunService
) -> None:
    transport = _StuckTransport()
    mid = await queue_message(store)
    config = Config(delivery=DeliveryConfig(lease_seconds=0.1, poll_seconds=0.05))

    async with run_service(config, transport):
        deferred = await wait_until(store, mid, in_state(State.DEFERRED))

    assert deferred.last_error == "451 4.4.2 the attempt outlasted its lease; retrying"
    assert deferred.lease_owner is None
