"""The fast path for plain ``<local@domain>`` reads MAIL/RCPT exactly as aiosmtpd's parser."""

from __future__ import annotations

import asyncio

from aiosmtpd.smtp import SMTP
from hypothesis import given
from hypothesis import strategies as st

from mailguard.adapters.smtp.protocol import ProtocolSettings, RelaySMTP, Sessions

ATOM = st.text(alphabet="abcXYZ019!#$%&'*+/=?^_`{|}~-.", min_size=1, max_size=12)
DOMAIN = st.from_regex(r"[a-z0-9-]{1,10}(\.[a-z0-9-]{1,10}){0,3}", fullmatch=True)
PARAMS = st.sampled_from(["", " SIZE=1000", " BODY=8BITMIME SMTPUTF8", "  SIZE=5"])


def protocol() -> RelaySMTP:
    async def make() -> RelaySMTP:
        settings = ProtocolSettings("h", 1000, 1, 1, None, None, False)
        return RelaySMTP(object(), settings, Sessions(1))

    return asyncio.run(make())


PROTOCOL = protocol()


@given(local=ATOM, domain=DOMAIN, params=PARAMS, space=st.sampled_from(["", " "]))
def test_same_reading_as_aiosmtpd(local: str, domain: str, params: str, space: str) -> None:
    arg = f"{space}<{local}@{domain}>{params}"
    assert PROTOCOL._getaddr(arg) == SMTP._getaddr(PROTOCOL, arg)


def test_the_null_sender_and_odd_paths_go_to_aiosmtpd() -> None:
    for arg in ("<>", '<"two words"@example.co.jp>', "<@relay.example:a@b.jp>", "<日本@例え.jp>"):
        assert PROTOCOL._getaddr(arg) == SMTP._getaddr(PROTOCOL, arg)
