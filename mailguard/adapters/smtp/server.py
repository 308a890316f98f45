"""The SMTP listeners: one asyncio server per configured listener, sharing one session bound.

Port 0 binds an ephemeral port (tests); ``addresses`` tells where each listener ended up.
``reuse_port`` lets several relay processes share one port (SO_REUSEPORT) for throughput.
"""

from __future__ import annotations

import asyncio
import ssl

from mailguard.adapters.smtp.handler import RelayHandler
from mailguard.adapters.smtp.protocol import ProtocolSettings, RelaySMTP, Sessions
from mailguard.adapters.smtp.users import Users
from mailguard.core.config import SmtpConfig


def tls_context(config: SmtpConfig) -> ssl.SSLContext | None:
    if config.tls.cert_file is None or config.tls.key_file is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config.tls.cert_file, config.tls.key_file)
    return context


class SmtpServer:
    def __init__(
        self,
        config: SmtpConfig,
        handler: RelayHandler,
        users: Users | None,
        *,
        reuse_port: bool = False,
    ) -> None:
        self._config = config
        self._handler = handler
        self._reuse_port = reuse_port
        self._tls = tls_context(config)
        self._settings = ProtocolSettings(
            hostname=config.hostname,
            max_message_size=config.max_message_size,
            command_timeout=config.command_timeout,
            data_timeout=config.data_timeout,
            tls_context=self._tls,
            users=users,
            allow_auth_without_tls_on_loopback=config.allow_auth_without_tls_on_loopback,
        )
        self.sessions = Sessions(limit=config.max_sessions)
        self._servers: list[asyncio.Server] = []

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """(host, port) of every listening socket, in listener order."""
        return [s.getsockname()[:2] for srv in self._servers for s in srv.sockets]

    @property
    def listening(self) -> bool:
        return bool(self._servers) and all(s.is_serving() for s in self._servers)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for listener in self._config.listeners:
            server = await loop.create_server(
                lambda: RelaySMTP(self._handler, self._settings, self.sessions),
                host=listener.host,
                port=listener.port,
                ssl=self._tls if listener.implicit_tls else None,
                reuse_port=self._reuse_port or None,
            )
            self._servers.append(server)

    async def stop(self, grace: float) -> None:
        """Stop accepting, let sessions finish within ``grace`` seconds, then cut the rest."""
        for server in self._servers:
            server.close()
        await self.sessions.drain(grace)
        for server in self._servers:
            await server.wait_closed()
        self._servers.clear()
