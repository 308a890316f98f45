"""What every approval, status and admin page shares: templates, language, headers, errors.

Pages hold personal data and a secret link, so every response here is: not cacheable, not
frameable, never sends a Referer (the token is in the URL), and runs no script at all (CSP
``default-src 'none'``; inline style only, which is what keeps the pages single-file).
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from mailguard.approval.summary import HeldSummary, summarize
from mailguard.approval.tokens import LinkClaims, Role
from mailguard.approval.workflow import Workflow
from mailguard.config import NotifyConfig
from mailguard.errors import TokenError, TokenExpired, TokenForged, TokenWrongMessage
from mailguard.message.parse import parse_message
from mailguard.notify.i18n import CATALOGS, Language, Translator, negotiate
from mailguard.notify.render import environment
from mailguard.store.base import StoredMessage

WORKFLOW = web.AppKey("mailguard.approval.workflow", Workflow)

_ENV = environment("web/templates", "notify/templates")
INLINE_PARSE_MAX = 256 * 1024
"""Bigger messages are parsed in a thread, so one large attachment does not stall the loop."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def page_language(request: web.Request, notify: NotifyConfig, address: str = "") -> Language:
    """``?lang=``, else the address's configured language, else the browser's, else default."""
    asked = request.query.get("lang", "")
    if asked in CATALOGS:
        return "ja" if asked == "ja" else "en"
    wanted = address.casefold()
    for known, language in notify.languages.items():
        if wanted and known.casefold() == wanted:
            return language
    return negotiate(request.headers.get("Accept-Language", ""), notify.language)


def render(template: str, language: Language, *, status: int = 200, **context: Any) -> web.Response:
    html = _ENV.get_template(template).render(t=Translator(language), **context)
    return web.Response(
        text=html,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


def error_page(language: Language, status: int, key: str, detail: str = "") -> web.Response:
    return render("error.html", language, status=status, key=key, detail=detail)


def token_error_page(language: Language, error: TokenError) -> web.Response:
    """A link we will not honour: say which way it is wrong, with a fitting status."""
    if isinstance(error, TokenExpired):
        return error_page(language, 410, "error.expired")
    if isinstance(error, TokenForged):
        return error_page(language, 403, "error.forged")
    if isinstance(error, TokenWrongMessage):
        return error_page(language, 403, "error.wrong_message")
    return error_page(language, 403, "error.wrong_role")


def client_of(request: web.Request) -> tuple[str, str]:
    """The client address and user agent, for the audit trail."""
    return request.remote or "", request.headers.get("User-Agent", "")[:300]


@dataclass(frozen=True, slots=True)
class Visit:
    """A link that checked out: whose it is, and the message it opens."""

    workflow: Workflow
    token: str
    claims: LinkClaims
    language: Language
    message: StoredMessage
    summary: HeldSummary


async def open_link(
    request: web.Request, token: str, roles: Collection[Role]
) -> Visit | web.Response:
    """Verify ``token`` for the message in the path; the visit, or the error page to answer."""
    workflow = request.app[WORKFLOW]
    notify = workflow.config.notify
    message_id = request.match_info["message_id"]
    try:
        claims = workflow.signer.verify(token, message_id=message_id, roles=roles)
    except TokenError as exc:
        return token_error_page(page_language(request, notify), exc)
    language = page_language(request, notify, claims.address)
    message = await workflow.store.get(message_id, with_raw=True)
    if message is None or message.raw is None:
        return error_page(language, 404, "error.not_found")
    if len(message.raw) <= INLINE_PARSE_MAX:
        summary = _summary(message, message.raw)
    else:
        summary = await asyncio.to_thread(_summary, message, message.raw)
    return Visit(workflow, token, claims, language, message, summary)


def _summary(message: StoredMessage, raw: bytes) -> HeldSummary:
    return summarize(message, parse_message(raw))


async def reload(visit: Visit) -> Visit:
    """The same visit after a decision: the message as it is now."""
    fresh = await visit.workflow.store.get(visit.message.id)
    return (
        visit
        if fresh is None
        else Visit(visit.workflow, visit.token, visit.claims, visit.language, fresh, visit.summary)
    )
