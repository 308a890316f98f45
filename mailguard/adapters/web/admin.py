"""The admin queue page: ``GET /admin/queue`` lists messages, filtered by state and sender.

Behind admin authentication: HTTP Basic with ``web.admin_password`` (any user name; it is
recorded as the admin's name), or, when ``web.trusted_proxy_header`` is set, the user name an
authenticating reverse proxy put in that header. The proxy must strip that header from client
requests: the relay trusts it as it comes. With neither configured the page does not exist.
The page only reads; operators decide with ``mailguard queue`` or from an admin alert's link.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from aiohttp import web

from mailguard.adapters.web.pages import (
    SECURITY_HEADERS,
    WORKFLOW,
    bind,
    error_page,
    page_language,
    render,
)
from mailguard.core.config import WebConfig
from mailguard.core.lifecycle import State
from mailguard.workflow.approval.links import ADMIN_PATH
from mailguard.workflow.approval.workflow import Workflow

PAGE_SIZE = 25
MAX_PAGE = 10_000


def add_routes(app: web.Application, workflow: Workflow) -> None:
    bind(app, workflow)
    app.router.add_get(ADMIN_PATH, queue)


def admin_user(request: web.Request, config: WebConfig) -> str | None:
    """The authenticated admin's name, or None."""
    if config.trusted_proxy_header:
        user = request.headers.get(config.trusted_proxy_header, "").strip()
        if user:
            return user
    if not config.admin_password:
        return None
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if hmac.compare_digest(password.encode(), config.admin_password.encode()):
        return user or "admin"
    return None


async def queue(request: web.Request) -> web.Response:
    workflow = request.app[WORKFLOW]
    web_config = workflow.config.web
    language = page_language(request, workflow.config.notify)
    if not (web_config.admin_password or web_config.trusted_proxy_header):
        return error_page(language, 404, "page.admin_disabled")
    user = admin_user(request, web_config)
    if user is None:
        response = error_page(language, 401, "page.admin_auth")
        response.headers["WWW-Authenticate"] = 'Basic realm="mailguard admin", charset="UTF-8"'
        return response
    state = request.query.get("state", State.HELD.value)
    if state and state not in {s.value for s in State}:
        raise web.HTTPBadRequest(text="unknown state", headers=SECURITY_HEADERS)
    sender = request.query.get("sender", "").strip()[:320]
    try:
        page = min(max(int(request.query.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        page = 1
    rows = await workflow.store.list_messages(
        [State(state)] if state else [],
        sender=sender or None,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        "admin_queue.html",
        language,
        user=user,
        rows=rows[:PAGE_SIZE],
        has_next=len(rows) > PAGE_SIZE,
        page=page,
        state=state,
        sender=sender,
        states=[s.value for s in State],
        action=ADMIN_PATH,
    )
