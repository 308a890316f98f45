"""The aiosmtpd handler: relay control at MAIL, RCPT and DATA, then hand over to the intake.

Each hook returns a reply from ``smtp.replies``. The rules, in the order a client meets them:

* a client is allowed to relay if it authenticated or connects from a trusted network;
  anyone else is refused at MAIL (530) and RCPT (554): never an open relay;
* an authenticated user sends only as their own address (the user name) or a configured
  alias, in the envelope sender (553 at MAIL) and in the header From (550 at end of DATA);
* at most ``max_recipients`` recipients (452 beyond, so the client sends the rest later);
* a non-ASCII address only in a transaction whose MAIL carried SMTPUTF8 (RFC 6531 section
  3.4: 553 5.6.7 otherwise), so the relay never accepts mail it could only pass on mangled.
"""

from __future__ import annotations

import ipaddress
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from typing import Any

from mailguard.core.config import SmtpConfig
from mailguard.core.model import Envelope
from mailguard.workflow import metrics, replies
from mailguard.workflow.intake import Intake

_HEADERS = BytesHeaderParser()


class RelayHandler:
    def __init__(self, config: SmtpConfig, intake: Intake, *, auth_offered: bool) -> None:
        self._intake = intake
        self._auth_offered = auth_offered
        self.reconfigure(config)

    def reconfigure(self, config: SmtpConfig) -> None:
        """Take new relay rules (trusted networks, aliases, recipient limit) on a reload."""
        self._config = config
        self._trusted = tuple(
            ipaddress.ip_network(n, strict=False) for n in config.trusted_networks
        )
        self._aliases = {
            user.lower(): frozenset(a.lower() for a in addrs)
            for user, addrs in config.aliases.items()
        }

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if not self._auth_offered:
            responses = [r for r in responses if not r.startswith("250-AUTH")]
        # One write instead of one per line: on loopback each send costs tens of microseconds,
        # and a client that connects per message pays the EHLO every time.
        return ["\r\n".join(responses)]

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not self._may_relay(session):
            metrics.smtp_rejections.labels("relay").inc()
            return replies.AUTH_REQUIRED
        if session.authenticated and not self._owns(session.auth_data, address):
            metrics.smtp_rejections.labels("sender").inc()
            return replies.SENDER_NOT_OWNED
        if not address.isascii() and not envelope.smtp_utf8:
            metrics.smtp_rejections.labels("smtputf8").inc()
            return replies.NON_ASCII_SENDER
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return replies.OK_SENDER

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not self._may_relay(session):
            metrics.smtp_rejections.labels("relay").inc()
            return replies.RELAY_DENIED
        if len(envelope.rcpt_tos) >= self._config.max_recipients:
            metrics.smtp_rejections.labels("recipients").inc()
            return replies.TOO_MANY_RECIPIENTS
        if not address.isascii() and not envelope.smtp_utf8:
            metrics.smtp_rejections.labels("smtputf8").inc()
            return replies.NON_ASCII_RECIPIENT
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return replies.OK_RECIPIENT

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw: bytes = envelope.original_content
        user: str | None = session.auth_data if session.authenticated else None
        if user is not None and not self._header_from_owned(user, raw):
            metrics.smtp_rejections.labels("sender").inc()
            return replies.FROM_NOT_OWNED
        peer = session.peer
        return await self._intake.accept(
            Envelope(
                mail_from="" if envelope.mail_from == "<>" else envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                client_addr=peer[0] if isinstance(peer, tuple) else str(peer or ""),
                auth_user=user,
                helo=session.host_name or "",
            ),
            raw,
        )

    def _may_relay(self, session: Any) -> bool:
        if session.authenticated:
            return True
        peer = session.peer
        if not isinstance(peer, tuple):
            return False
        address = ipaddress.ip_address(peer[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # a dual-stack listener sees IPv4 clients this way
        return any(address in network for network in self._trusted)

    def _owns(self, user: str, address: str) -> bool:
        address = address.lower()
        return address == user.lower() or address in self._aliases.get(user.lower(), ())

    def _header_from_owned(self, user: str, raw: bytes) -> bool:
        head = raw.split(b"\r\n\r\n", 1)[0]  # the body may be megabytes: parse only the head
        headers = _HEADERS.parsebytes(head, headersonly=True)
        values = [str(v) for v in headers.get_all("From", [])]
        addresses = [addr for _, addr in getaddresses(values)]
        return bool(addresses) and all(self._owns(user, a) for a in addresses)
