"""The admin queue page: behind a password or a trusted proxy header, filtered and paged."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from mailguard.adapters.web import admin
from mailguard.adapters.web.admin import PAGE_SIZE
from mailguard.core.lifecycle import State
from mailguard.workflow.approval.workflow import Workflow
from tests.integration.approval.conftest import Flow

Client = TestClient[web.Request, web.Application]


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def client_for(flow: Flow, **web_settings: object) -> Client:
    config = flow.workflow.config
    config = replace(config, web=replace(config.web, **web_settings))  # type: ignore[arg-type]
    workflow = Workflow(
        config, flow.store, clock=flow.clock, wake=lambda: None, policy=lambda: None
    )
    app = web.Application()
    admin.add_routes(app, workflow)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def queue_page(flow: Flow) -> AsyncIterator[Client]:
    client = await client_for(
        flow, admin_password="correct horse", trusted_proxy_header="X-Remote-User"
    )
    yield client
    await client.close()


async def test_without_credentials_the_page_asks_for_them(queue_page: Client) -> None:
    response = await queue_page.get("/admin/queue")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    response = await queue_page.get("/admin/queue", headers=basic("alice", "wrong"))
    assert response.status == 401


async def test_the_queue_lists_held_messages_with_filters(flow: Flow, queue_page: Client) -> None:
    held = await flow.add()
    delayed = await flow.add(State.DELAYED)
    response = await queue_page.get("/admin/queue", headers=basic("alice", "correct horse"))
    assert response.status == 200
    html = await response.text()
    assert held in html and delayed not in html and "alice" in html
    html = await (
        await queue_page.get("/admin/queue?state=delayed", headers=basic("a", "correct horse"))
    ).text()
    assert delayed in html and held not in html
    html = await (
        await queue_page.get(
            "/admin/queue?state=&sender=nobody@example.co.jp", headers=basic("a", "correct horse")
        )
    ).text()
    assert held not in html and delayed not in html
    response = await queue_page.get("/admin/queue?state=bogus", headers=basic("a", "correct horse"))
    assert response.status == 400


async def test_the_trusted_proxy_header_signs_the_admin_in(flow: Flow, queue_page: Client) -> None:
    response = await queue_page.get("/admin/queue", headers={"X-Remote-User": "bob"})
    assert response.status == 200 and "bob" in await response.text()


async def test_the_queue_pages(flow: Flow, queue_page: Client) -> None:
    for _ in range(PAGE_SIZE + 2):
        await flow.add(State.DELAYED)
    auth = basic("a", "correct horse")
    first = await (await queue_page.get("/admin/queue?state=delayed", headers=auth)).text()
    second = await (await queue_page.get("/admin/queue?state=delayed&page=2", headers=auth)).text()
    assert first.count('class="row"') == PAGE_SIZE and 'id="next"' in first
    assert second.count('class="row"') == 2 and 'id="next"' not in second


async def test_without_any_admin_auth_configured_the_page_does_not_exist(flow: Flow) -> None:
    client = await client_for(flow)
    try:
        response = await client.get("/admin/queue", headers={"X-Remote-User": "eve"})
        assert response.status == 404
    finally:
        await client.close()
