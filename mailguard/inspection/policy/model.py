"""The validated policy: plain frozen data, everything resolved and precomputed at load.

Nothing here is looked up by name at evaluation time: group references are resolved to
address tuples, durations to seconds, conditions to objects, and the checks are built once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mailguard.core.model import Action, OnTimeout
from mailguard.inspection.checks.base import Check
from mailguard.inspection.policy.addresses import AddressPattern, Aliases
from mailguard.inspection.policy.conditions import Condition

Mode = Literal["enforce", "monitor"]


@dataclass(frozen=True, slots=True)
class Approvers:
    """Who may decide: a named group's members, or addresses listed on the rule itself."""

    addresses: tuple[str, ...]
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    after_seconds: float
    to: Approvers


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    action: Action
    mode: Mode = "enforce"
    reply: str | None = None
    delay_seconds: float | None = None
    approvers: Approvers | None = None
    escalate: Escalation | None = None
    hold_timeout_seconds: float | None = None
    on_timeout: OnTimeout | None = None
    line: int = 0
    """Where the rule starts in the policy file, for logs and ``policy validate``."""

    @property
    def enforced(self) -> bool:
        return self.mode == "enforce"


@dataclass(frozen=True, slots=True)
class SenderGroup:
    name: str
    patterns: tuple[AddressPattern, ...]
    approvers: Approvers | None = None
    """Holds of this group's mail go here unless the deciding rule names its own approvers."""


@dataclass(frozen=True, slots=True)
class Defaults:
    hold_timeout_seconds: float = 24 * 3600.0
    on_timeout: OnTimeout = "reject"
    delay_seconds: float = 300.0
    reply: str = "Message rejected by the sender's mail policy."


@dataclass(frozen=True, slots=True)
class CheckOptions:
    disabled: frozenset[str] = frozenset()
    known_domains: tuple[str, ...] = ()
    bulk_min_recipients: int = 10
    bulk_min_domains: int = 2


@dataclass(frozen=True, slots=True)
class Policy:
    source: str
    """The policy file's path, as given to ``load_policy``."""
    policy_hash: str
    """Short sha256 of the policy file and its directory files: which policy decided."""
    internal_domains: tuple[str, ...]
    directory_files: tuple[str, ...]
    default_approvers: Approvers
    approver_groups: dict[str, Approvers]
    admins: tuple[str, ...]
    """Alerted when a held message has nobody left who may approve it."""
    sender_groups: tuple[SenderGroup, ...]
    aliases: Aliases
    checks: CheckOptions
    rules: tuple[Rule, ...]
    defaults: Defaults
    check: Check = field(default=lambda context: (), repr=False, compare=False)
    """Every check, built once for this policy (``load_policy`` builds them; a policy parsed
    without its directory runs none)."""
    directory_size: int = 0
