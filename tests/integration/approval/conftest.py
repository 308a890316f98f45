"""A workflow over a real SQLite store, with an adjustable clock and no network."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.adapters.web import approval, sender
from mailguard.core.config import Config, NotifyConfig, WebConfig
from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import Action, Decision, Envelope, Finding
from mailguard.workflow.approval.workflow import Workflow
from mailguard.workflow.ports.store import AuditEvent, NewMessage, StoredMessage
from tests.mailmaker import make_mail
from tests.support.approval import Notice, read_notice
from tests.support.clock import FakeClock

SENDER = "tanaka@example.co.jp"
APPROVER = "hr-lead@example.co.jp"
SECOND = "hr-sub@example.co.jp"
ADMIN = "admin@example.co.jp"
NOTIFY_FROM = "mailguard@example.co.jp"
BASE_URL = "http://mailguard.test"


def hold(**changes: object) -> Decision:
    values: dict[str, object] = {
        "action": Action.HOLD,
        "findings": (
            Finding(
                "name_mismatch",
                "The salutation names 鈴木 次郎.",
                "ichiro@partner.example",
                detail={"named": "鈴木 次郎"},
            ),
        ),
        "approvers": (APPROVER, SECOND),
        "hold_timeout_seconds": 3600.0,
    }
    values.update(changes)
    return Decision(**values)  # type: ignore[arg-type]


@dataclass
class Flow:
    workflow: Workflow
    store: SqliteStore
    clock: FakeClock
    wakes: list[int] = field(default_factory=list)

    async def add(
        self,
        state: State = State.HELD,
        decision: Decision | None = None,
        subject: str = "内定のご連絡",
    ) -> str:
        now = self.clock()
        decision = decision or (
            hold() if state is State.HELD else Decision(Action.DELAY, delay_seconds=300)
        )
        message = NewMessage(
            id=new_message_id(),
            envelope=Envelope(SENDER, ("ichiro@partner.example",), auth_user="tanaka"),
            raw=make_mail(
                ("田中 花子", SENDER),
                [("鈴木 一郎", "ichiro@partner.example")],
                subject,
                "鈴木次郎 様\n\n内定のご連絡です。",
            ),
            decision=decision,
            state=state,
            received_at=now,
            next_attempt_at=now + decision.delay_seconds,
            hold_until=now + decision.hold_timeout_seconds if state is State.HELD else None,
        )
        await self.store.add(
            message, AuditEvent(message.id, now, "smtp", "received", to_state=state)
        )
        await self.workflow.on_stored(message)
        return message.id

    async def get(self, message_id: str) -> StoredMessage:
        message = await self.store.get(message_id)
        assert message is not None
        return message

    async def notices(self, to: str | None = None) -> list[Notice]:
        queued = await self.store.list_messages([State.QUEUED], limit=500)
        mails = [
            read_notice((await self.store.get(m.id, with_raw=True)).raw or b"")  # type: ignore[union-attr]
            for m in reversed(queued)
            if m.envelope.mail_from == NOTIFY_FROM
        ]
        return [n for n in mails if to is None or n.to == to]


def config(tmp_path: Path, **notify: object) -> Config:
    return Config(
        var_dir=str(tmp_path / "var"),
        web=WebConfig(public_base_url=BASE_URL, secret_key="s" * 32, link_ttl_seconds=86400),
        notify=NotifyConfig(from_address=NOTIFY_FROM, language="en", admins=(ADMIN,), **notify),  # type: ignore[arg-type]
    )


@pytest.fixture
async def flow(tmp_path: Path) -> AsyncIterator[Flow]:
    store = SqliteStore(tmp_path / "store.sqlite3", fsync=False)
    await store.open()
    clock = FakeClock()
    wakes: list[int] = []
    workflow = Workflow(
        config(tmp_path), store, clock=clock, wake=lambda: wakes.append(1), policy=lambda: None
    )
    yield Flow(workflow, store, clock, wakes)
    await store.close()


@pytest.fixture
async def pages(flow: Flow) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The approval and status pages over ``flow``'s workflow, on a loopback port."""
    app = web.Application()
    approval.add_routes(app, flow.workflow)
    sender.add_routes(app, flow.workflow)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client
