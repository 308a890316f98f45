"""The formats layer's single answer about one file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileReport:
    kind: str
    """Sniffed container kind: ``zip``, ``pdf``, ``ooxml``, ``ole`` (legacy Office / CFB),
    ``7z``, ``pe``, ``lnk``, ``text``, ``image``, ``other``; also ``odf``, ``rar``, ``elf``,
    ``macho``, ``java``, ``iso``, ``disk-image``, ``tnef``, ``msg`` (Outlook item),
    ``smime`` (CMS enveloped data),
    ``pgp`` (armored PGP message) and ``archive`` (gzip, bzip2, xz: compressed, never
    encrypted by the format itself)."""
    encrypted: bool
    """True when the content itself is encrypted (every entry, for archives)."""
    dangerous: tuple[str, ...] = ()
    """Reasons it is executable or carries code, e.g. ``"PE executable"``,
    ``"script file name .js"``, ``"macro-enabled Office (vbaProject.bin)"``,
    ``"archive entry invoice.pdf.exe: double extension"``. Empty when harmless."""
    entries: tuple[str, ...] = ()
    """Entry names for archives (readable even when encrypted), capped."""
    notes: tuple[str, ...] = ()
    """Defects met while reading (truncated archive ...)."""
    uninspectable: tuple[str, ...] = ()
    """Why this file, or something inside it, could not be fully read: a limit reached
    (depth, entries, size, ratio, time), a container that would not decode. Inspection fails
    safe: each reason becomes an ``uninspectable`` finding that the default policy holds."""
