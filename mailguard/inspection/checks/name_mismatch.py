"""``name_mismatch``: the mail addresses one person and goes to another.

Two kinds of evidence, both the sender's own:

- **the salutation** (``names.salutation.find_salutation``): each person it names must fit a
  recipient in To (any one of them: a mail to two people greets both). Who a recipient *is*
  comes from the directory entry for the address, never from the To display name, which may be
  stale or typed by the sender. A To recipient not in the directory cannot be mismatched —
  we do not know who they are — with one exception we decided is worth a finding: when the
  salutation names, by full name, a directory contact at a *different* address (the classic
  auto-complete slip to an address we have never seen). A family name alone is not enough
  there: there are many 鈴木s outside the directory. An unknown recipient whose display name
  fits the greeting is taken as addressed correctly.
- **attachment file names** (``内定通知書_鈴木一郎.pdf``): a directory contact named in full in
  a file name (kanji, kana or romaji; variants folded; separators ignored) who is not among the
  recipients. The sender is exempt (people put their own names on their files). Names not in
  the directory cannot be recognised in file names: there is no reliable way to tell a person's
  name from any other word there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.attachment_reports import file_detail, shown_name
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.checks.external_recipient import unique_addresses
from mailguard.inspection.checks.settings import CheckSettings
from mailguard.inspection.contacts import Contact, Directory
from mailguard.inspection.message.model import Address
from mailguard.inspection.names.normalize import fold_name
from mailguard.inspection.names.person import NamedPerson, PersonName
from mailguard.inspection.names.romaji import romaji_key
from mailguard.inspection.names.salutation import find_salutation

_MIN_KANJI_KEY = 3
"""Shorter full names (``林陽``) are too likely to occur inside ordinary words."""
_MIN_ROMAJI_KEY = 8
_NON_LETTERS = re.compile(r"[^A-Za-z\u00c0-\u024f]+")


class FilenameIndex:
    """Directory contacts by every full-name key long enough to search file names for."""

    def __init__(self, directory: Directory) -> None:
        self._by_key: dict[str, list[Contact]] = {}
        for contact in directory.contacts:
            for key in contact.name.full:
                minimum = _MIN_ROMAJI_KEY if key.isascii() else _MIN_KANJI_KEY
                if len(key) >= minimum:
                    self._by_key.setdefault(key, []).append(contact)
        self._lengths = sorted({len(k) for k in self._by_key})

    def people_in(self, filename: str) -> list[Contact]:
        """Contacts whose full name appears in ``filename`` (extension ignored)."""
        stem = filename.rpartition(".")[0] or filename
        found: dict[str, Contact] = {}
        # Romaji word by word: folding "suzuki_ichirou" as one word would merge the "ii".
        romaji = "".join(romaji_key(word) for word in _NON_LETTERS.split(stem))
        for text in (fold_name(stem), romaji):
            for length in self._lengths:
                for start in range(len(text) - length + 1):
                    for contact in self._by_key.get(text[start : start + length], ()):
                        found[contact.email] = contact
        return list(found.values())


def _addressed(context: CheckContext) -> list[Address]:
    to = [Address(a.addr.strip().lower(), a.name) for a in context.message.to if a.addr.strip()]
    return to or [Address(a) for a in unique_addresses(context.recipients)]


def make(settings: CheckSettings) -> Check:
    directory = settings.directory
    filenames = FilenameIndex(directory)
    by_full_name: dict[str, list[Contact]] = {}
    for contact in directory.contacts:
        for key in contact.name.full:
            by_full_name.setdefault(key, []).append(contact)

    def salutation_findings(context: CheckContext) -> list[Finding]:
        salutation = find_salutation(context.message.text)
        if salutation is None:
            return []
        addressed = _addressed(context)
        known = [(a.addr, c) for a in addressed if (c := directory.by_address(a.addr))]
        unknown = [a for a in addressed if directory.by_address(a.addr) is None]
        findings = []
        for named in salutation.people:
            if any(contact.name.fit(named) for _, contact in known) or any(
                a.name and PersonName.from_written(a.name).fit(named) for a in unknown
            ):
                continue
            recipients = {addr for addr, _ in known} | {a.addr for a in unknown}
            elsewhere = {
                c.email: c
                for key in named.keys
                for c in by_full_name.get(key, ())
                if c.email not in recipients
            }
            line = salutation.lines[0]
            finding = _mismatch(named, known, unknown, list(elsewhere.values()), line)
            if finding is not None:
                findings.append(finding)
        return findings

    def attachment_findings(context: CheckContext) -> list[Finding]:
        recipients = set(unique_addresses(context.recipients)) | {
            a.addr.lower() for a in (*context.message.to, *context.message.cc)
        }
        recipients.add(context.sender.strip().lower())
        findings = []
        for attachment in context.message.attachments:
            for person in filenames.people_in(attachment.filename):
                if person.email in recipients:
                    continue
                findings.append(
                    Finding(
                        kind=FindingKind.NAME_MISMATCH,
                        attachment=attachment.filename,
                        message=f"The attachment {shown_name(attachment)} names {person.display} "
                        f"({person.email} in the directory), who is not a recipient.",
                        detail={
                            "case": "file",
                            "named": person.display,
                            "named_address": person.email,
                            **file_detail(attachment),
                        },
                    )
                )
        return findings

    def check(context: CheckContext) -> Sequence[Finding]:
        return [*salutation_findings(context), *attachment_findings(context)]

    return check


def _mismatch(
    named: NamedPerson,
    known: list[tuple[str, Contact]],
    unknown: list[Address],
    elsewhere: list[Contact],
    line: str,
) -> Finding | None:
    """The finding for a named person who fits no To recipient (None: we cannot tell)."""
    detail = {"named": named.display, "salutation": line}
    if elsewhere:
        detail["named_address"] = elsewhere[0].email
    if not elsewhere and (unknown or not known):
        return None  # the greeting may well fit a recipient we know nothing about
    if not known:
        goes_to = ", ".join(a.addr for a in unknown)
        return Finding(
            kind=FindingKind.NAME_MISMATCH,
            recipient=unknown[0].addr,
            message=f"The greeting addresses {named.display}, who is {elsewhere[0].email} in "
            f"the directory, but this mail goes to {goes_to}.",
            detail={**detail, "case": "unknown_recipient", "goes_to": goes_to},
        )
    if len(known) == 1:
        addr, contact = known[0]
        also = f" ({named.display} is {elsewhere[0].email})" if elsewhere else ""
        return Finding(
            kind=FindingKind.NAME_MISMATCH,
            recipient=addr,
            message=f"The greeting addresses {named.display}, but {addr} is {contact.display} "
            f"in the directory{also}.",
            detail={**detail, "case": "other_person", "expected": contact.display},
        )
    who = "; ".join(f"{addr} is {contact.display}" for addr, contact in known)
    return Finding(
        kind=FindingKind.NAME_MISMATCH,
        message=f"The greeting addresses {named.display}, but no recipient in To is that person "
        f"in the directory ({who}).",
        detail={
            **detail,
            "case": "nobody_in_to",
            "to_known": "\n".join(f"{addr}\t{contact.display}" for addr, contact in known),
        },
    )
