"""AUTH: offered only over TLS (STARTTLS or an implicit-TLS listener), checked against the
users file; from loopback without TLS only when configured."""

from __future__ import annotations

import ssl

import aiosmtplib
import pytest

from mailguard.core.config import ListenerConfig
from tests.integration.relay.conftest import PASSWORD, USER, StartRelay, client
from tests.mailmaker import make_mail
from tests.support.upstream import Upstream

NOT_TRUSTED = {"trusted_networks": ()}


def tls(ca_file: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file)


async def test_auth_over_starttls_then_relay(
    start_relay: StartRelay, upstream: Upstream, relay_tls, users_file, ca_file
) -> None:
    relay = await start_relay(smtp={**NOT_TRUSTED, "tls": relay_tls, "users_file": users_file})
    async with client(relay, start_tls=True, tls_context=tls(ca_file)) as smtp:
        await smtp.ehlo()
        assert smtp.supports_extension("auth")
        await smtp.login(USER, PASSWORD)
        await smtp.sendmail(USER, ["tanaka@partner.co.jp"], make_mail(("太郎", USER)))
    (got,) = await upstream.wait_for(1)
    assert got.mail_from == USER


async def test_a_wrong_password_is_refused(
    start_relay: StartRelay, relay_tls, users_file, ca_file
) -> None:
    relay = await start_relay(smtp={**NOT_TRUSTED, "tls": relay_tls, "users_file": users_file})
    async with client(relay, start_tls=True, tls_context=tls(ca_file)) as smtp:
        with pytest.raises(aiosmtplib.SMTPAuthenticationError) as info:
            await smtp.login(USER, "wrong")
    assert info.value.code == 535


async def test_auth_is_refused_before_tls(start_relay: StartRelay, relay_tls, users_file) -> None:
    relay = await start_relay(smtp={**NOT_TRUSTED, "tls": relay_tls, "users_file": users_file})
    async with client(relay) as smtp:
        await smtp.ehlo()
        assert smtp.supports_extension("starttls")
        assert not smtp.supports_extension("auth")
        response = await smtp.execute_command(b"AUTH", b"PLAIN", b"AHRhcm8AcHc=")
    assert response.code == 538


async def test_loopback_may_auth_without_tls_when_configured(
    start_relay: StartRelay, upstream: Upstream, users_file
) -> None:
    relay = await start_relay(
        smtp={**NOT_TRUSTED, "users_file": users_file, "allow_auth_without_tls_on_loopback": True}
    )
    async with client(relay) as smtp:
        await smtp.login(USER, PASSWORD)
        await smtp.sendmail(USER, ["tanaka@partner.co.jp"], make_mail(("太郎", USER)))
    await upstream.wait_for(1)


async def test_auth_on_an_implicit_tls_listener(
    start_relay: StartRelay, upstream: Upstream, relay_tls, users_file, ca_file
) -> None:
    relay = await start_relay(
        smtp={
            **NOT_TRUSTED,
            "tls": relay_tls,
            "users_file": users_file,
            "listeners": (ListenerConfig(port=0, implicit_tls=True),),
        }
    )
    async with client(relay, use_tls=True, tls_context=tls(ca_file)) as smtp:
        await smtp.login(USER, PASSWORD)
        await smtp.sendmail(USER, ["tanaka@partner.co.jp"], make_mail(("太郎", USER)))
    await upstream.wait_for(1)
