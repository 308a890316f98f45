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

from mailguard.core.config import NotifyConfig
from mailguard.core.errors import (
    DecisionRefused,
    TokenError,
    TokenExpired,
    TokenForged,
    TokenWrongMessage,
    UnknownMessage,
)
from mailguard.inspection.message.parse import parse_message
from mailguard.workflow.approval.decisions import Actor
from mailguard.workflow.approval.summary import HeldSummary, summarize
from mailguard.workflow.approval.tokens import LinkClaims, Role
from mailguard.workflow.approval.workflow import Workflow
from mailguard.workflow.notify.i18n import CATALOGS, Language, Translator, negotiate
from mailguard.workflow.notify.render import environment
from mailguard.workflow.ports.store import StoredMessage

WORKFLOW = web.AppKey("mailguard.workflow.approval.workflow", Workflow)

_ENV = environment("adapters/web/templates", "workflow/notify/templates")
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


def bind(app: web.Application, workflow: Workflow) -> None:
    """Serve ``workflow`` from this application (once, whichever page module comes first)."""
    if WORKFLOW not in app:
        app[WORKFLOW] = workflow


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


def refusal_page(language: Language, refused: DecisionRefused) -> web.Response:
    if isinstance(refused, UnknownMessage):
        return error_page(language, 404, "error.not_found")
    return error_page(language, 403, "page.refused", refused.reason)


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


@dataclass(frozen=True, slots=True)
class Posted:
    """A decision form that came from a page we rendered for a valid link."""

    visit: Visit
    action: str
    comment: str
    seconds_on_page: float
    actor: Actor
    """The link's holder, with the client address and user agent for the audit trail."""


async def posted_form(
    request: web.Request, roles: Collection[Role], actions: Collection[str]
) -> Posted | web.Response:
    """Check a POST's link, form token and action; the posted form, or the error page."""
    form = await request.post()
    visit = await open_link(request, str(form.get("t", "")), roles)
    if isinstance(visit, web.Response):
        return visit
    try:
        seconds = visit.workflow.signer.check_form_token(visit.token, str(form.get("form", "")))
    except TokenError:
        return error_page(visit.language, 400, "page.form_expired")
    action = str(form.get("action", ""))
    if action not in actions:
        return error_page(visit.language, 400, "page.bad_action")
    client = (request.remote or "", request.headers.get("User-Agent", "")[:300])
    actor = Actor(visit.claims.role, visit.claims.address, *client)
    return Posted(visit, action, str(form.get("comment", "")), seconds, actor)
