"""Who may decide a held message, and who is told when nobody may.

The policy already removed the sender from ``Decision.approvers``; this module checks again
with everything the relay knows about the sender (envelope address, authenticated user, and
every alias of either), because the rule "nobody approves their own mail" must hold even when
a policy or an alias list changed after the message was held. Addresses compare
case-insensitively.

Fail safe: when the approvers left are nobody, the admins get the request (with admin links)
and the message stays held. It is never delivered unmoderated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mailguard.model import Envelope

Aliases = Mapping[str, Sequence[str]]
"""A person (user name or address) -> the other addresses that are the same person."""


def _fold(values: Iterable[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v and v.strip()}


def sender_identities(envelope: Envelope, aliases: Aliases) -> frozenset[str]:
    """Every address (folded) that is the sender of this message."""
    known = _fold([envelope.mail_from, envelope.auth_user or ""])
    for person, addresses in aliases.items():
        group = _fold([person, *addresses])
        if group & known:
            known |= group
    return frozenset(known)


def is_sender(address: str, envelope: Envelope, aliases: Aliases) -> bool:
    return address.strip().casefold() in sender_identities(envelope, aliases)


def without_sender(
    candidates: Iterable[str], envelope: Envelope, aliases: Aliases
) -> tuple[str, ...]:
    """``candidates`` minus the sender and duplicates, in order."""
    sender = sender_identities(envelope, aliases)
    seen: set[str] = set()
    kept: list[str] = []
    for address in candidates:
        folded = address.strip().casefold()
        if folded and folded not in sender and folded not in seen:
            seen.add(folded)
            kept.append(address.strip())
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Route:
    """Who gets a decision link for a held message, and in which capacity."""

    role: Literal["approver", "admin"]
    recipients: tuple[str, ...]
    """Empty only when neither approvers nor admins exist: nobody can be asked at all."""


def route(
    approvers: Sequence[str], admins: Sequence[str], envelope: Envelope, aliases: Aliases
) -> Route:
    deciders = without_sender(approvers, envelope, aliases)
    if deciders:
        return Route("approver", deciders)
    return Route("admin", without_sender(admins, envelope, aliases))


def may_decide(
    address: str,
    role: Literal["approver", "admin"],
    *,
    approvers: Sequence[str],
    admins: Sequence[str],
    envelope: Envelope,
    aliases: Aliases,
) -> bool:
    """Whether ``address`` may release or reject, checked at the moment of the decision."""
    if is_sender(address, envelope, aliases):
        return False
    allowed = approvers if role == "approver" else admins
    return address.strip().casefold() in _fold(allowed)
