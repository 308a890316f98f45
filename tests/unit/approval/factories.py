"""Hand-built held messages for the approval and notification tests."""

from __future__ import annotations

from mailguard.core.lifecycle import State
from mailguard.core.model import Action, Decision, Envelope, Finding
from mailguard.inspection.message.model import Address, Attachment, ParsedMessage
from mailguard.workflow.ports.store import StoredMessage

NOW = 1_800_000_000.0
SENDER = "tanaka@example.co.jp"
RECIPIENT = "ichiro.suzuki@partner.example.com"


def hiring_decision(**changes: object) -> Decision:
    values: dict[str, object] = {
        "action": Action.HOLD,
        "findings": (
            Finding(
                kind="name_mismatch",
                message="The salutation names 鈴木 次郎, but the recipient is 鈴木 一郎.",
                recipient=RECIPIENT,
                detail={"named": "鈴木 次郎", "expected": "鈴木 一郎"},
            ),
            Finding(
                kind="external_recipient", message="Outside example.co.jp.", recipient=RECIPIENT
            ),
            Finding(
                kind="unencrypted_attachment",
                message="内定通知書_鈴木次郎.pdf is a PDF without encryption.",
                attachment="内定通知書_鈴木次郎.pdf",
            ),
        ),
        "rules": ("wrong-person",),
        "approvers": ("hr-lead@example.co.jp",),
        "approver_group": "hr",
        "hold_timeout_seconds": 3600.0,
    }
    values.update(changes)
    return Decision(**values)  # type: ignore[arg-type]


def stored(
    message_id: str = "m1", subject_state: State = State.HELD, **changes: object
) -> StoredMessage:
    values: dict[str, object] = {
        "id": message_id,
        "state": subject_state,
        "envelope": Envelope(mail_from=SENDER, rcpt_tos=(RECIPIENT, "boss@example.co.jp")),
        "decision": hiring_decision(),
        "received_at": NOW,
        "updated_at": NOW,
        "next_attempt_at": NOW,
        "hold_until": NOW + 3600,
        "attempts": 0,
        "pending_rcpts": (RECIPIENT,),
        "size": 1234,
    }
    values.update(changes)
    return StoredMessage(**values)  # type: ignore[arg-type]


def parsed(subject: str = "内定のご連絡", text: str | None = None) -> ParsedMessage:
    body = (
        text
        if text is not None
        else "鈴木次郎 様\n\nこの度は内定となりましたのでご連絡します。\n人事部 田中\n"
    )
    return ParsedMessage(
        from_=(Address(SENDER, "田中 花子"),),
        to=(Address(RECIPIENT, "鈴木 一郎"),),
        cc=(),
        bcc=(),
        subject=subject,
        text=body,
        attachments=(
            Attachment(
                filename="内定通知書_鈴木次郎.pdf",
                declared_type="application/pdf",
                sniffed_type="application/pdf",
                size=2048,
                data=b"%PDF-1.4",
            ),
        ),
    )
