"""The relay's promise under a real crash: every message that got 250 reaches the upstream.

``mailguard serve`` runs as a subprocess relaying into a deliberately slow upstream, accepts
N messages, and is killed with SIGKILL while delivering. A second ``serve`` on the same store
must deliver every accepted message (a duplicate after a crash mid-send is allowed, a loss is
not).
"""

from __future__ import annotations

import asyncio
import signal
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.mailmaker import make_mail
from tests.support.serve import ServeProcess

MESSAGES = 50
SESSIONS = 5


class SlowUpstream:
    """An upstream that takes ``delay`` seconds per message, so the kill finds work in flight."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.tokens: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        subject = next(
            line
            for line in envelope.original_content.split(b"\r\n")
            if line.startswith(b"Subject:")
        )
        with self.lock:
            self.tokens.append(subject.decode().split()[-1])
        return "250 2.0.0 accepted"

    def received(self) -> set[str]:
        with self.lock:
            return set(self.tokens)


class _EphemeralController(Controller):  # type: ignore[misc]
    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def send_batch(port: int, tokens: list[str]) -> list[str]:
    accepted = []
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for token in tokens:
            raw = make_mail(
                ("送信", "taro@example.co.jp"), ["hanako@example.co.jp"], f"crash {token}"
            )
            client.sendmail("taro@example.co.jp", ["hanako@example.co.jp"], raw)
            accepted.append(token)  # sendmail raised otherwise: only 250s count
    return accepted


def wait_for(condition: Any, timeout: float, why: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(why)
        time.sleep(0.05)


def test_sigkill_during_delivery_loses_nothing(repo_root: Path, tmp_path: Path) -> None:
    upstream = SlowUpstream(delay=0.1)
    controller = _EphemeralController(upstream, hostname="127.0.0.1", port=0)
    controller.start()
    config = tmp_path / "mailguard.yaml"
    config.write_text(
        f"""
smtp: {{listeners: [{{port: 0}}]}}
web: {{port: 0}}
upstream: {{kind: smtp, host: 127.0.0.1, port: {controller.port}, tls: none}}
store: {{path: var/crash.sqlite3, fsync: true}}
delivery: {{workers: 4, lease_seconds: 2, first_retry_seconds: 1, poll_seconds: 0.2}}
run_without_policy: true
policy: no-policy.yaml
""",
        encoding="utf-8",
    )
    first = ServeProcess(repo_root, tmp_path, config).start()
    try:
        tokens = [f"m{i:03d}" for i in range(MESSAGES)]
        with ThreadPoolExecutor(SESSIONS) as pool:
            batches = pool.map(
                send_batch,
                [first.smtp_port] * SESSIONS,
                [tokens[i::SESSIONS] for i in range(SESSIONS)],
            )
            accepted = {token for batch in batches for token in batch}
        assert accepted == set(tokens)
        wait_for(lambda: len(upstream.received()) >= 5, 30, "delivery never started")
        first.signal(signal.SIGKILL)
        first.wait()
        lost_at_kill = accepted - upstream.received()
        assert lost_at_kill, "the kill came too late to test anything"

        second = ServeProcess(repo_root, tmp_path, config).start()
        try:
            wait_for(
                lambda: accepted <= upstream.received(),
                60,
                f"never delivered: {sorted(accepted - upstream.received())}",
            )
        finally:
            second.signal(signal.SIGTERM)
            second.wait()
    finally:
        first.kill()
        controller.stop()
