"""Delivery to the upstream MTA over SMTP (aiosmtplib), with an explicit TLS policy.

TLS policies (``upstream.tls``), named after Postfix's levels:

* ``none``: plain text, STARTTLS never attempted.
* ``opportunistic``: STARTTLS when the upstream offers it, certificate not verified (Postfix
  ``may``: protects against passive listening only; an upstream without TLS still gets mail).
* ``required``: STARTTLS must succeed and the certificate must verify against the system
  CAs or ``upstream.ca_file``, for the configured host name (Postfix ``secure``). Anything
  less is a temporary failure, so mail waits instead of leaking.

Connections are reused between messages (one per concurrently sending worker at most):
a new TCP+TLS handshake per message would cost more than the message itself. A reused
connection that the upstream closed while idle is retried once on a fresh one.

MAIL and RCPT go through aiosmtplib; DATA is sent here (``_data``) with the payload from
``wire``, because aiosmtplib's ``sendmail`` re-scans the whole message with regular expressions
three times. A message some recipients refused still goes to the others: each recipient gets
its own result, never an exception; when all refuse, the message is not sent at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiosmtplib

from mailguard.adapters.upstream.wire import crlf_lines, data_payload
from mailguard.core.config import UpstreamConfig
from mailguard.core.errors import DeliveryError
from mailguard.workflow.ports.transport import RecipientResult, Transport

NO_SMTPUTF8 = RecipientResult(553, "5.6.7 the upstream does not support SMTPUTF8 addresses")


def _needs_smtputf8(mail_from: str, rcpts: Sequence[str]) -> bool:
    return not all(address.isascii() for address in (mail_from, *rcpts))


def _temporary(what: str, exc: BaseException) -> DeliveryError:
    return DeliveryError(451, f"4.4.1 {what}: {exc or type(exc).__name__}")


async def _data(client: aiosmtplib.SMTP, payload: bytes) -> RecipientResult:
    """DATA with a payload that is already dot-stuffed and terminated (``wire.data_payload``),
    the reply read through aiosmtplib's protocol as its own ``data`` does."""
    start = await client.execute_command(b"DATA")
    if start.code != 354:
        raise aiosmtplib.SMTPDataError(start.code, start.message)
    if client.protocol is None:
        raise aiosmtplib.SMTPServerDisconnected("the upstream closed the connection")
    client.protocol.write(payload)
    reply = await client.protocol.read_response(timeout=client.timeout)
    if reply.code != 250:
        raise aiosmtplib.SMTPDataError(reply.code, reply.message)
    return RecipientResult(reply.code, reply.message)


class SmtpTransport(Transport):
    def __init__(self, config: UpstreamConfig, *, local_hostname: str | None = None) -> None:
        self.config = config
        self.local_hostname = local_hostname
        self._idle: list[aiosmtplib.SMTP] = []

    def _client(self) -> aiosmtplib.SMTP:
        cfg = self.config
        return aiosmtplib.SMTP(
            hostname=cfg.host,
            port=cfg.port,
            local_hostname=self.local_hostname,
            timeout=cfg.timeout,
            start_tls={"none": False, "opportunistic": None, "required": True}[cfg.tls],
            validate_certs=cfg.tls == "required",
            cert_bundle=cfg.ca_file if cfg.tls == "required" else None,
            username=cfg.username,
            password=cfg.password,
        )

    async def _connect(self) -> aiosmtplib.SMTP:
        client = self._client()
        try:
            await client.connect()
            if client.is_ehlo_or_helo_needed:
                # Extensions (SMTPUTF8, 8BITMIME) must be known before MAIL FROM.
                await client.ehlo()
        except aiosmtplib.SMTPAuthenticationError as exc:
            # Our credentials are wrong: every message would fail alike, so retry, don't bounce.
            raise DeliveryError(451, f"4.7.0 upstream refused our login: {exc.message}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise _temporary(f"cannot reach {self.config.host}:{self.config.port}", exc) from exc
        return client

    async def send(
        self, mail_from: str, rcpts: Sequence[str], raw: bytes
    ) -> dict[str, RecipientResult]:
        reused = self._idle.pop() if self._idle else None
        if reused is not None:
            try:
                return await self._send_on(reused, mail_from, rcpts, raw)
            except DeliveryError as exc:
                if not isinstance(exc.__cause__, ConnectionError):
                    raise
                # The upstream dropped the idle connection: try once on a fresh one.
        return await self._send_on(await self._connect(), mail_from, rcpts, raw)

    async def _send_on(
        self, client: aiosmtplib.SMTP, mail_from: str, rcpts: Sequence[str], raw: bytes
    ) -> dict[str, RecipientResult]:
        options: list[str] = []
        try:
            if _needs_smtputf8(mail_from, rcpts):
                if not client.supports_extension("smtputf8"):
                    self._idle.append(client)
                    return dict.fromkeys(rcpts, NO_SMTPUTF8)
                options.append("SMTPUTF8")
            if not raw.isascii() and client.supports_extension("8bitmime"):
                options.append("BODY=8BITMIME")
            results = await self._transaction(client, mail_from, rcpts, raw, options)
        except aiosmtplib.SMTPResponseException as exc:
            client.close()
            raise DeliveryError(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            client.close()
            raise _temporary("the upstream connection failed", exc) from exc
        except BaseException:
            client.close()  # cancelled mid-transaction: the connection is in an unknown state
            raise
        if any(result.delivered for result in results.values()):
            self._idle.append(client)
        else:
            client.close()  # every recipient refused: the transaction is left open
        return results

    @staticmethod
    async def _transaction(
        client: aiosmtplib.SMTP,
        mail_from: str,
        rcpts: Sequence[str],
        raw: bytes,
        options: list[str],
    ) -> dict[str, RecipientResult]:
        message = crlf_lines(raw)
        if client.supports_extension("size"):
            options = [f"SIZE={len(message)}", *options]
        encoding = "utf-8" if "SMTPUTF8" in options else "ascii"
        await client.mail(mail_from, options=options, encoding=encoding)
        refused: dict[str, RecipientResult] = {}
        for rcpt in rcpts:
            try:
                await client.rcpt(rcpt, encoding=encoding)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused[rcpt] = RecipientResult(exc.code, exc.message)
        if len(refused) == len(rcpts):
            return refused
        accepted = await _data(client, data_payload(message))
        return {**dict.fromkeys(rcpts, accepted), **refused}

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()
