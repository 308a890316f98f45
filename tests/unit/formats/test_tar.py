"""tar and .tar.gz: names of packed executables are found; a gzip bomb stops at the bound."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile

from mailguard.inspection.formats import inspect_file
from mailguard.inspection.formats.tar import unpack_prefix


def _tar(files: dict[str, bytes], compress: bool) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz" if compress else "w") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_tarball_entry_names_are_checked() -> None:
    for compress in (False, True):
        report = inspect_file(
            "backup.tgz", _tar({"資料/a.csv": b"1", "tools/run.ps1": b"x"}, compress)
        )
        assert (report.kind, report.encrypted) == ("archive", False)
        assert report.entries == ("資料/a.csv", "tools/run.ps1")
        assert report.dangerous == (
            "archive entry tools/run.ps1: executable or script file name .ps1",
        )


def test_gzip_of_one_file_and_a_bounded_bomb() -> None:
    assert inspect_file("a.csv.gz", gzip.compress(b"1,2,3")).entries == ()
    bomb = gzip.compress(bytes(5_000_000))
    prefix, complete = unpack_prefix(bomb, "application/gzip", limit=1_000_000)
    assert (len(prefix), complete) == (1_000_000, False)
    assert unpack_prefix(gzip.compress(b"small"), "application/gzip") == (b"small", True)


def test_bzip2_and_xz_tarballs() -> None:
    plain = _tar({"x/setup.exe": b"MZ"}, compress=False)
    for packed in (bz2.compress(plain), lzma.compress(plain)):
        report = inspect_file("a.tar.bz2", packed)
        assert report.entries == ("x/setup.exe",)
        assert report.notes == ()
