"""Who may decide a held message, and who is told when nobody may.

The policy already removed the sender from ``Decision.approvers``; this module checks again
with everything the relay knows about the sender (envelope address, authenticated user, the
login's addresses and every policy alias of them), because "nobody approves their own mail"
must hold even when a policy or an alias list changed after the message was held. Addresses
compare as the policy compares them (``mailbox_key``: any case, ``+tag`` ignored).

Fail safe: when the approvers left are nobody, the admins get the request (with admin links)
and the message stays held. It is never delivered unmoderated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from mailguard.core.model import Envelope
from mailguard.inspection.policy.addresses import Aliases, mailbox_key


@dataclass(frozen=True, slots=True)
class Route:
    """Who gets a decision link for a held message, and in which capacity."""

    role: Literal["approver", "admin"]
    recipients: tuple[str, ...]
    """Empty only when neither approvers nor admins exist: nobody can be asked at all."""


@dataclass(frozen=True, slots=True)
class People:
    """Who is who: the policy's aliases plus the SMTP logins' extra addresses."""

    aliases: Aliases = field(default_factory=Aliases)
    logins: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """``smtp.aliases``: login name -> the addresses that login may send as."""

    def sender_keys(self, envelope: Envelope) -> frozenset[str]:
        """Every mailbox key (see ``policy.addresses.mailbox_key``) of this message's sender."""
        seeds = [envelope.mail_from]
        if envelope.auth_user:
            seeds.append(envelope.auth_user)
            seeds.extend(self.logins.get(envelope.auth_user, ()))
        keys: set[str] = set()
        for seed in seeds:
            if seed.strip():
                keys |= self.aliases.same_person(seed)
        return frozenset(keys)

    def is_sender(self, address: str, envelope: Envelope) -> bool:
        return not self.aliases.same_person(address).isdisjoint(self.sender_keys(envelope))

    def without_sender(self, candidates: Iterable[str], envelope: Envelope) -> tuple[str, ...]:
        """``candidates`` minus the sender and duplicates, in order."""
        sender = self.sender_keys(envelope)
        seen: set[str] = set()
        kept: list[str] = []
        for address in (c.strip() for c in candidates):
            key = mailbox_key(address)
            if address and key not in seen and self.aliases.same_person(address).isdisjoint(sender):
                seen.add(key)
                kept.append(address)
        return tuple(kept)

    def route(self, approvers: Sequence[str], admins: Sequence[str], envelope: Envelope) -> Route:
        deciders = self.without_sender(approvers, envelope)
        if deciders:
            return Route("approver", deciders)
        return Route("admin", self.without_sender(admins, envelope))

    def may_decide(self, address: str, allowed: Sequence[str], envelope: Envelope) -> bool:
        """Whether ``address`` may release or reject, checked at the moment of the decision."""
        key = mailbox_key(address)
        return key in {mailbox_key(a) for a in self.without_sender(allowed, envelope)}


@dataclass(frozen=True, slots=True)
class Roster:
    """Who may decide and who is the sender, as the policy in force says now (not to be
    confused with the contact directory of ``inspection/contacts.py``)."""

    people: Callable[[], People]
    admins: Callable[[], Sequence[str]]
