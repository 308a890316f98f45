"""Signed, expiring link tokens: the only thing that lets a stranger's browser act on a message.

A token binds one message id, one address and one role (``approver``, ``sender``, ``admin``)
to an expiry time, signed with HMAC-SHA256 under the relay's secret key. Nothing is stored per
link, so any replica holding the same key can check any link (``keyfile`` explains the key).

The page behind a link also embeds a *form token* derived from the link token and the time the
page was rendered. A decision POST must carry it: that proves the POST came from a page we
served (no cross-site form can forge it without the link), and its age tells us whether the
approver read the page or clicked through in a second (the ``quick`` label of the decisions
metric).

Comparisons are constant-time; every refusal is a specific ``TokenError`` whose message can be
shown to the visitor as it is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, cast

from mailguard.core.clock import Clock, system_clock
from mailguard.core.errors import TokenExpired, TokenForged, TokenWrongMessage, TokenWrongRole

Role = Literal["approver", "sender", "admin"]
ROLES: frozenset[str] = frozenset({"approver", "sender", "admin"})

_LINK_LABEL = b"mailguard.link.v1\x00"
_FORM_LABEL = b"mailguard.form.v1\x00"


@dataclass(frozen=True, slots=True)
class LinkClaims:
    """What a verified token says: who it was issued to, for which message, until when."""

    message_id: str
    address: str
    role: Role
    expires_at: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and verifies link and form tokens under one secret key."""

    def __init__(self, key: bytes, *, ttl_seconds: float, clock: Clock = system_clock) -> None:
        if len(key) < 16:
            raise ValueError("the link signing key must be at least 16 bytes")
        self._key = key
        self._ttl = ttl_seconds
        self._clock = clock

    def _sign(self, label: bytes, data: bytes) -> bytes:
        return hmac.new(self._key, label + data, hashlib.sha256).digest()

    def issue(
        self, message_id: str, address: str, role: Role, *, ttl_seconds: float | None = None
    ) -> str:
        expires = int(self._clock() + (self._ttl if ttl_seconds is None else ttl_seconds))
        body = json.dumps([message_id, address, role, expires], separators=(",", ":"))
        payload = _b64(body.encode("utf-8"))
        return f"{payload}.{_b64(self._sign(_LINK_LABEL, payload.encode('ascii')))}"

    def verify(self, token: str, *, message_id: str, roles: Collection[Role]) -> LinkClaims:
        """The token's claims, or a ``TokenError`` saying exactly why it is refused."""
        claims = self._decode(token)
        if not hmac.compare_digest(claims.message_id, message_id):
            raise TokenWrongMessage()
        if claims.role not in roles:
            raise TokenWrongRole(claims.role)
        if claims.expires_at < self._clock():
            raise TokenExpired()
        return claims

    def _decode(self, token: str) -> LinkClaims:
        payload, dot, signature = token.partition(".")
        if not dot or not payload.isascii() or not signature.isascii():
            raise TokenForged()
        try:
            given = _unb64(signature)
            body = json.loads(_unb64(payload))
        except (binascii.Error, ValueError) as exc:
            raise TokenForged() from exc
        expected = self._sign(_LINK_LABEL, payload.encode("ascii"))
        if not hmac.compare_digest(given, expected):
            raise TokenForged()
        if not (isinstance(body, list) and len(body) == 4 and body[2] in ROLES):
            raise TokenForged()
        message_id, address, role, expires = body
        if not (isinstance(message_id, str) and isinstance(address, str)):
            raise TokenForged()
        if not isinstance(expires, int):
            raise TokenForged()
        return LinkClaims(message_id, address, cast(Role, role), float(expires))

    def form_token(self, link_token: str) -> str:
        """A token for the decision form on the page rendered now for ``link_token``."""
        rendered = str(int(self._clock()))
        mac = self._sign(_FORM_LABEL, f"{link_token}\x00{rendered}".encode())
        return f"{rendered}.{_b64(mac)}"

    def check_form_token(self, link_token: str, form_token: str) -> float:
        """Seconds since the form was rendered; ``TokenForged`` if it was not ours for this link.

        The form expires with its link, so no separate lifetime applies here.
        """
        rendered, dot, signature = form_token.partition(".")
        if not dot or not rendered.isdigit() or not signature.isascii():
            raise TokenForged()
        try:
            given = _unb64(signature)
        except (binascii.Error, ValueError) as exc:
            raise TokenForged() from exc
        expected = self._sign(_FORM_LABEL, f"{link_token}\x00{rendered}".encode())
        if not hmac.compare_digest(given, expected):
            raise TokenForged()
        return max(0.0, self._clock() - int(rendered))
