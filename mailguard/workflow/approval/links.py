"""The URLs in notification mails, and the routes the web pages serve them on.

The token rides in the query string; pages send ``Referrer-Policy: no-referrer`` so it never
leaks to another site. Base URL: ``web.public_base_url`` (what approvers' browsers reach).
"""

from __future__ import annotations

from urllib.parse import quote

APPROVE_PATH = "/approve/{message_id}"
STATUS_PATH = "/status/{message_id}"
ADMIN_PATH = "/admin/queue"


def approve_url(base: str, message_id: str, token: str) -> str:
    return _url(base, APPROVE_PATH, message_id, token)


def status_url(base: str, message_id: str, token: str) -> str:
    return _url(base, STATUS_PATH, message_id, token)


def _url(base: str, path: str, message_id: str, token: str) -> str:
    route = path.format(message_id=quote(message_id, safe=""))
    return f"{base.rstrip('/')}{route}?t={quote(token, safe='')}"
