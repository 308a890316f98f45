"""aiosmtpd's ``SMTP`` protocol with the parts mailguard needs done differently.

* DATA is read in 64 KiB chunks (``smtp.data``) instead of line by line.
* AUTH PLAIN/LOGIN check the users file in a thread (scrypt must not block the loop) and are
  refused before TLS, except on an implicit-TLS listener or, when configured, from loopback.
* The number of concurrent sessions is bounded (421 beyond it), and sessions end politely
  when the relay shuts down.
* A command or DATA chunk that does not arrive in time gets a 421 before the connection is
  closed.

Everything else (command parsing, STARTTLS, EHLO) is aiosmtpd's. The overrides below follow
aiosmtpd 1.4's internal method names; ``pyproject.toml`` pins ``aiosmtpd>=1.4.6``.
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
import inspect
import ipaddress
import re
import ssl
from base64 import b64decode
from dataclasses import dataclass, field
from typing import Any, ClassVar

import aiosmtpd.smtp
from aiosmtpd.smtp import MISSING, SMTP, AuthResult

from mailguard.adapters.smtp.data import DataIncomplete, DataTooLarge, read_data
from mailguard.adapters.smtp.users import Users
from mailguard.workflow import metrics, replies


class _AuthMembers:
    """Stands in for the ``inspect`` module inside aiosmtpd.smtp (which uses nothing else of it
    but ``signature``).

    ``SMTP.__init__`` finds AUTH mechanisms with ``inspect.getmembers`` on the protocol and the
    handler for every new connection: about 200 µs, a sixth of the relay's CPU per message when
    every message comes on its own connection. The ``auth_*`` names of a class do not change,
    so they are looked up once per class; the result is the same list of (name, bound method).
    """

    signature = staticmethod(inspect.signature)
    _names: ClassVar[dict[type, tuple[str, ...]]] = {}

    @classmethod
    def getmembers(cls, obj: object) -> list[tuple[str, Any]]:
        names = cls._names.get(type(obj))
        if names is None:
            names = cls._names[type(obj)] = tuple(n for n in dir(obj) if n.startswith("auth_"))
        return [(name, getattr(obj, name)) for name in names]


aiosmtpd.smtp.inspect = _AuthMembers  # type: ignore[assignment,attr-defined]


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_PATH = re.compile(rf"<({_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>(.*)")
"""``<local@domain>`` with a dot-atom local part and a plain domain: almost every address."""


@dataclass
class Sessions:
    """The open sessions of all listeners: the concurrency bound and the shutdown switch."""

    limit: int
    open: set[RelaySMTP] = field(default_factory=set)
    stopping: bool = False
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def enter(self, session: RelaySMTP) -> bool:
        if self.stopping or len(self.open) >= self.limit:
            return False
        self.open.add(session)
        self._idle.clear()
        return True

    def leave(self, session: RelaySMTP) -> None:
        self.open.discard(session)
        if not self.open:
            self._idle.set()

    async def drain(self, grace: float) -> None:
        """Stop taking sessions, close idle ones, give busy ones ``grace`` seconds to finish."""
        self.stopping = True
        for session in list(self.open):
            if not session.in_transaction:
                session.close(replies.SHUTTING_DOWN)
        if self.open:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(grace):
                    await self._idle.wait()
        for session in list(self.open):
            session.close(replies.SHUTTING_DOWN)


@dataclass(frozen=True)
class ProtocolSettings:
    hostname: str
    max_message_size: int
    command_timeout: float
    data_timeout: float
    tls_context: ssl.SSLContext | None
    users: Users | None
    allow_auth_without_tls_on_loopback: bool


class RelaySMTP(SMTP):
    def __init__(self, handler: Any, settings: ProtocolSettings, sessions: Sessions) -> None:
        super().__init__(
            handler,
            data_size_limit=settings.max_message_size,
            enable_SMTPUTF8=True,
            decode_data=False,  # keeps 8BITMIME advertised and the bytes as sent
            hostname=settings.hostname,
            tls_context=settings.tls_context,
            timeout=settings.command_timeout,
            auth_require_tls=True,
            loop=asyncio.get_running_loop(),
        )
        self._settings = settings
        self._sessions = sessions
        self._in_data = False

    @property
    def in_transaction(self) -> bool:
        return self._in_data or bool(self.envelope is not None and self.envelope.mail_from)

    def close(self, reply: str) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._writer.write(reply.encode("ascii") + b"\r\n")
            self.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        first = self._original_transport is None and self.transport is None
        super().connection_made(transport)
        if first and self._auth_allowed_in_clear(transport):
            self._auth_require_tls = False

    def _auth_allowed_in_clear(self, transport: asyncio.BaseTransport) -> bool:
        if transport.get_extra_info("sslcontext") is not None:
            return True  # an implicit-TLS listener: encrypted from the first byte
        if not self._settings.allow_auth_without_tls_on_loopback:
            return False
        peer = transport.get_extra_info("peername")
        return bool(peer) and ipaddress.ip_address(peer[0]).is_loopback

    async def _handle_client(self) -> None:
        if not self._sessions.enter(self):
            metrics.smtp_rejections.labels("busy").inc()
            self.close(replies.TOO_MANY_SESSIONS)
            return
        metrics.smtp_sessions.inc()
        try:
            await super()._handle_client()
        finally:
            self._sessions.leave(self)

    def _timeout_cb(self) -> None:
        metrics.smtp_rejections.labels("timeout").inc()
        self.close(replies.TIMEOUT)

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd runs every MAIL/RCPT path through the email package's RFC 5322 parser,
        about 80 µs each. A plain ``<local@domain>`` has one reading: take it directly, and
        leave everything else (quoted local parts, UTF-8, source routes) to that parser."""
        plain = _PLAIN_PATH.fullmatch(arg.strip())
        if plain is None:
            return super()._getaddr(arg)
        return plain.group(1), plain.group(2).lstrip()

    async def smtp_DATA(self, arg: str | None) -> None:
        if await self.check_helo_needed():
            return
        if self.envelope is None or self.transport is None:
            return  # the connection is already gone
        if not self.envelope.rcpt_tos:
            await self.push(replies.MISSING_RECIPIENTS)
            return
        if arg:
            await self.push(replies.DATA_SYNTAX)
            return
        await self.push(replies.DATA_START)
        self._in_data = True
        try:
            raw = await read_data(
                self._reader,
                self.data_size_limit,
                lambda: self._reset_timeout(self._settings.data_timeout),
            )
        except DataTooLarge:
            metrics.smtp_rejections.labels("size").inc()
            status = replies.TOO_BIG
        except DataIncomplete:
            self.transport.close()
            return
        else:
            self.envelope.content = self.envelope.original_content = raw
            status = await self._call_handler_hook("DATA")
        finally:
            self._in_data = False
        self.envelope = self._create_envelope()
        self._reset_timeout()
        await self.push(status)
        if self._sessions.stopping:
            self.close(replies.SHUTTING_DOWN)

    async def auth_PLAIN(self, _: Any, args: list[str]) -> AuthResult:
        blob = await self._auth_arg(args, "")
        if blob is None:
            return AuthResult(success=False)
        parts = blob.split(b"\x00")
        if len(parts) != 3:
            await self.push("501 5.5.2 Can't split auth value")
            return AuthResult(success=False)
        return await self._check(parts[1], parts[2])

    async def auth_LOGIN(self, _: Any, args: list[str]) -> AuthResult:
        login = await self._auth_arg(args, self.AuthLoginUsernameChallenge)
        if login is None:
            return AuthResult(success=False)
        password = await self._auth_arg(args[:1], self.AuthLoginPasswordChallenge)
        if password is None:
            return AuthResult(success=False)
        return await self._check(login, password)

    async def _auth_arg(self, args: list[str], challenge: str) -> bytes | None:
        """The client's base64 value: given on the AUTH line, or asked for with ``challenge``.

        None when the client aborted or sent bad base64 (the reply is already sent)."""
        if len(args) == 1:
            answer = await self.challenge_auth(challenge)
            return None if answer is MISSING else answer
        try:
            return b64decode(args[1].encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            await self.push("501 5.5.2 Can't decode base64")
            return None

    async def _check(self, login: bytes, password: bytes) -> AuthResult:
        users = self._settings.users
        if users is None:
            return AuthResult(success=False, handled=False, message=replies.AUTH_NO_USERS)
        name = login.decode("utf-8", errors="replace")
        if await asyncio.to_thread(users.verify, name, password):
            return AuthResult(success=True, auth_data=name, message=replies.AUTH_OK)
        metrics.smtp_rejections.labels("auth").inc()
        return AuthResult(success=False, handled=False, message=replies.AUTH_FAILED)
