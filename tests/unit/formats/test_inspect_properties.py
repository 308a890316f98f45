"""Property: inspect_file never raises, on random bytes or on damaged real containers."""

from __future__ import annotations

import io
import tarfile

from hypothesis import given, settings
from hypothesis import strategies as st

from mailguard.inspection.formats import inspect_file
from tests.cfbwriter import make_cfb
from tests.filemaker import make_doc, make_docx, make_pdf, make_zip
from tests.unit.formats.rar_builder import rar4, rar5


def _tarball() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("資料/run.ps1")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"abc"))
    return buf.getvalue()


_SEEDS = [
    make_zip({"a.csv": b"1,2", "b.exe": b"MZ"}),
    make_zip({"a.csv": b"1,2"}, "aes"),
    make_zip({"a.csv": b"1,2"}, "zipcrypto"),
    make_zip({"inner.zip": make_zip({"x.js": b"1"})}),
    make_pdf("pw"),
    make_pdf("", owner_password="o", algorithm="RC4-128"),
    make_pdf("", owner_password="o", algorithm="AES-256"),
    make_docx(macro=True),
    make_doc(encrypted=True),
    rar5([("a.csv", True), ("b.exe", False)]),
    _tarball(),
    make_cfb(
        {
            "__properties_version1.0": bytes(32),
            "__attach_version1.0_#00000000": {"__substg1.0_3707001F": "a.exe".encode("utf-16-le")},
        }
    ),
    rar4([("a.csv", True), ("b.exe", False)]),
    b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24) + b"\x17\x06\x00\x01\x09\x10\x00",
]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.binary(max_size=3000))
def test_random_bytes_never_raise(name: str, data: bytes) -> None:
    report = inspect_file(name, data)
    assert not any("could not be inspected" in n for n in report.notes), report.notes


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_SEEDS),
    st.lists(st.tuples(st.integers(0, 20_000), st.binary(min_size=1, max_size=8)), max_size=8),
    st.integers(0, 20_000),
)
def test_damaged_containers_never_raise(
    seed: bytes, edits: list[tuple[int, bytes]], cut: int
) -> None:
    data = bytearray(seed)
    for pos, patch in edits:
        at = pos % max(1, len(data))
        data[at : at + len(patch)] = patch
    report = inspect_file("x.bin", bytes(data[: len(data) - cut % max(1, len(data))]))
    assert not any("could not be inspected" in n for n in report.notes), report.notes
