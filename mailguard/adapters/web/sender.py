"""The sender's status page: ``GET /status/{id}?t=...`` shows, ``POST /status/{id}`` acts.

A sender may withdraw a held or delayed message (it is then never sent) and cut a delay short
(send now). A held message still needs its approver: the sender's link can never release it,
and the approval page refuses a sender's link outright.
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
from mailguard.workflow.approval.links import STATUS_PATH
from mailguard.workflow.approval.tokens import Role
from mailguard.workflow.approval.workflow import Workflow

_ROLES: tuple[Role, ...] = ("sender",)
_PATH = STATUS_PATH.replace("{message_id}", "{message_id:[0-9a-f]{1,64}}")
_NOTICES = {"withdraw": "page.withdrawn", "send_now": "page.sent_now"}


def add_routes(app: web.Application, workflow: Workflow) -> None:
    bind(app, workflow)
    app.router.add_get(_PATH, show)
    app.router.add_post(_PATH, act)


async def show(request: web.Request) -> web.Response:
    visit = await open_link(request, request.query.get("t", ""), _ROLES)
    if isinstance(visit, web.Response):
        return visit
    return _page(request, visit)


async def act(request: web.Request) -> web.Response:
    posted = await posted_form(request, _ROLES, _NOTICES)
    if isinstance(posted, web.Response):
        return posted
    visit, action = posted.visit, posted.action
    decisions = visit.workflow.decisions
    try:
        if action == "withdraw":
            result = await decisions.withdraw(visit.message.id, posted.actor)
        else:
            result = await decisions.send_now(visit.message.id, posted.actor)
    except DecisionRefused as exc:
        return refusal_page(visit.language, exc)
    notice = _NOTICES[action] if result.won else "page.undecided_state"
    return _page(request, await reload(visit), notice=notice, won=result.won)


def _page(
    request: web.Request, visit: Visit, *, notice: str = "", won: bool = False
) -> web.Response:
    message = visit.message
    route = visit.workflow.roster.people().route(
        message.decision.approvers, visit.workflow.roster.admins(), message.envelope
    )
    return render(
        "status.html",
        visit.language,
        s=visit.summary,
        message=message,
        deciders=route.recipients if route.role == "approver" else (),
        can_withdraw=message.state in (State.HELD, State.DELAYED),
        can_send_now=message.state is State.DELAYED,
        link_token=visit.token,
        form_token=visit.workflow.signer.form_token(visit.token),
        action=request.path,
        notice=notice,
        won=won,
    )
