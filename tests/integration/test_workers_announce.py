"""Every relay process announces its own holds: ``processes: 2``, a policy that holds
everything external, on SQLite and on PostgreSQL.

The approval workflow used to be attached to the relay as a side effect of building the web
side, which only the supervisor serves: holds that the kernel handed to the worker process were
stored but never announced (9 of 30 in the report). The composition root now gives every
process its workflow; this test sends over many new connections, which SO_REUSEPORT spreads
over both processes, and expects an approval request and a sender notice for every hold.
"""

from __future__ import annotations

import signal
import smtplib
import time
from pathlib import Path

import pytest

from tests.integration.replicas.support import POLICY
from tests.mailmaker import make_mail
from tests.support.approval import LINK, read_notice
from tests.support.serve import ServeProcess
from tests.support.upstream import Upstream

SENDER = "taro@example.co.jp"
OUTSIDE = "tanaka@partner.example"
APPROVER = "boss@example.co.jp"
MAILS = 30


def linked_ids(upstream: Upstream, rcpt: str, kind: str) -> set[str]:
    """The message ids that the notices to ``rcpt`` link to (``approve`` or ``status``)."""
    found = set()
    for mail in upstream.received_by(rcpt):
        text = read_notice(mail.data).text
        found.update(m.group(3) for m in LINK.finditer(text) if m.group(2) == kind)
    return found


def wait_until(check: object, relay: ServeProcess, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, relay.stderr[-4000:]
        time.sleep(0.1)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_every_process_announces_its_holds(
    backend: str,
    request: pytest.FixtureRequest,
    repo_root: Path,
    tmp_path: Path,
    upstream: Upstream,
) -> None:
    store = ""
    if backend == "postgres":
        dsn = request.getfixturevalue("postgres_dsn")
        store = f'store: {{dsn: "{dsn}"}}\n'
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    config = tmp_path / "mailguard.yaml"
    config.write_text(
        "smtp: {listeners: [{port: 0}]}\n"
        "web: {port: 0}\n"
        f"upstream: {{kind: smtp, host: 127.0.0.1, port: {upstream.port}, tls: none}}\n"
        f"{store}processes: 2\npolicy: policy.yaml\n",
        encoding="utf-8",
    )
    relay = ServeProcess(repo_root, tmp_path, config).start()
    try:
        for n in range(MAILS):  # a new connection each: the kernel spreads them over both
            with smtplib.SMTP("127.0.0.1", relay.smtp_port, timeout=30) as client:
                client.sendmail(
                    SENDER, [OUTSIDE], make_mail(("送信 太郎", SENDER), [OUTSIDE], f"n{n}")
                )
        wait_until(lambda: len(linked_ids(upstream, APPROVER, "approve")) >= MAILS, relay)
        wait_until(lambda: len(linked_ids(upstream, SENDER, "status")) >= MAILS, relay)
        assert linked_ids(upstream, APPROVER, "approve") == linked_ids(upstream, SENDER, "status")
        assert not [m for m in upstream.messages if m.mail_from == SENDER]  # held, not delivered
        relay.signal(signal.SIGTERM)
        assert relay.wait() == 0
    finally:
        relay.kill()
