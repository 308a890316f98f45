"""The default transport: Maildir files a mail reader opens, with the envelope recorded."""

from __future__ import annotations

import mailbox
from pathlib import Path

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.adapters.upstream.factory import open_transport
from mailguard.adapters.upstream.maildir import MaildirTransport
from mailguard.core.config import Config, UpstreamConfig
from mailguard.core.lifecycle import State
from tests.integration.delivery.conftest import (
    SENDER,
    RunService,
    in_state,
    queue_message,
    wait_until,
)


async def test_messages_land_in_new_with_their_envelope(
    store: SqliteStore, run_service: RunService, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    config = Config(upstream=UpstreamConfig(kind="maildir", maildir=str(outbox)))
    transport = open_transport(config)
    assert isinstance(transport, MaildirTransport)
    raw = "From: 鈴木 <s@example.co.jp>\r\nSubject: 見積書\r\n\r\n鈴木です。\r\n".encode()
    mid = await queue_message(store, ("a@partner.example", "bcc@partner.example"), raw=raw)

    async with run_service(config, transport):
        await wait_until(store, mid, in_state(State.DELIVERED))

    assert list((outbox / "tmp").iterdir()) == []
    [key] = mailbox.Maildir(outbox, create=False).keys()
    message = mailbox.Maildir(outbox, create=False)[key]
    assert message["Return-Path"] == f"<{SENDER}>"
    assert message.get_all("X-Mailguard-Rcpt") == ["<a@partner.example>", "<bcc@partner.example>"]
    assert message.get_payload(decode=True) == "鈴木です。\n".encode()


async def test_unwritable_maildir_defers(
    store: SqliteStore, run_service: RunService, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    mid = await queue_message(store)

    async with run_service(Config(), MaildirTransport(blocker / "outbox")):
        deferred = await wait_until(store, mid, in_state(State.DEFERRED))

    assert deferred.last_error.startswith("451 4.3.0 cannot write")
