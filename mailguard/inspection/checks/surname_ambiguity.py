"""``surname_ambiguity``: the recipient shares a family name with another contact, and the mail
does not say which of them it is for.

This is the JIPDEC case of a hiring notice meant for one 鈴木 going to the other: address
auto-complete offers both, and a greeting of ``鈴木様`` reads right for either. Family names are
compared with their variant kanji folded and through directory readings (``齋藤`` and ``斎藤``,
``鈴木`` and ``Suzuki``), and through shared katakana readings (伊藤 and 井藤 are both イトウ:
auto-complete by reading offers both), by ``Directory.namesakes``.

The mail *says which one* when its salutation names the recipient by given name (or full name)
and that given name does not fit any of the namesakes. So there is a finding when:

- the salutation names no given name (``鈴木様``, ``Dear Mr. Suzuki``) or there is no
  salutation at all, or
- the given name fits both (two 鈴木 一郎 at different companies).

A salutation naming someone else entirely is reported too (the mail does not point at the
recipient); ``name_mismatch`` explains that case from its side.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.checks.external_recipient import unique_addresses
from mailguard.inspection.checks.settings import CheckSettings
from mailguard.inspection.contacts import Contact
from mailguard.inspection.names.normalize import fold_name
from mailguard.inspection.names.person import Fit, NamedPerson
from mailguard.inspection.names.salutation import find_salutation


def _pins_down(contact: Contact, others: Sequence[Contact], named: NamedPerson) -> bool:
    """Whether ``named`` identifies ``contact`` by more than the family name they share."""
    return contact.name.fit(named) >= Fit.GIVEN and all(
        other.name.fit(named) < Fit.GIVEN for other in others
    )


_LISTED = 3
"""Namesakes named in a finding; a common family name can have hundreds in a directory."""


def make(settings: CheckSettings) -> Check:
    directory = settings.directory
    # A few hundred 佐藤s make finding namesakes the costliest step; recipients repeat.
    namesakes = lru_cache(maxsize=1024)(directory.namesakes)

    def check(context: CheckContext) -> Sequence[Finding]:
        if not len(directory):
            return []
        salutation = find_salutation(context.message.text)
        people = salutation.people if salutation else ()
        findings = []
        for address in unique_addresses(context.recipients):
            contact = directory.by_address(address)
            if contact is None:
                continue
            others = namesakes(contact)
            if not others or any(_pins_down(contact, others, named) for named in people):
                continue
            findings.append(_finding(address, contact, others, people))
        return findings

    return check


def _finding(
    address: str, contact: Contact, others: Sequence[Contact], people: Sequence[NamedPerson]
) -> Finding:
    shown = ", ".join(f"{o.display} <{o.email}>" for o in others[:_LISTED])
    detail = {"contact": contact.display, "others": shown, "listed": shown}
    if len(others) > _LISTED:
        detail["more"] = str(len(others) - _LISTED)
        detail["others"] += f" and {detail['more']} more"
    same_name = [o for o in others if o.name.full & contact.name.full]
    if same_name:
        other = same_name[0]
        same = fold_name(other.display) == fold_name(contact.display)
        alike = "the same full name" if same else "a full name read the same way"
        detail.update(other=f"{other.display} <{other.email}>")
        detail.update(reason="same_full_name" if same else "same_reading")
        reason = f"{detail['other']} has {alike}"
    else:
        detail["reason"] = "namesakes"
        reason = f"the directory also has {detail['others']}"
    greeted = [p for p in people if contact.name.fit(p) >= Fit.GIVEN]
    if same_name:
        detail["why"] = "indistinct"
        why = "nothing in the mail can tell them apart"
    elif not people:
        detail["why"] = "no_greeting"
        why = "the mail has no greeting that says which one is meant"
    elif greeted or all(contact.name.fit(p) == Fit.FAMILY for p in people):
        detail.update(why="greeting_unclear", greeting="、".join(p.display for p in people))
        why = f"the greeting ({detail['greeting']}) does not say which one is meant"
    else:
        detail.update(why="greeting_other", greeting=people[0].display)
        why = f"the greeting names {people[0].display}, not {contact.display}"
    return Finding(
        kind=FindingKind.SURNAME_AMBIGUITY,
        recipient=address,
        message=f"{address} is {contact.display}, but {reason}; {why}.",
        detail=detail,
    )
