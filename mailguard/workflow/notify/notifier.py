"""Queues the approval workflow's mails: requests to approvers, notices to senders.

Every mail goes through ``enqueue_generated``: stored as a queued message before we return, then
delivered through the same upstream with the same retries, so a crash after a hold cannot lose
the approver's request once it is queued. Each recipient gets their own mail, with their own
link, in their own language (``notify.languages``, else ``notify.language``). Each request is
also written to the held message's audit trail (``notified``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import structlog

from mailguard.core.clock import Clock
from mailguard.core.config import Config
from mailguard.inspection.message.parse import parse_message
from mailguard.workflow.approval.links import approve_url, status_url
from mailguard.workflow.approval.routing import Roster
from mailguard.workflow.approval.summary import HeldSummary, summarize
from mailguard.workflow.approval.tokens import Role, TokenSigner
from mailguard.workflow.delivery.generated import enqueue_generated
from mailguard.workflow.notify.compose import compose
from mailguard.workflow.notify.i18n import Language, language_for
from mailguard.workflow.notify.mails import MailRenderer, Rendered, RequestReason, Resolution
from mailguard.workflow.ports.store import AuditEvent, Store, StoredMessage

log = structlog.get_logger(__name__)


class ApprovalNotifier:
    def __init__(
        self,
        store: Store,
        *,
        config: Config,
        signer: TokenSigner,
        roster: Roster,
        clock: Clock,
        wake: Callable[[], None],
        renderer: MailRenderer | None = None,
    ) -> None:
        self._store = store
        self._config = config
        self._signer = signer
        self._roster = roster
        self._clock = clock
        self._wake = wake
        self._renderer = renderer or MailRenderer()

    async def held(self, message_id: str) -> None:
        """Ask the approvers (or, if nobody may approve, the admins); tell the sender."""
        loaded = await self._load(message_id)
        if loaded is None:
            return
        message, summary = loaded
        route = self._roster.people().route(
            message.decision.approvers, self._roster.admins(), message.envelope
        )
        reason: RequestReason = "request" if route.role == "approver" else "admin_alert"
        if not route.recipients:
            log.error("held message has no approver and no admin to ask", id=message_id)
            await self._record(message.id, "nobody to ask: no approvers and no admins")
        await self._ask(message, summary, route.recipients, route.role, reason)
        deciders = route.recipients if route.role == "approver" else ()
        link = self._link(message, message.envelope.mail_from, "sender")
        await self._send_to_sender(
            message,
            "sender-held",
            lambda lang: self._renderer.sender_held(lang, summary, link, deciders),
        )

    async def delayed(self, message_id: str) -> None:
        loaded = await self._load(message_id)
        if loaded is None:
            return
        message, summary = loaded
        link = self._link(message, message.envelope.mail_from, "sender")
        await self._send_to_sender(
            message,
            "sender-delayed",
            lambda lang: self._renderer.sender_delayed(lang, summary, link),
        )

    async def escalated(self, message_id: str) -> None:
        """The first approvers did not decide in time: ask ``escalate_to`` as well."""
        loaded = await self._load(message_id)
        if loaded is None:
            return
        message, summary = loaded
        people = self._roster.people()
        recipients = people.without_sender(message.decision.escalate_to, message.envelope)
        await self._ask(message, summary, recipients, "approver", "escalation")

    async def decided(
        self, message: StoredMessage, outcome: Resolution, decider: str, comment: str
    ) -> None:
        """Tell the sender what became of their message (``OutcomeListener``)."""
        loaded = await self._load(message.id)
        if loaded is None:
            return
        await self._send_to_sender(
            loaded[0],
            f"sender-{outcome}",
            lambda lang: self._renderer.sender_outcome(lang, loaded[1], outcome, decider, comment),
        )

    async def _load(self, message_id: str) -> tuple[StoredMessage, HeldSummary] | None:
        message = await self._store.get(message_id, with_raw=True)
        if message is None or message.raw is None:
            log.warning("notification for a message that is gone", id=message_id)
            return None
        return message, summarize(message, parse_message(message.raw))

    def _link(self, message: StoredMessage, address: str, role: Role) -> str:
        token = self._signer.issue(message.id, address, role)
        base = self._config.web.public_base_url
        if role == "sender":
            return status_url(base, message.id, token)
        return approve_url(base, message.id, token)

    async def _ask(
        self,
        message: StoredMessage,
        summary: HeldSummary,
        recipients: Sequence[str],
        role: Role,
        reason: RequestReason,
    ) -> None:
        for recipient in recipients:
            link = self._link(message, recipient, role)
            rendered = self._renderer.approval_request(
                language_for(recipient, self._config.notify), summary, link, reason
            )
            if await self._enqueue(message, recipient, rendered, f"approval-{reason}"):
                await self._record(message.id, f"{reason} to {role} {recipient}")

    async def _record(self, message_id: str, comment: str) -> None:
        """Who was told what goes into the audit trail, so "nobody asked me" can be checked."""
        await self._store.add_audit(
            AuditEvent(message_id, self._clock(), "system", "notified", comment=comment)
        )

    async def _send_to_sender(
        self, message: StoredMessage, reason: str, render: Callable[[Language], Rendered]
    ) -> None:
        sender = message.envelope.mail_from
        if not sender:
            return  # the null sender (a bounce) has nobody to tell
        await self._enqueue(
            message, sender, render(language_for(sender, self._config.notify)), reason
        )

    async def _enqueue(
        self, message: StoredMessage, recipient: str, rendered: Rendered, reason: str
    ) -> bool:
        from_address = self._config.notify.from_address
        try:
            raw = compose(
                sender=from_address,
                recipient=recipient,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                now=self._clock(),
                language=language_for(recipient, self._config.notify),
            )
        except ValueError as exc:
            log.warning("notification not sent", id=message.id, reason=str(exc))
            return False
        await enqueue_generated(
            self._store,
            mail_from=from_address,
            rcpts=[recipient],
            raw=raw,
            reason=f"{reason} for {message.id}",
            clock=self._clock,
        )
        self._wake()
        return True
