"""Which transport a configuration asks for."""

from __future__ import annotations

from mailguard.adapters.upstream.maildir import MaildirTransport
from mailguard.adapters.upstream.smtp import SmtpTransport
from mailguard.core.config import Config
from mailguard.workflow.ports.transport import Transport


def open_transport(config: Config) -> Transport:
    """``upstream.kind``: ``maildir`` (the default, ``upstream.maildir``) or ``smtp``."""
    if config.upstream.kind == "smtp":
        return SmtpTransport(config.upstream, local_hostname=config.smtp.hostname)
    return MaildirTransport(config.upstream.maildir)
