"""Delivery into a local Maildir (``var/outbox``): the whole flow on a fresh machine, no MTA.

One file per message, whatever the number of recipients, written the Maildir way: into
``tmp/``, fsync'd, renamed into ``new/``, and ``new/`` fsync'd, so a file in ``new/`` is always
complete and survives a crash. The envelope is recorded in prepended headers, as a local
delivery agent would: ``Return-Path: <sender>`` and one ``X-Mailguard-Rcpt: <address>`` per
envelope recipient (Bcc recipients included: the envelope is the truth, not To/Cc). Line
ends are converted to LF, the Maildir convention, so any mail reader opens the files.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import time
from collections.abc import Sequence
from pathlib import Path

from mailguard.core.errors import DeliveryError
from mailguard.workflow.ports.transport import RecipientResult, Transport

_counter = itertools.count()


def _header_safe(address: str) -> str:
    """Envelope addresses were checked by the SMTP layer; this is the belt to those braces."""
    return "".join(ch for ch in address if ch not in "\r\n<>")


def envelope_headers(mail_from: str, rcpts: Sequence[str]) -> bytes:
    lines = [f"Return-Path: <{_header_safe(mail_from)}>"]
    lines += [f"X-Mailguard-Rcpt: <{_header_safe(rcpt)}>" for rcpt in rcpts]
    return ("\n".join(lines) + "\n").encode("utf-8")


class MaildirTransport(Transport):
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _unique_name(self) -> str:
        # The classic Maildir recipe: time, a per-process unique part, the host.
        host = socket.gethostname().replace("/", "\\057").replace(":", "\\072")
        return f"{time.time_ns()}.P{os.getpid()}Q{next(_counter)}.{host}"

    def _write(self, content: bytes) -> None:
        for sub in ("tmp", "new", "cur"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        name = self._unique_name()
        tmp = self.directory / "tmp" / name
        with open(tmp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(tmp, self.directory / "new" / name)
        directory = os.open(self.directory / "new", os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    async def send(
        self, mail_from: str, rcpts: Sequence[str], raw: bytes
    ) -> dict[str, RecipientResult]:
        content = envelope_headers(mail_from, rcpts) + raw.replace(b"\r\n", b"\n")
        try:
            await asyncio.to_thread(self._write, content)
        except OSError as exc:
            raise DeliveryError(451, f"4.3.0 cannot write to {self.directory}: {exc}") from exc
        return dict.fromkeys(rcpts, RecipientResult(250, f"2.0.0 written to {self.directory}"))
