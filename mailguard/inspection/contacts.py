"""The contact directory: who each address belongs to, from the CSV files the policy lists.

The CSV format is a contract admins rely on: UTF-8 (a BOM is accepted, as Excel writes one),
header ``email,family_name,given_name,family_reading,given_reading,organization``, readings in
katakana and optional. Several files may be given; an address may repeat across them only when
the names agree. Any bad row stops the load with the file, line and what to fix — a policy with
a half-read directory would silently miss wrong recipients.

Lookups are precomputed here, once per policy load: by address (case-insensitive), and by
family name (``PersonName`` keys, so 齋藤/斎藤 and 鈴木/スズキ/Suzuki find each other).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mailguard.core.errors import DirectoryError
from mailguard.inspection.names.kana import to_katakana
from mailguard.inspection.names.normalize import fold_name, prepare
from mailguard.inspection.names.person import PersonName

HEADER = ("email", "family_name", "given_name", "family_reading", "given_reading", "organization")


@dataclass(frozen=True, slots=True)
class Contact:
    email: str
    """Lower-cased."""
    family_name: str
    given_name: str = ""
    family_reading: str = ""
    given_reading: str = ""
    organization: str = ""
    name: PersonName = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        name = PersonName.build(
            self.family_name, self.given_name, self.family_reading, self.given_reading
        )
        object.__setattr__(self, "name", name)

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    @property
    def display(self) -> str:
        """``"鈴木 一郎"``."""
        return self.name.display


class Directory:
    """Immutable after construction; safe to share between threads and messages."""

    def __init__(self, contacts: Iterable[Contact] = ()) -> None:
        self.contacts: tuple[Contact, ...] = tuple(contacts)
        self._by_address = {c.email: c for c in self.contacts}
        self._by_family: dict[str, list[Contact]] = {}
        for contact in self.contacts:
            for key in contact.name.family:
                self._by_family.setdefault(key, []).append(contact)
        self.domains: frozenset[str] = frozenset(c.domain for c in self.contacts)

    def __len__(self) -> int:
        return len(self.contacts)

    def by_address(self, address: str) -> Contact | None:
        return self._by_address.get(address.strip().lower())

    def by_family_name(self, family: str) -> tuple[Contact, ...]:
        """Contacts whose family name matches ``family`` in any written form or reading."""
        keys = PersonName.build(family, "").family
        found = {c.email: c for k in keys for c in self._by_family.get(k, ())}
        return tuple(found.values())

    def namesakes(self, contact: Contact) -> tuple[Contact, ...]:
        """Other contacts (other addresses) who share ``contact``'s family name.

        Written forms and katakana readings are compared as they are; romaji keys only when
        one of the two is known in Latin letters alone. Romaji keys drop long vowels, so
        大野 (オオノ) and 小野 (オノ) share ``ono`` but are different names, while ``Ohno``
        could be either.
        """
        found = {
            c.email: c
            for key in contact.name.family
            for c in self._by_family.get(key, ())
            if c.email != contact.email and _same_family(contact, c)
        }
        return tuple(found.values())


def _same_family(a: Contact, b: Contact) -> bool:
    if _latin_only(a) or _latin_only(b):
        return bool(a.name.family & b.name.family)
    return any(not key.isascii() for key in a.name.family & b.name.family)


def _latin_only(contact: Contact) -> bool:
    return all(key.isascii() for key in contact.name.family)


def load_directory(paths: Sequence[Path]) -> Directory:
    """Read every CSV in ``paths`` into one ``Directory``; raise ``DirectoryError`` on the
    first bad file or row."""
    contacts: dict[str, tuple[Contact, str, int]] = {}
    for path in paths:
        for line, contact in _read_file(path):
            seen = contacts.get(contact.email)
            if seen is not None and not _same_person(seen[0], contact):
                raise DirectoryError(
                    str(path),
                    line,
                    f"{contact.email} is already {seen[0].display} ({seen[1]}:{seen[2]}); "
                    f"one address cannot be two people",
                )
            if seen is None:
                contacts[contact.email] = (contact, str(path), line)
    return Directory(c for c, _, _ in contacts.values())


def _read_file(path: Path) -> Iterable[tuple[int, Contact]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DirectoryError(str(path), None, "file not found") from exc
    except UnicodeDecodeError as exc:
        raise DirectoryError(str(path), None, f"not UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise DirectoryError(str(path), None, f"cannot read: {exc.strerror}") from exc
    reader = csv.reader(text.splitlines())
    header = tuple(h.strip().lower() for h in next(reader, []))
    if header != HEADER:
        expected, found = ",".join(HEADER), ",".join(header)
        raise DirectoryError(str(path), 1, f"the header must be exactly {expected} (found {found})")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        yield line, _contact(str(path), line, row)


def _contact(file: str, line: int, row: list[str]) -> Contact:
    if len(row) != len(HEADER):
        raise DirectoryError(file, line, f"expected {len(HEADER)} columns, found {len(row)}")
    email, family, given, family_reading, given_reading, organization = (c.strip() for c in row)
    if not email:
        raise DirectoryError(file, line, "the email column is empty")
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in email):
        raise DirectoryError(file, line, f"{email!r} is not an email address")
    if not family and not given:
        raise DirectoryError(file, line, f"{email} has neither a family nor a given name")
    for column, reading in (("family_reading", family_reading), ("given_reading", given_reading)):
        if reading and not _is_katakana(reading):
            raise DirectoryError(file, line, f"{column} {reading!r} must be katakana")
    return Contact(
        email=email.lower(),
        family_name=family,
        given_name=given,
        family_reading=family_reading,
        given_reading=given_reading,
        organization=organization,
    )


def _is_katakana(text: str) -> bool:
    """Katakana after width folding; hiragana is accepted too (folded), as people type it."""
    folded = to_katakana(prepare(text, casefold=False)).replace(" ", "")
    return all("\u30a0" <= ch <= "\u30ff" for ch in folded)


def _same_person(a: Contact, b: Contact) -> bool:
    return fold_name(a.family_name + a.given_name) == fold_name(b.family_name + b.given_name)
