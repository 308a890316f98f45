"""The real ``Decider``: parse → checks → policy, for the relay and ``mailguard check``.

It never raises. Malformed mail is the parser's business (it notes defects and goes on); a
bug in a check on some odd message must not bounce the client forever or, worse, let the
message through unchecked, so any unexpected error becomes a *hold* for a second person with
an ``inspection_error`` finding that says what happened.
"""

from __future__ import annotations

from mailguard.core.model import Decision, Envelope
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.message.model import ParsedMessage
from mailguard.inspection.message.parse import parse_message
from mailguard.inspection.policy import Policy, evaluate
from mailguard.inspection.policy.evaluate import fail_safe


class Inspector:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        try:
            message = parse_message(raw)
        except Exception as exc:
            return fail_safe(self.policy, envelope.mail_from, _others(envelope, None), exc)
        return self.decide_parsed(envelope, message)

    def decide_parsed(self, envelope: Envelope, message: ParsedMessage) -> Decision:
        """Decide on an already parsed message (``mailguard check`` parses once for both the
        recipients it reports and the decision)."""
        from_addresses = tuple(address.addr for address in message.from_)
        sender = envelope.mail_from or next(iter(from_addresses), "")
        others = _others(envelope, message)
        try:
            context = CheckContext(envelope, message, envelope.rcpt_tos, sender)
            findings = self.policy.check(context)
            return evaluate(
                self.policy,
                findings,
                sender=sender,
                recipients=envelope.rcpt_tos,
                sender_addresses=others,
            )
        except Exception as exc:
            return fail_safe(self.policy, sender, others, exc)


def _others(envelope: Envelope, message: ParsedMessage | None) -> tuple[str, ...]:
    """Every other address that is the sender: From and the authenticated user."""
    found = [address.addr for address in message.from_] if message is not None else []
    if envelope.auth_user and "@" in envelope.auth_user:
        found.append(envelope.auth_user)
    return tuple(found)
