"""SmtpTransport on its own: connection reuse, AUTH, per-recipient results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from mailguard.adapters.upstream.smtp import SmtpTransport
from mailguard.core.config import UpstreamConfig
from mailguard.core.errors import DeliveryError
from tests.support.upstream import Upstream

# The AUTH upstream runs without TLS to keep the test small; aiosmtpd rightly warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

RAW = b"From: s@example.co.jp\r\nSubject: hi\r\n\r\nhello\r\n"


def _transport(upstream: Upstream, **kw: Any) -> SmtpTransport:
    config = UpstreamConfig(
        kind="smtp", host=upstream.host, port=upstream.port, **{"tls": "none", "timeout": 5.0, **kw}
    )
    return SmtpTransport(config)


async def test_a_connection_the_upstream_closed_while_idle_is_replaced(upstream: Upstream) -> None:
    transport = _transport(upstream)
    try:
        first = await transport.send("s@example.co.jp", ["a@partner.example"], RAW)
        upstream.stop()  # drops the connection the transport keeps for reuse
        upstream.start()
        second = await transport.send("s@example.co.jp", ["a@partner.example"], RAW)
    finally:
        await transport.close()

    assert first["a@partner.example"].delivered and second["a@partner.example"].delivered
    assert len(upstream.messages) == 2  # the handler's record survives the restart


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        _text(auth_data.login),
        _text(auth_data.password),
    ) == ("relay", "s3cret")
    # handled=False: aiosmtpd then answers 535 itself.
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def auth_upstream(start_upstream: Callable[..., Upstream]) -> Upstream:
    return start_upstream(authenticator=_authenticator, auth_required=True, auth_require_tls=False)


async def test_auth_with_the_right_password_delivers(auth_upstream: Upstream) -> None:
    transport = _transport(auth_upstream, username="relay", password="s3cret")
    try:
        result = await transport.send("s@example.co.jp", ["a@partner.example"], RAW)
    finally:
        await transport.close()
    assert result["a@partner.example"].delivered
    assert len(auth_upstream.messages) == 1


async def test_a_refused_login_is_temporary_not_a_bounce(auth_upstream: Upstream) -> None:
    transport = _transport(auth_upstream, username="relay", password="wrong")
    try:
        with pytest.raises(DeliveryError) as info:
            await transport.send("s@example.co.jp", ["a@partner.example"], RAW)
    finally:
        await transport.close()
    assert info.value.code == 451
    assert "refused our login" in info.value.reply
    assert auth_upstream.messages == []


async def test_refused_and_accepted_recipients_each_get_their_reply(upstream: Upstream) -> None:
    upstream.refuse("gone@partner.example", "550 5.1.1 unknown", times=None)
    upstream.refuse("busy@partner.example", "452 4.2.2 over quota", times=None)
    transport = _transport(upstream)
    try:
        results = await transport.send(
            "s@example.co.jp",
            ["gone@partner.example", "ok@partner.example", "busy@partner.example"],
            RAW,
        )
    finally:
        await transport.close()
    assert {r: (res.code, res.message) for r, res in results.items()} == {
        "gone@partner.example": (550, "5.1.1 unknown"),
        "ok@partner.example": (250, "2.0.0 Message accepted"),
        "busy@partner.example": (452, "4.2.2 over quota"),
    }


async def test_every_recipient_refused_is_results_not_an_error(upstream: Upstream) -> None:
    upstream.refuse("gone@partner.example", "550 5.1.1 unknown", times=None)
    transport = _transport(upstream)
    try:
        results = await transport.send("s@example.co.jp", ["gone@partner.example"], RAW)
    finally:
        await transport.close()
    assert results["gone@partner.example"].permanent


async def test_data_refused_is_a_delivery_error_with_the_reply(upstream: Upstream) -> None:
    upstream.refuse_data("554 5.6.0 content rejected")
    transport = _transport(upstream)
    try:
        with pytest.raises(DeliveryError) as info:
            await transport.send("s@example.co.jp", ["a@partner.example"], RAW)
    finally:
        await transport.close()
    assert (info.value.code, info.value.reply) == (554, "5.6.0 content rejected")


async def test_dot_lines_bare_line_ends_and_a_last_line_without_crlf_arrive_intact(
    upstream: Upstream,
) -> None:
    raw = b"From: s@example.co.jp\nSubject: dots\r\n\r\n.hidden\r\n.\r\n..two\rlast line"
    transport = _transport(upstream)
    try:
        results = await transport.send("s@example.co.jp", ["a@partner.example"], raw)
        again = await transport.send("s@example.co.jp", ["a@partner.example"], RAW)
    finally:
        await transport.close()
    assert results["a@partner.example"].delivered and again["a@partner.example"].delivered
    assert [m.data for m in upstream.messages] == [
        b"From: s@example.co.jp\r\nSubject: dots\r\n\r\n.hidden\r\n.\r\n..two\r\nlast line\r\n",
        RAW,  # the connection is still in step after the stuffed message
    ]
