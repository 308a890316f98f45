"""``inspect_file(filename, data) -> FileReport``: the formats layer's one question.

The container kind comes from the bytes (``sniff``); each kind has its own module that answers
"encrypted?" and "carries code?". Names add their own dangers (``names``). Archives are
inspected from their directory; only entries that are themselves containers (a zip in a zip,
a PDF in a zip) are decompressed, one level deep and within a byte budget, so a plain zip
holding only password-protected PDFs counts as protected and an .exe hidden in a nested zip is
still found. Nothing here raises: an unreadable file is reported as such in ``notes``.
"""

from __future__ import annotations

import posixpath
import struct
from dataclasses import dataclass

from mailguard.inspection.formats.names import name_reasons
from mailguard.inspection.formats.ole import inspect_ole
from mailguard.inspection.formats.pdf import pdf_encrypted
from mailguard.inspection.formats.rar import list_rar
from mailguard.inspection.formats.report import FileReport
from mailguard.inspection.formats.sevenzip import inspect_7z
from mailguard.inspection.formats.sniff import kind_of, sniff_type
from mailguard.inspection.formats.tar import is_tar, tar_names, unpack_prefix
from mailguard.inspection.formats.ziparchive import ZipEntry, ZipListing, list_zip, read_entry

MAX_NESTING = 1
NESTED_MAX_BYTES = 16 * 1024 * 1024
NESTED_BUDGET_BYTES = 32 * 1024 * 1024
MAX_SNIFFED_ENTRIES = 2_000
MAX_REASONS = 20
_SNIFF_BYTES = 1024  # enough for the PE header offset of common executables
_CONTAINERS = frozenset({"zip", "pdf", "ole", "7z", "rar"})
_CODE_LABELS = {
    "application/x-executable": "ELF executable",
    "application/x-mach-binary": "Mach-O executable",
    "application/java-vm": "Java class file",
    "application/x-ms-shortcut": "Windows shortcut (.lnk)",
    "application/x-iso9660-image": "disk image (ISO)",
    "application/x-vhd": "virtual disk image (VHD)",
    "application/x-vhdx": "virtual disk image (VHDX)",
}


def inspect_file(filename: str, data: bytes) -> FileReport:
    try:
        return _Inspector().inspect(filename, data, depth=0)
    except Exception as exc:  # a bug or a format corner we did not foresee: report, never raise
        return FileReport(
            kind="other",
            encrypted=False,
            dangerous=name_reasons(filename),
            notes=(f"could not be inspected ({type(exc).__name__})",),
        )


def code_label(mime: str, data: bytes) -> str | None:
    """Why bytes of this sniffed type are executable code, or None."""
    if mime == "application/x-msdownload":
        return "PE executable" if _has_pe_header(data) else "DOS executable"
    return _CODE_LABELS.get(mime)


def _has_pe_header(data: bytes) -> bool:
    if len(data) < 64:
        return False
    (offset,) = struct.unpack_from("<I", data, 60)
    return data[offset : offset + 4] == b"PE\x00\x00"


@dataclass
class _Inspector:
    budget: int = NESTED_BUDGET_BYTES

    def inspect(self, filename: str, data: bytes, depth: int) -> FileReport:
        mime = sniff_type(data)
        kind = kind_of(mime)
        reasons = list(name_reasons(filename))
        label = code_label(mime, data)
        if label:
            reasons.append(label)
        if kind == "zip":
            return self._zip(data, reasons, depth)
        if kind == "archive" or is_tar(data):
            return self._tarball(data, mime, reasons)
        if kind == "rar":
            rar = list_rar(data)
            reasons += (f"archive entry {n}: {r}" for n in rar.names for r in name_reasons(n))
            return FileReport("rar", rar.encrypted, _unique(reasons), rar.names, rar.notes)
        encrypted = False
        notes: tuple[str, ...] = ()
        if kind == "pdf":
            encrypted, notes = pdf_encrypted(data)
        elif kind == "ole":
            ole = inspect_ole(data)
            kind, encrypted, notes = ole.kind, ole.encrypted, ole.notes
            reasons += ole.dangerous
            reasons += (f"attached file {n}: {r}" for n in ole.entries for r in name_reasons(n))
            return FileReport(kind, encrypted, _unique(reasons), ole.entries, notes)
        elif kind == "7z":
            seven = inspect_7z(data)
            reasons += (f"archive entry {n}: {r}" for n in seven.names for r in name_reasons(n))
            return FileReport("7z", seven.encrypted, _unique(reasons), seven.names, seven.notes)
        elif kind in ("smime", "pgp"):
            encrypted = True  # encrypted to its recipients' keys: nobody else can read it
        return FileReport(kind, encrypted, _unique(reasons), notes=notes)

    def _tarball(self, data: bytes, mime: str, reasons: list[str]) -> FileReport:
        """gzip, bzip2, xz (a tarball or one file) and plain tar: never encrypted; entry names
        checked."""
        data, complete = unpack_prefix(data, mime)
        notes = () if complete else ("compressed content not fully read",)
        names = tar_names(data) if is_tar(data) else ()
        reasons += (f"archive entry {n}: {r}" for n in names for r in name_reasons(n))
        return FileReport("archive", False, _unique(reasons), names, notes)

    def _zip(self, data: bytes, reasons: list[str], depth: int) -> FileReport:
        listing = list_zip(data)
        names = {e.name.lower() for e in listing.entries}
        files = [e for e in listing.entries if not e.is_dir]
        if "[content_types].xml" in names:
            return self._package("ooxml", files, reasons, listing.notes, False)
        if "mimetype" in names and "meta-inf/manifest.xml" in names:
            return self._package("odf", files, reasons, listing.notes, self._odf(data, listing))
        protected = 0
        for index, entry in enumerate(files):
            reasons += (f"archive entry {entry.name}: {r}" for r in name_reasons(entry.name))
            if entry.encrypted:
                protected += 1
            elif index < MAX_SNIFFED_ENTRIES:
                protected += self._zip_entry(data, listing, entry, reasons, depth)
        encrypted = bool(files) and protected == len(files)
        entries = tuple(e.name for e in listing.entries)
        return FileReport("zip", encrypted, _unique(reasons), entries, listing.notes)

    def _zip_entry(
        self, data: bytes, listing: ZipListing, entry: ZipEntry, reasons: list[str], depth: int
    ) -> int:
        """Sniff one plain entry; returns 1 when its content is itself encrypted."""
        head = read_entry(data, listing, entry, _SNIFF_BYTES)
        mime = sniff_type(head)
        label = code_label(mime, head)
        if label:
            reasons.append(f"archive entry {entry.name}: {label}")
        nested_ok = depth < MAX_NESTING and entry.size <= min(NESTED_MAX_BYTES, self.budget)
        if kind_of(mime) not in _CONTAINERS or not nested_ok:
            return 0
        self.budget -= entry.size
        content = read_entry(data, listing, entry, entry.size)
        inner = self.inspect(entry.name, content, depth + 1)
        reasons += (f"archive entry {entry.name}: {r}" for r in inner.dangerous)
        return int(inner.encrypted)

    def _package(
        self,
        kind: str,
        files: list[ZipEntry],
        reasons: list[str],
        notes: tuple[str, ...],
        encrypted: bool,
    ) -> FileReport:
        """OOXML/ODF: a document, not an archive; its parts' names are not attachments."""
        for entry in files:
            base = posixpath.basename(entry.name).lower()
            if base == "vbaproject.bin":
                reasons.append("macro-enabled Office (vbaProject.bin)")
            elif kind == "odf" and entry.name.startswith("Basic/") and base.endswith(".xml"):
                reasons.append("document with macros (Basic)")
        return FileReport(kind, encrypted, _unique(reasons), notes=notes)

    def _odf(self, data: bytes, listing: ZipListing) -> bool:
        """ODF encrypts part by part and says so in its manifest, not in zip flags."""
        for entry in listing.entries:
            if entry.name == "META-INF/manifest.xml":
                return b"encryption-data" in read_entry(data, listing, entry, 1024 * 1024)
        return False


def _unique(reasons: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(reasons))[:MAX_REASONS]
