"""The small value types every layer shares: envelope, finding, decision.

These are the core's vocabulary. They are plain frozen dataclasses so that the pure core can
build them, the store can serialise them (``to_json``/``from_json``) and the shell can pass them
around without any of them knowing about the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the SMTP session told us, as opposed to what the headers claim."""

    mail_from: str
    """The envelope sender; ``""`` for the null sender (bounces)."""
    rcpt_tos: tuple[str, ...]
    client_addr: str = ""
    auth_user: str | None = None
    """The authenticated user name, or None for a trusted-network client."""
    helo: str = ""


class Action(StrEnum):
    """What the policy decided. Declared from mildest to strictest: see ``strictness``."""

    PASS = "pass"
    DELAY = "delay"
    HOLD = "hold"
    REJECT = "reject"

    @property
    def strictness(self) -> int:
        return _STRICTNESS[self]


_STRICTNESS = {Action.PASS: 0, Action.DELAY: 1, Action.HOLD: 2, Action.REJECT: 3}


class FindingKind(StrEnum):
    """The stable finding kinds (a contract: admins write policies against these strings)."""

    EXTERNAL_RECIPIENT = "external_recipient"
    LOOKALIKE_DOMAIN = "lookalike_domain"
    SURNAME_AMBIGUITY = "surname_ambiguity"
    NAME_MISMATCH = "name_mismatch"
    UNENCRYPTED_ATTACHMENT = "unencrypted_attachment"
    DANGEROUS_ATTACHMENT = "dangerous_attachment"
    BULK_VISIBLE_RECIPIENTS = "bulk_visible_recipients"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason for concern, explained in a sentence an approver understands."""

    kind: str
    message: str
    recipient: str | None = None
    attachment: str | None = None
    detail: dict[str, str] = field(default_factory=dict)
    """Extra structured facts for pages (e.g. ``{"named": "鈴木 一郎"}``); not part of the
    contract JSON."""

    def to_json(self) -> dict[str, Any]:
        """The contract shape: ``kind``, ``recipient``, ``attachment``, ``message``."""
        return {
            "kind": self.kind,
            "recipient": self.recipient,
            "attachment": self.attachment,
            "message": self.message,
        }

    def to_store(self) -> dict[str, Any]:
        return {**self.to_json(), "detail": dict(self.detail)}

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> Finding:
        return cls(
            kind=str(data["kind"]),
            message=str(data["message"]),
            recipient=data.get("recipient"),
            attachment=data.get("attachment"),
            detail={str(k): str(v) for k, v in (data.get("detail") or {}).items()},
        )


OnTimeout = Literal["reject", "release"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one message: the seam between the core and the relay.

    ``action`` is the strictest *enforced* matched rule's action; monitor-mode rules appear in
    ``rules`` and ``monitor_rules`` but never change ``action``.
    """

    action: Action
    findings: tuple[Finding, ...] = ()
    rules: tuple[str, ...] = ()
    """Ids of every matched rule, enforced and monitor."""
    monitor_rules: tuple[str, ...] = ()
    """The subset of ``rules`` in ``mode: monitor``."""
    reply: str | None = None
    """For ``reject``: the text the SMTP client is told."""
    delay_seconds: float = 0.0
    """For ``delay``: how long the sender has to withdraw."""
    approvers: tuple[str, ...] = ()
    """For ``hold``: who may decide (the sender already removed). Empty means nobody may: the
    message stays held and the admins are alerted."""
    approver_group: str | None = None
    escalate_after_seconds: float | None = None
    escalate_to: tuple[str, ...] = ()
    hold_timeout_seconds: float = 24 * 3600.0
    on_timeout: OnTimeout = "reject"
    policy_hash: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``mailguard check`` contract object (plus extensions after the contract keys)."""
        return {
            "action": self.action.value,
            "findings": [f.to_json() for f in self.findings],
            "rules": list(self.rules),
            "monitor_rules": list(self.monitor_rules),
        }

    def to_store(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "findings": [f.to_store() for f in self.findings],
            "rules": list(self.rules),
            "monitor_rules": list(self.monitor_rules),
            "reply": self.reply,
            "delay_seconds": self.delay_seconds,
            "approvers": list(self.approvers),
            "approver_group": self.approver_group,
            "escalate_after_seconds": self.escalate_after_seconds,
            "escalate_to": list(self.escalate_to),
            "hold_timeout_seconds": self.hold_timeout_seconds,
            "on_timeout": self.on_timeout,
            "policy_hash": self.policy_hash,
        }

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> Decision:
        on_timeout: OnTimeout = "release" if data.get("on_timeout") == "release" else "reject"
        escalate_after = data.get("escalate_after_seconds")
        return cls(
            action=Action(data["action"]),
            findings=tuple(Finding.from_store(f) for f in data.get("findings", ())),
            rules=tuple(data.get("rules", ())),
            monitor_rules=tuple(data.get("monitor_rules", ())),
            reply=data.get("reply"),
            delay_seconds=float(data.get("delay_seconds") or 0.0),
            approvers=tuple(data.get("approvers", ())),
            approver_group=data.get("approver_group"),
            escalate_after_seconds=None if escalate_after is None else float(escalate_after),
            escalate_to=tuple(data.get("escalate_to", ())),
            hold_timeout_seconds=float(data.get("hold_timeout_seconds") or 24 * 3600.0),
            on_timeout=on_timeout,
            policy_hash=str(data.get("policy_hash") or ""),
        )


PASS_EVERYTHING = Decision(action=Action.PASS)
"""The decision of a relay that inspects nothing; also what tests of the transport use."""
