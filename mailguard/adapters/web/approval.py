"""The approver's page: ``GET /approve/{id}?t=...`` shows, ``POST /approve/{id}`` decides.

Mail security scanners open every link in a mail, so the GET only ever reads: it renders the
message and a form, and counts the view (``approval_page_views_without_decision``). Only the
POST decides, and only with the form token of a page we rendered for that same link
(CSRF: a foreign site cannot make one without the link, and a scanner does not submit forms).
No script runs on the page at all, so nothing can submit the form by itself.
"""

from __future__ import annotations

from aiohttp import web

from mailguard.adapters.web.pages import (
    Visit,
    bind,
    open_link,
    posted_form,
    refusal_page,
    reload,
    render,
)
from mailguard.core.errors import DecisionRefused
from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from mailguard.workflow.approval.decisions import Verdict
from mailguard.workflow.approval.links import APPROVE_PATH
from mailguard.workflow.approval.tokens import Role
from mailguard.workflow.approval.workflow import Workflow

_ROLES: tuple[Role, ...] = ("approver", "admin")
_PATH = APPROVE_PATH.replace("{message_id}", "{message_id:[0-9a-f]{1,64}}")


def add_routes(app: web.Application, workflow: Workflow) -> None:
    bind(app, workflow)
    app.router.add_get(_PATH, show)
    app.router.add_post(_PATH, decide)


async def show(request: web.Request) -> web.Response:
    visit = await open_link(request, request.query.get("t", ""), _ROLES)
    if isinstance(visit, web.Response):
        return visit
    if visit.message.state is State.HELD:
        metrics.approval_views_without_decision.inc()
    return _page(request, visit)


async def decide(request: web.Request) -> web.Response:
    posted = await posted_form(request, _ROLES, ("release", "reject"))
    if isinstance(posted, web.Response):
        return posted
    visit = posted.visit
    verdict: Verdict = "released" if posted.action == "release" else "rejected"
    try:
        result = await visit.workflow.decisions.moderate(
            visit.message.id,
            posted.actor,
            verdict,
            posted.comment,
            seconds_on_page=posted.seconds_on_page,
        )
    except DecisionRefused as exc:
        return refusal_page(visit.language, exc)
    notice = "page.you_decided" if result.won else "page.lost"
    return _page(request, await reload(visit), notice=notice, won=result.won)


def _page(
    request: web.Request, visit: Visit, *, notice: str = "", won: bool = False
) -> web.Response:
    people = visit.workflow.roster.people()
    is_sender = people.is_sender(visit.claims.address, visit.message.envelope)
    return render(
        "approve.html",
        visit.language,
        s=visit.summary,
        message=visit.message,
        address=visit.claims.address,
        is_sender=is_sender,
        can_decide=visit.message.state is State.HELD and not is_sender,
        link_token=visit.token,
        form_token=visit.workflow.signer.form_token(visit.token),
        action=request.path,
        notice=notice,
        won=won,
    )
