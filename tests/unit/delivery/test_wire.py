"""The DATA payload: line endings made CRLF, dots stuffed, the end marker appended."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailguard.adapters.upstream.wire import crlf_lines, data_payload


def test_crlf_mail_is_returned_as_it_is() -> None:
    raw = b"Subject: hi\r\n\r\nbody\r\n"
    assert crlf_lines(raw) is raw


def test_bare_lf_and_bare_cr_become_crlf() -> None:
    assert crlf_lines(b"a\nb\rc\r\nd\n") == b"a\r\nb\r\nc\r\nd\r\n"


def test_a_last_line_without_line_end_gets_crlf() -> None:
    assert crlf_lines(b"Subject: hi\r\n\r\nno end") == b"Subject: hi\r\n\r\nno end\r\n"


def test_an_empty_message_stays_empty() -> None:
    assert crlf_lines(b"") == b""
    assert data_payload(b"") == b".\r\n"


def test_lines_starting_with_a_dot_get_another() -> None:
    payload = data_payload(b".first\r\nmiddle\r\n.\r\n..two\r\nlast.\r\n")
    assert payload == b"..first\r\nmiddle\r\n..\r\n...two\r\nlast.\r\n.\r\n"


def _line_by_line(raw: bytes) -> bytes:
    """The same payload built the slow, obvious way: ``splitlines`` knows CR, LF and CRLF."""
    lines = [b"." + line if line.startswith(b".") else line for line in raw.splitlines()]
    return b"".join(line + b"\r\n" for line in lines) + b".\r\n"


@given(st.lists(st.sampled_from([b"a", b".", b"..", b".x", b"\r", b"\n", b"\r\n"])).map(b"".join))
def test_the_payload_matches_stuffing_line_by_line(raw: bytes) -> None:
    assert data_payload(crlf_lines(raw)) == _line_by_line(raw)
