"""Property: no byte string makes parse_message raise, random or a mutated real message."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailguard.inspection.message import parse_message
from tests.mailmaker import make_mail
from tests.unit.message.tnef_builder import make_tnef

_SEED = make_mail(
    ("鈴木 一郎", "ichiro@example.co.jp"),
    [("田中 花子", "hanako@partner.co.jp")],
    "見積書",
    "田中様\nお世話になっております。",
    attachments=[
        ("見積書.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"),
        ("winmail.dat", make_tnef([("a.csv", b"1,2")]), "application/ms-tnef"),
    ],
    charset="iso-2022-jp",
    html="<p>田中様</p>",
)

_FRAGMENTS = st.sampled_from(
    [b"\r\n", b"\n", b"--", b"=?", b"?=", b"=?utf-8?b?", b"\x1b$B", b"\xff\xfe", b"boundary=",
     b"Content-Type: multipart/mixed; boundary=x\n\n--x\n", b"Content-Type: message/rfc822\n\n",
     b"filename*0*=utf-8''%E9", b"Content-Transfer-Encoding: base64\n\n", b"\x78\x9f\x3e\x22"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    msg = parse_message(raw)
    assert not any("could not be fully parsed" in d for d in msg.defects), msg.defects


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_SEED)), st.integers(0, 40), _FRAGMENTS | st.binary(max_size=8)
        ),
        max_size=6,
    )
)
def test_mutated_messages_never_raise(edits: list[tuple[int, int, bytes]]) -> None:
    raw = _SEED
    for pos, cut, insert in edits:
        raw = raw[:pos] + insert + raw[pos + cut :]
    msg = parse_message(raw)
    assert not any("could not be fully parsed" in d for d in msg.defects), msg.defects


_HEADER_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()) | st.sampled_from('=?<>@,;:"\\'),
    max_size=80,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["From", "To", "Cc", "Subject", "Content-Type"]), _HEADER_TEXT)
)
def test_any_header_text_including_raw_surrogates_decodes(headers: dict[str, str]) -> None:
    head = (
        "".join(f"{k}: {v}\n" for k, v in headers.items()).replace("\r", "").replace("\n\n", "\n")
    )
    raw = head.encode("utf-8", "surrogatepass") + b"\nbody"
    msg = parse_message(raw)
    assert not any("could not be" in d for d in msg.defects), msg.defects
