"""What the relay does with each verdict at the end of DATA, and with a store that cannot
commit: the reply follows the commit, never precedes it."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable

import aiosmtplib
import pytest

from mailguard.adapters.store import sqlite as sqlite_store
from mailguard.core.lifecycle import State
from mailguard.core.model import Action, Decision, Envelope, Finding
from mailguard.workflow.ports.store import NewMessage
from tests.integration.relay.conftest import StartRelay, client, queued_id
from tests.mailmaker import make_mail
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream

RCPT = "tanaka@partner.co.jp"
FINDING = Finding(kind="external_recipient", message="社外の宛先です", recipient=RCPT)


async def test_reject_answers_550_with_the_policy_text_and_keeps_it_for_the_audit(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    decision = Decision(
        action=Action.REJECT,
        findings=(FINDING,),
        rules=("visible-mass-mail",),
        reply="Put external recipients in Bcc.\r\n250 fake line 社外",
    )
    relay = await start_relay(decision=decision)
    stored: list[NewMessage] = []

    async def hook(message: NewMessage) -> None:
        stored.append(message)

    relay.on_stored.append(hook)
    async with client(relay) as smtp:
        with pytest.raises(aiosmtplib.SMTPDataError) as info:
            await smtp.sendmail("a@example.co.jp", [RCPT], make_mail())
    assert info.value.code == 550
    assert info.value.message == "5.7.1 Put external recipients in Bcc. 250 fake line ??"
    (kept,) = await relay.store.list_messages()
    assert kept.state is State.REJECTED
    assert kept.decision.rules == ("visible-mass-mail",)
    await relay.intake.drain_hooks(5)
    assert [m.id for m in stored] == [kept.id]
    assert upstream.messages == []


async def test_hold_stores_held_with_its_timeout_and_calls_the_hooks(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    clock = FakeClock()
    decision = Decision(action=Action.HOLD, findings=(FINDING,), hold_timeout_seconds=3600)
    relay = await start_relay(decision=decision, clock=clock)
    calls: list[str] = []

    async def failing_hook(message: NewMessage) -> None:
        raise RuntimeError("the notifier is down")

    async def hook(message: NewMessage) -> None:
        calls.append(message.id)

    relay.on_stored.extend([failing_hook, hook])
    async with client(relay) as smtp:
        _, reply = await smtp.sendmail("a@example.co.jp", [RCPT], make_mail())
    assert "held for approval" in reply
    held = await relay.store.get(queued_id(reply))
    assert held is not None and held.state is State.HELD
    assert held.hold_until == clock.now + 3600
    assert held.decision.findings == (FINDING,)
    await relay.intake.drain_hooks(5)
    assert calls == [held.id]


async def test_delay_stores_delayed_until_the_grace_period_ends(start_relay: StartRelay) -> None:
    clock = FakeClock()
    relay = await start_relay(
        decision=Decision(action=Action.DELAY, delay_seconds=300), clock=clock
    )
    async with client(relay) as smtp:
        _, reply = await smtp.sendmail("a@example.co.jp", [RCPT], make_mail())
    delayed = await relay.store.get(queued_id(reply))
    assert delayed is not None and delayed.state is State.DELAYED
    assert delayed.next_attempt_at == clock.now + 300


async def test_a_store_that_cannot_commit_gets_451_and_nothing_is_claimed(
    start_relay: StartRelay, upstream: Upstream, monkeypatch
) -> None:
    # A real lock held by another connection (a backup tool, a second process): the writer
    # cannot commit within its busy timeout. chmod would not stop root; a lock does.
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 100)
    relay = await start_relay()
    locker = sqlite3.connect(relay.config.store.path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        async with client(relay) as smtp:
            with pytest.raises(aiosmtplib.SMTPDataError) as info:
                await smtp.sendmail("a@example.co.jp", [RCPT], make_mail())
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert info.value.code == 451
    assert await relay.store.list_messages() == []
    async with client(relay) as smtp:  # the client's retry, once the store is back
        _, reply = await smtp.sendmail("a@example.co.jp", [RCPT], make_mail())
    assert reply.startswith("2.0.0")
    await upstream.wait_for(1)


class _CrashingDecider:
    def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        raise ValueError(f"cannot parse {raw[-40:]!r}")  # a parser quoting what it choked on


async def test_a_crashed_inspection_logs_its_type_and_place_but_no_message_text(
    start_relay: StartRelay, configure_logs: Callable[..., io.StringIO], monkeypatch
) -> None:
    out = configure_logs(format="json")
    relay = await start_relay()
    monkeypatch.setattr(relay.policy, "decider", _CrashingDecider())
    async with client(relay) as smtp:
        with pytest.raises(aiosmtplib.SMTPDataError) as info:
            await smtp.sendmail(
                "a@example.co.jp", [RCPT], make_mail(body="機密の見積もり 4,800万円")
            )
    assert info.value.code == 451
    [event] = [e for e in map(json.loads, out.getvalue().splitlines()) if "error" in e]
    assert event["event"] == "inspection failed"
    assert event["error"] == "ValueError"
    assert event["at"].endswith(" in decide") and "test_decisions.py:" in event["at"]
    assert "cannot parse" not in out.getvalue() and "Traceback" not in out.getvalue()
