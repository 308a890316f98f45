"""The shared upstream fixture does what other tests rely on."""

from __future__ import annotations

import smtplib

import pytest

from tests.support.upstream import Upstream


def test_upstream_receives_and_scripts_refusals(upstream: Upstream) -> None:
    upstream.refuse("b@partner.example", "451 4.3.0 try later", times=1)
    with smtplib.SMTP(upstream.host, upstream.port) as client:
        refused = client.sendmail(
            "s@example.co.jp", ["a@partner.example", "b@partner.example"], b"Subject: x\r\n\r\nhi"
        )
        assert refused == {"b@partner.example": (451, b"4.3.0 try later")}
        assert client.sendmail("s@example.co.jp", ["b@partner.example"], b"x") == {}
    got = upstream.wait_for_sync(2)
    assert got[0].rcpts == ("a@partner.example",)
    assert b"Subject: x" in got[0].data
    assert upstream.rcpt_attempts("b@partner.example") == 2


def test_upstream_goes_down_and_up_on_the_same_port(upstream: Upstream) -> None:
    port = upstream.port
    upstream.stop()
    with pytest.raises(OSError):
        smtplib.SMTP(upstream.host, port, timeout=2)
    upstream.start()
    assert upstream.port == port
    with smtplib.SMTP(upstream.host, port) as client:
        assert client.noop()[0] == 250
