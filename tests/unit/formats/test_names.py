"""Dangerous file names: executable extensions, double extensions, hidden extensions."""

from __future__ import annotations

import pytest

from mailguard.inspection.formats.names import extension_chain, name_reasons


@pytest.mark.parametrize(
    "name",
    ["setup.exe", "a.JS", "x.jse", "run.vbs", "x.vbe", "job.wsf", "a.hta", "go.bat", "go.cmd",
     "saver.scr", "p.ps1", "m.psm1", "c.com", "lib.dll", "i.msi", "app.jar", "link.lnk",
     "disk.iso", "disk.img", "d.vhd", "d.vhdx", "x.wsh"],
)  # fmt: skip
def test_executable_and_script_names(name: str) -> None:
    assert any("executable or script" in r for r in name_reasons(name))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("report.pdf.js", "double extension .pdf.js"),
        ("invoice.pdf .exe", "double extension .pdf.exe"),
        ("請求書.xlsx.exe", "double extension .xlsx.exe"),
        ("invoice.pdf                       .exe", "double extension .pdf.exe"),
        ("photo\u202egpj.exe", "right-to-left override"),
        ("readme                    .exe", "spaces pushing"),
    ],
)
def test_names_that_hide_their_real_extension(name: str, reason: str) -> None:
    assert any(reason in r for r in name_reasons(name))


def test_macro_enabled_names_and_harmless_names() -> None:
    assert name_reasons("売上.xlsm") == ("macro-enabled Office file name .xlsm",)
    assert name_reasons("見積書.pdf") == ()
    assert name_reasons("no_extension") == ()
    assert name_reasons("") == ()


def test_trailing_dots_spaces_and_full_width_are_normalised() -> None:
    assert extension_chain("Invoice.PDF.EXE. . ") == ["pdf", "exe"]
    assert extension_chain("ｒｅｐｏｒｔ．ｅｘｅ") == ["exe"]
    assert extension_chain("dir/sub\\file.tar.gz") == ["tar", "gz"]
