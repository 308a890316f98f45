"""Charsets, encoded words, addresses and HTML text, unit by unit."""

from __future__ import annotations

import base64

import pytest

from mailguard.inspection.message import normalize_address, normalize_domain
from mailguard.inspection.message.addresses import parse_address_header
from mailguard.inspection.message.charsets import decode_bytes
from mailguard.inspection.message.headers import decode_header_text
from mailguard.inspection.message.html_text import html_to_text


@pytest.mark.parametrize(
    ("data", "charset", "text", "exact"),
    [
        ("①髙".encode("cp932"), "Shift_JIS", "①髙", True),
        ("ｱｲｳ".encode("iso2022_jp_ext"), "ISO-2022-JP", "ｱｲｳ", True),
        ("日本".encode(), "us-ascii", "日本", True),
        ("日本".encode("cp932"), "utf-8", "日本", False),
        ("日本".encode("euc_jp"), None, "日本", False),
        ("日本".encode("iso2022_jp"), None, "日本", False),
        (b"caf\xe9", "x-no-such-charset", "caf\ufffd", False),
        (b"plain", "rot13", "plain", True),
    ],
)
def test_decode_bytes_uses_supersets_then_guesses(
    data: bytes, charset: str | None, text: str, exact: bool
) -> None:
    assert decode_bytes(data, charset) == (text, exact)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("=?ISO-2022-JP?B?GyRCOCtAUT1xGyhC?=", "見積書"),
        ("=?utf-8?q?caf=C3=A9_au_lait?=", "café au lait"),
        ("=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=", "日本"),
        ("Re: =?utf-8?b?5pel5pys?= deal", "Re: 日本 deal"),
        ("=?utf-8?b?5pel5p?=", "日\ufffd"),  # truncated base64 inside a word
        ("=?unknown-8bit?q?=93=FA?=", "日"),
        ("=?utf-8*ja?b?5pel?=", "日"),  # RFC 2231 language in an encoded word
        ("no words here", "no words here"),
    ],
)
def test_encoded_words(value: str, text: str) -> None:
    assert decode_header_text(value) == text


def test_quoted_display_names_and_groups() -> None:
    word = base64.b64encode("鈴木, 一郎".encode()).decode()
    header = f'"=?utf-8?b?{word}?=" <a@x.example>, team: b@y.example;, undisclosed:;'
    addresses = parse_address_header([header])
    assert [(a.name, a.addr) for a in addresses] == [
        ("鈴木, 一郎", "a@x.example"),
        ("", "b@y.example"),
    ]


def test_normal_form_of_domains() -> None:
    assert normalize_domain("XN--ZCKZAH.JP.") == "テスト.jp"
    assert normalize_domain("ＥＸＡＭＰＬＥ．co.jp") == "example.co.jp"
    assert normalize_domain("xn--invalid-punycode-!!") == "xn--invalid-punycode-!!"
    assert normalize_address("<Taro.Yamada@Example.CO.JP>") == "Taro.Yamada@example.co.jp"


def test_html_to_text_keeps_lines_and_drops_code() -> None:
    html = (
        "<div>田中様<br>お世話になっております。</div><!-- hidden -->"
        "<style>.x{}</style><script>var a = '<p>';</script><table><tr><td>A&lt;B</td></tr></table>"
    )
    assert html_to_text(html) == "田中様\nお世話になっております。\n\nA<B"
