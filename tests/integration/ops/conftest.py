"""A real relay for the ops tests: SMTP and web on ephemeral loopback ports, a real SQLite
store and the real policy engine over a small test policy, delivering to the in-test upstream.

The policy gives each kind of mail its verdict by recipient domain, so a test can produce a
pass, a hold and a reject at will: ``example.co.jp`` is internal (pass), ``hold.example`` is
held, ``blocked.example`` rejected; every external recipient also matches a monitor-mode rule.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from mailguard.core.config import (
    Config,
    DeliveryConfig,
    ListenerConfig,
    SmtpConfig,
    StoreConfig,
    UpstreamConfig,
    WebConfig,
)
from mailguard.runtime.relay import Relay
from tests.support.upstream import Upstream

SENDER = "yamada.taro@example.co.jp"

POLICY = """\
version: 1
organization:
  internal_domains: [example.co.jp]
approvers:
  default: [shounin@example.co.jp]
rules:
  - id: hold-partner
    when: {recipient_domain: hold.example}
    action: hold
  - id: reject-blocked
    when: {recipient_domain: blocked.example}
    action: reject
    reply: "Not to blocked.example."
  - id: watch-external
    when: {finding: external_recipient}
    action: delay
    mode: monitor
"""


@pytest.fixture
def relay_config(tmp_path: Path, upstream: Upstream) -> Config:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    return Config(
        smtp=SmtpConfig(listeners=(ListenerConfig(host="127.0.0.1", port=0),)),
        upstream=UpstreamConfig(kind="smtp", host=upstream.host, port=upstream.port, tls="none"),
        store=StoreConfig(path=str(tmp_path / "store.sqlite3"), fsync=False),
        delivery=DeliveryConfig(workers=2, poll_seconds=0.05),
        web=WebConfig(host="127.0.0.1", port=0, secret_key="ops-tests-" + "k" * 32),
        policy=str(policy),
        var_dir=str(tmp_path / "var"),
    )


@pytest.fixture
def log_output(configure_logs: Callable[..., io.StringIO]) -> io.StringIO:
    """The relay's log, as JSON lines with local parts masked."""
    return configure_logs(format="json", mask_local_parts=True)


@pytest.fixture
async def relay(relay_config: Config, log_output: io.StringIO) -> AsyncIterator[Relay]:
    running = Relay(relay_config)
    await running.start()
    yield running
    await running.stop()


def web_url(relay: Relay, path: str) -> str:
    host, port = relay.web_addresses[0]
    return f"http://{host}:{port}{path}"


async def send(relay: Relay, rcpt: str, *, subject: str = "ご連絡", body: str = "本文です") -> str:
    """Send one mail through the relay's SMTP listener; return the final reply line."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = rcpt
    message["Subject"] = subject
    message.set_content(body)
    host, port = relay.smtp_addresses[0]
    try:
        _, reply = await aiosmtplib.send(message, hostname=host, port=port, start_tls=False)
    except aiosmtplib.SMTPResponseException as exc:
        return f"{exc.code} {exc.message}"
    except aiosmtplib.SMTPRecipientsRefused as exc:
        return str(exc)
    return f"250 {reply}"  # aiosmtplib returns the text of a success without its code
