"""Stopping lets a transaction in progress finish; a reload takes new relay rules at once."""

from __future__ import annotations

import asyncio

import aiosmtplib
import pytest

from mailguard.core.config_load import load_config
from mailguard.core.model import PASS_EVERYTHING
from mailguard.runtime.relay import Relay
from tests.integration.relay.conftest import (
    FixedDecider,
    StartRelay,
    client,
    fixed_policy,
    port_of,
    relay_config,
)
from tests.mailmaker import make_mail
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream


async def test_stop_lets_a_transaction_in_progress_finish(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay(smtp={"shutdown_grace_seconds": 10})
    port = port_of(relay)
    async with client(relay) as busy, client(relay) as idle:
        await idle.ehlo()
        await busy.ehlo()
        await busy.mail("a@example.co.jp")
        await busy.rcpt("b@example.co.jp")
        stopping = asyncio.create_task(relay.stop())
        await asyncio.sleep(0.05)  # the relay has stopped listening and closed the idle session
        assert not relay.listening
        with pytest.raises(aiosmtplib.SMTPServerDisconnected):
            await idle.noop()
        code, message = await busy.data(make_mail())
        assert (code, message.startswith("2.0.0 Ok: queued as")) == (250, True)
        await stopping
    with pytest.raises(OSError):
        await aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=2).connect()


async def test_a_reload_takes_new_relay_rules(tmp_path, upstream: Upstream) -> None:
    base = relay_config(tmp_path, upstream)
    path = tmp_path / "mailguard.yaml"
    yaml = f"""
smtp: {{listeners: [{{port: 0}}], max_recipients: 1}}
upstream: {{kind: smtp, host: 127.0.0.1, port: {upstream.port}, tls: none}}
store: {{path: {base.store.path}, fsync: false}}
web: {{port: 0}}
policy: {base.policy}
"""
    path.write_text(yaml, encoding="utf-8")
    relay = Relay(
        load_config(str(path)),
        clock=FakeClock(),
        policy_loader=fixed_policy(FixedDecider(PASS_EVERYTHING)),
    )
    await relay.start()
    try:
        async with client(relay) as smtp:
            await smtp.ehlo()
            await smtp.mail("a@example.co.jp")
            await smtp.rcpt("b@example.co.jp")
            with pytest.raises(aiosmtplib.SMTPRecipientRefused):
                await smtp.rcpt("c@example.co.jp")
        path.write_text(yaml.replace("max_recipients: 1", "max_recipients: 5"), "utf-8")
        await relay.reload()
        assert relay.config.smtp.max_recipients == 5
        async with client(relay) as smtp:
            await smtp.ehlo()
            await smtp.mail("a@example.co.jp")
            await smtp.rcpt("b@example.co.jp")
            assert (await smtp.rcpt("c@example.co.jp")).code == 250
        path.write_text("smtp: {max_recipients: -1}\n", "utf-8")  # a bad file changes nothing
        await relay.reload()
        assert relay.config.smtp.max_recipients == 5
    finally:
        await relay.stop()
