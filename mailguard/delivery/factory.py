"""Which transport a configuration asks for."""

from __future__ import annotations

from mailguard.config import Config
from mailguard.delivery.maildir import MaildirTransport
from mailguard.delivery.smtp import SmtpTransport
from mailguard.delivery.transport import Transport


def open_transport(config: Config) -> Transport:
    """``upstream.kind``: ``maildir`` (the default, ``upstream.maildir``) or ``smtp``."""
    if config.upstream.kind == "smtp":
        return SmtpTransport(config.upstream, local_hostname=config.smtp.hostname)
    return MaildirTransport(config.upstream.maildir)
