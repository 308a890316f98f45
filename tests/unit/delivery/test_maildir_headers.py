"""The envelope headers prepended to Maildir files."""

from __future__ import annotations

from mailguard.adapters.upstream.maildir import envelope_headers


def test_envelope_is_recorded_one_header_per_recipient() -> None:
    assert (
        envelope_headers("s@example.co.jp", ["a@x.example", "田中@x.example"])
        == (
            "Return-Path: <s@example.co.jp>\n"
            "X-Mailguard-Rcpt: <a@x.example>\n"
            "X-Mailguard-Rcpt: <田中@x.example>\n"
        ).encode()
    )


def test_line_breaks_in_addresses_cannot_add_headers() -> None:
    headers = envelope_headers("", ["a@x.example>\r\nBcc: <evil@x.example"])
    assert headers.count(b"\n") == 2
    assert headers.startswith(b"Return-Path: <>\n")
