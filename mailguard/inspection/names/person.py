"""A person's name in every form a salutation might use, and how well a written name fits it.

``PersonName`` is built once per directory contact (at policy load). It holds comparison keys
for the family name, the given name and the full name in three scripts: written (kanji, with
variant kanji folded), katakana (from the directory reading, or the name itself when written
in kana), and romaji keys (from the reading, or a Latin-letter name) in both name orders. A
salutation is then matched with set lookups, never by scanning text.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from mailguard.inspection.names.kana import katakana_to_romaji
from mailguard.inspection.names.normalize import (
    display_name,
    fold_name,
    name_tokens,
    normalize_name,
)
from mailguard.inspection.names.romaji import romaji_key

_LATIN = re.compile(r"[a-z\u00c0-\u024f]+")
_KANA = re.compile(r"[\u30a0-\u30ff]+")


def name_keys(folded: str) -> frozenset[str]:
    """Comparison keys of one folded name part: itself, plus its romaji key when it is kana
    (``スズキ`` → ``suzuki``); a Latin-letter part is represented by its romaji key alone."""
    if not folded:
        return frozenset()
    if _LATIN.fullmatch(folded):
        return frozenset({romaji_key(folded)})
    if _KANA.fullmatch(folded):
        return frozenset({folded, romaji_key(katakana_to_romaji(folded))})
    return frozenset({folded})


def _joined(first: frozenset[str], second: frozenset[str]) -> frozenset[str]:
    """Concatenations within Japanese script (``鈴木``+``一郎``, ``前川``+``ミキ``) or within
    romaji (``suzuki``+``itiro``); a kanji family with a romaji given name is never written."""
    return frozenset(
        a + b
        for a in first
        for b in second
        if bool(_LATIN.fullmatch(a)) == bool(_LATIN.fullmatch(b))
    )


class Fit(enum.IntEnum):
    """How much of a person a written name identifies; higher is more specific."""

    NONE = 0
    FAMILY = 1
    GIVEN = 2
    FULL = 3


@dataclass(frozen=True, slots=True)
class PersonName:
    display: str
    """``"鈴木 一郎"`` (family first, as the directory has it)."""
    family: frozenset[str]
    given: frozenset[str]
    full: frozenset[str]

    @classmethod
    def build(
        cls, family: str, given: str, family_reading: str = "", given_reading: str = ""
    ) -> PersonName:
        fam = name_keys(fold_name(family)) | name_keys(fold_name(family_reading))
        giv = name_keys(fold_name(given)) | name_keys(fold_name(given_reading))
        western_order = frozenset(k for k in _joined(giv, fam) if _LATIN.fullmatch(k))
        full = _joined(fam, giv) | western_order
        display = " ".join(part for part in (family.strip(), given.strip()) if part)
        return cls(display=display, family=fam, given=giv, full=full)

    @classmethod
    def from_written(cls, written: str) -> PersonName:
        """A person known only by a written name (a To display name such as ``"鈴木 一郎"`` or
        ``"Ichiro Suzuki"``): first word as family, the rest as given, and since Western
        order is just as likely, fitting is order-blind for romaji anyway."""
        words = name_tokens(written, casefold=False)
        return cls.build(words[0] if words else "", " ".join(words[1:]))

    def fit(self, named: NamedPerson) -> Fit:
        """How specifically ``named`` points at this person (``Fit.NONE``: not at all)."""
        if named.keys & self.full:
            return Fit.FULL
        if named.keys & self.given:
            return Fit.GIVEN
        if named.keys & self.family:
            return Fit.FAMILY
        return Fit.NONE


@dataclass(frozen=True, slots=True)
class NamedPerson:
    """A name as written in a message (salutation or file name), ready to compare."""

    display: str
    """As written, honorifics removed (``"鈴木 一郎"``, ``"Ichiro Suzuki"``)."""
    keys: frozenset[str]

    @classmethod
    def parse(cls, written: str) -> NamedPerson | None:
        """None when nothing name-like is left once greetings and honorifics are gone."""
        # Initials ("I. Suzuki") say nothing a key could match.
        tokens = [t for t in name_tokens(written) if len(t) > 1 or not t.isascii()]
        parts = [normalize_name(t) for t in tokens]
        whole = "".join(parts)
        if not whole:
            return None
        keys = set(name_keys(whole))
        # Per-word romaji keys joined, so "Suzuki Ichiro" gives suzuki+itiro, not the
        # key of "suzukiichiro" (whose long-vowel folding would merge the ii).
        romaji = [sorted(k for k in name_keys(p) if _LATIN.fullmatch(k)) for p in parts if p]
        if all(romaji):
            keys.add("".join(r[0] for r in romaji))
        return cls(display=display_name(written) or written.strip(), keys=frozenset(keys))
