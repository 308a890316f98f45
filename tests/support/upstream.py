"""An in-test upstream MTA: a real aiosmtpd server on 127.0.0.1 with scripted replies.

It runs in its own thread (aiosmtpd's ``Controller``), so sync tests, async tests and
subprocesses can all deliver to it. Listens on an ephemeral port (bind to 0).

Scripting: ``refuse(rcpt, "451 4.3.0 busy", times=2)`` answers that RCPT with the reply the next
two times it is given, then accepts; ``times=None`` refuses forever. ``refuse_data(reply,
times)`` does the same at the end of DATA for the whole message. Accepted messages are in
``messages`` (envelope sender, accepted recipients, the bytes as received).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    """``""`` for the null sender (bounces)."""
    rcpts: tuple[str, ...]
    data: bytes


@dataclass
class _Script:
    reply: str
    times: int | None


@dataclass
class _Handler:
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[ReceivedMail] = field(default_factory=list)
    rcpt_script: dict[str, list[_Script]] = field(default_factory=dict)
    data_script: list[_Script] = field(default_factory=list)
    rcpt_attempts: dict[str, int] = field(default_factory=dict)
    data_delay: float = 0.0

    @staticmethod
    def _next(scripts: list[_Script]) -> str | None:
        while scripts:
            head = scripts[0]
            if head.times is None:
                return head.reply
            if head.times > 0:
                head.times -= 1
                return head.reply
            scripts.pop(0)
        return None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        with self.lock:
            key = address.lower()
            self.rcpt_attempts[key] = self.rcpt_attempts.get(key, 0) + 1
            reply = self._next(self.rcpt_script.get(key, []))
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self.lock:
            reply = self._next(self.data_script)
            if reply is not None:
                return reply
            content = envelope.original_content or envelope.content
            data = content if isinstance(content, bytes) else str(content).encode()
            # aiosmtpd reports the null sender as "<>"; ours is "" everywhere.
            mail_from = "" if envelope.mail_from in ("<>", None) else str(envelope.mail_from)
            self.messages.append(ReceivedMail(mail_from, tuple(envelope.rcpt_tos), data))
        return "250 2.0.0 Message accepted"


class _EphemeralController(Controller):
    """aiosmtpd's Controller, bound to port 0: learn the real port before its self-check."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class Upstream:
    """A started upstream server; ``stop()``/``start()`` take it down and up on one port.
    ``data_delay``: seconds it thinks before answering DATA (a slow MTA, so that a killed relay
    has deliveries in flight)."""

    def __init__(
        self,
        tls_context: ssl.SSLContext | None = None,
        *,
        data_delay: float = 0.0,
        **smtp_kwargs: Any,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self._handler = _Handler(data_delay=data_delay)
        self._tls_context = tls_context
        self._smtp_kwargs = smtp_kwargs
        self._controller: _EphemeralController | None = None

    def start(self) -> None:
        controller = _EphemeralController(
            self._handler,
            hostname=self.host,
            port=self.port,
            tls_context=self._tls_context,
            **self._smtp_kwargs,
        )
        controller.start()
        self.port = controller.port
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._handler.lock:
            return list(self._handler.messages)

    def rcpt_attempts(self, rcpt: str) -> int:
        """How many times ``rcpt`` was offered in RCPT TO, accepted or not."""
        with self._handler.lock:
            return self._handler.rcpt_attempts.get(rcpt.lower(), 0)

    def refuse(self, rcpt: str, reply: str, times: int | None = 1) -> None:
        with self._handler.lock:
            self._handler.rcpt_script.setdefault(rcpt.lower(), []).append(_Script(reply, times))

    def refuse_data(self, reply: str, times: int | None = 1) -> None:
        with self._handler.lock:
            self._handler.data_script.append(_Script(reply, times))

    def received_by(self, rcpt: str) -> list[ReceivedMail]:
        return [m for m in self.messages if rcpt.lower() in (r.lower() for r in m.rcpts)]

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Wait until at least ``count`` messages arrived; fail the test after ``timeout``."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"upstream got {len(self.messages)} of {count} messages")
            await asyncio.sleep(0.01)
        return self.messages

    def wait_for_sync(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"upstream got {len(self.messages)} of {count} messages")
            time.sleep(0.01)
        return self.messages
