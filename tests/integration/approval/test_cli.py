"""``mailguard queue`` and ``mailguard audit export`` against a real SQLite store."""

from __future__ import annotations

import asyncio
import csv
import getpass
import io
import json
import time
from pathlib import Path

import pytest

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.cli import main
from mailguard.cli.audit import FIELDS, parse_since
from mailguard.core.errors import MailguardError
from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import Envelope
from mailguard.workflow.ports.store import AuditEvent, NewMessage, StoredMessage
from tests.integration.approval.conftest import SENDER, hold
from tests.mailmaker import make_mail


def write_config(tmp_path: Path) -> str:
    path = tmp_path / "mailguard.yaml"
    path.write_text(
        f"store: {{path: {tmp_path / 'store.sqlite3'}, fsync: false}}\n"
        f"var_dir: {tmp_path / 'var'}\n"
        "web: {secret_key: 0123456789abcdef0123456789abcdef}\n"
        "notify: {from_address: mailguard@example.co.jp}\n",
        encoding="utf-8",
    )
    return str(path)


def add_held(tmp_path: Path, subject: str = "見積書") -> str:
    async def add() -> str:
        store = SqliteStore(tmp_path / "store.sqlite3", fsync=False)
        await store.open()
        now = time.time()
        message = NewMessage(
            id=new_message_id(),
            envelope=Envelope(SENDER, ("x@partner.example",)),
            raw=make_mail(("田中", SENDER), ["x@partner.example"], subject, "本文"),
            decision=hold(),
            state=State.HELD,
            received_at=now,
            next_attempt_at=now,
            hold_until=now + 3600,
        )
        await store.add(
            message,
            AuditEvent(
                message.id,
                now,
                "smtp",
                "received",
                to_state=State.HELD,
                comment='=HYPERLINK("http://evil")',
            ),
        )
        await store.close()
        return message.id

    return asyncio.run(add())


def stored(tmp_path: Path, message_id: str) -> StoredMessage:
    async def get() -> StoredMessage:
        store = SqliteStore(tmp_path / "store.sqlite3", fsync=False)
        await store.open()
        try:
            found = await store.get(message_id)
        finally:
            await store.close()
        assert found is not None
        return found

    return asyncio.run(get())


def test_list_and_show_a_held_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    message_id = add_held(tmp_path, subject="evil\x1b[2J subject")
    assert main(["queue", "list", "--config", config]) == 0
    assert message_id in capsys.readouterr().out
    assert main(["queue", "show", message_id, "--config", config]) == 0
    out = capsys.readouterr().out
    assert "subject:    evil [2J subject" in out and "\x1b" not in out
    assert "name_mismatch" in out and "received" in out


def test_an_operator_release_is_recorded_and_a_second_decision_loses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    message_id = add_held(tmp_path)
    assert (
        main(["queue", "release", message_id, "--comment", "checked by phone", "--config", config])
        == 0
    )
    message = stored(tmp_path, message_id)
    assert message.state is State.QUEUED
    assert message.decided_by == f"operator:{getpass.getuser()}"
    assert main(["queue", "reject", message_id, "--config", config]) == 1
    assert f"decided by operator:{getpass.getuser()}" in capsys.readouterr().out


def test_an_unknown_message_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    add_held(tmp_path)
    assert main(["queue", "reject", "0123abcd", "--config", config]) == 2
    assert "no message 0123abcd" in capsys.readouterr().err


def test_audit_export_as_jsonl_and_safe_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    message_id = add_held(tmp_path)
    main(["queue", "reject", message_id, "--comment", "wrong person", "--config", config])
    capsys.readouterr()
    assert main(["audit", "export", "--since", "1h", "--format", "jsonl", "--config", config]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rejected = [r for r in records if r["event"] == "rejected"]
    assert rejected and rejected[0]["comment"] == "wrong person"
    assert rejected[0]["from_state"] == "held" and rejected[0]["to_state"] == "rejected"
    assert main(["audit", "export", "--format", "csv", "--config", config]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    (received,) = [r for r in rows if r["event"] == "received" and r["message_id"] == message_id]
    assert received["comment"].startswith("'=HYPERLINK")
    assert (
        main(["audit", "export", "--since", "2999-01-01", "--format", "csv", "--config", config])
        == 0
    )
    assert capsys.readouterr().out.strip() == ",".join(FIELDS)


def test_since_takes_durations_and_iso_times() -> None:
    assert parse_since("24h", 100_000.0) == 100_000.0 - 86400
    assert parse_since("2026-11-01T00:00:00+00:00", 0) == 1_793_491_200.0
    with pytest.raises(MailguardError, match="neither"):
        parse_since("yesterday", 0)
