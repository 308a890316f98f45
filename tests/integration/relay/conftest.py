"""A real relay in the test's event loop: SMTP on an ephemeral loopback port, a real SQLite
store in ``tmp_path``, delivery into the in-test upstream (``tests/support/upstream.py``).

``start_relay(...)`` takes keyword overrides of the config sections; the clock is a
``FakeClock`` so retries come due when a test says so, without sleeping.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
import trustme

from mailguard.adapters.smtp.users import hash_password, write_users
from mailguard.core.config import (
    Config,
    DeliveryConfig,
    ListenerConfig,
    SmtpConfig,
    StoreConfig,
    TlsConfig,
    UpstreamConfig,
    WebConfig,
)
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING, Decision, Envelope
from mailguard.inspection.decider import Decider
from mailguard.runtime.live_policy import LoadedPolicy, PolicyLoader
from mailguard.runtime.relay import Relay
from mailguard.workflow.ports.store import StoredMessage
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream

PASSWORD = "correct horse battery"
USER = "taro@example.co.jp"


class FixedDecider:
    """Decides what the test says (the relay's handling of each verdict is under test here;
    the real inspection has its own tests and one end-to-end test below)."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision

    def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        return self.decision


def fixed_policy(decider: Decider) -> PolicyLoader:
    return lambda path: LoadedPolicy(decider, "test", (path,))


@pytest.fixture
def relay_tls(tmp_path: Path, tls_ca: trustme.CA) -> TlsConfig:
    pem = tmp_path / "relay.pem"
    tls_ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(pem)
    return TlsConfig(cert_file=str(pem), key_file=str(pem))


@pytest.fixture
def ca_file(tmp_path: Path, tls_ca: trustme.CA) -> str:
    path = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(path)
    return str(path)


@pytest.fixture
def users_file(tmp_path: Path) -> str:
    path = str(tmp_path / "users")
    write_users(path, {USER: hash_password(PASSWORD)})
    return path


def relay_config(tmp_path: Path, mta: Upstream, **sections: Any) -> Config:
    """A test relay's config: loopback, port 0, SQLite without fsync, fast polling."""
    policy = tmp_path / "policy.yaml"
    policy.write_text("# the test injects its decider\n", encoding="utf-8")
    base = Config(
        smtp=SmtpConfig(listeners=(ListenerConfig(port=0),), command_timeout=10, data_timeout=10),
        upstream=UpstreamConfig(kind="smtp", host=mta.host, port=mta.port, tls="none", timeout=5),
        store=StoreConfig(path=str(tmp_path / "var" / "mailguard.sqlite3"), fsync=False),
        delivery=DeliveryConfig(workers=4, first_retry_seconds=60, poll_seconds=0.05),
        web=WebConfig(port=0),
        policy=str(policy),
        var_dir=str(tmp_path / "var"),
    )
    smtp = sections.pop("smtp", {})
    config = dataclasses.replace(base, smtp=dataclasses.replace(base.smtp, **smtp))
    for name, changes in sections.items():
        current = getattr(config, name)
        value = dataclasses.replace(current, **changes) if isinstance(changes, dict) else changes
        config = dataclasses.replace(config, **{name: value})
    return config


StartRelay = Callable[..., Awaitable[Relay]]


@pytest.fixture
async def start_relay(tmp_path: Path, upstream: Upstream) -> AsyncIterator[StartRelay]:
    relays: list[Relay] = []

    async def start(
        *, decision: Decision | None = None, clock: FakeClock | None = None, **sections: Any
    ) -> Relay:
        relay = Relay(
            relay_config(tmp_path, upstream, **sections),
            clock=clock or FakeClock(),
            policy_loader=fixed_policy(FixedDecider(decision or PASS_EVERYTHING)),
        )
        await relay.start()
        relays.append(relay)
        return relay

    yield start
    for relay in relays:
        await relay.stop()


def port_of(relay: Relay) -> int:
    return relay.smtp_addresses[0][1]


async def wait_until(predicate: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Poll ``predicate`` until true; fail after ``timeout`` (a hang is a failure, not a wait)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def wait_state(relay: Relay, message_id: str, state: State) -> StoredMessage:
    async def reached() -> bool:
        message = await relay.store.get(message_id)
        return message is not None and message.state is state

    await wait_until(reached)
    message = await relay.store.get(message_id)
    assert message is not None
    return message


def queued_id(reply: str) -> str:
    """The message id from ``250 ... as <id>``."""
    return reply.rsplit(" ", 1)[-1]


def client(relay: Relay, **kwargs: Any) -> aiosmtplib.SMTP:
    kwargs.setdefault("start_tls", False)
    return aiosmtplib.SMTP(hostname="127.0.0.1", port=port_of(relay), timeout=10, **kwargs)
