"""The approval and status pages: a GET only shows, a POST from our own page decides."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.test_utils import TestClient

from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from tests.integration.approval.conftest import APPROVER, SECOND, SENDER, Flow
from tests.support.approval import Notice

Client = TestClient[web.Request, web.Application]


def path_of(notice: Notice) -> str:
    parts = urlsplit(notice.link)
    return f"{parts.path}?{parts.query}"


def form_token(html: str) -> str:
    marker = 'name="form" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


async def approver_link(flow: Flow, who: str = APPROVER, message_id: str = "") -> Notice:
    (notice,) = [n for n in await flow.notices(who) if f"/{message_id}" in n.link]
    return notice


async def test_opening_the_link_shows_everything_and_changes_nothing(
    flow: Flow, pages: Client
) -> None:
    message_id = await flow.add()
    notice = await approver_link(flow)
    views = metrics.approval_views_without_decision._value.get()
    for _ in range(3):
        response = await pages.get(path_of(notice))
        assert response.status == 200
    html = await response.text()
    assert "内定のご連絡" in html and "<mark>鈴木次郎</mark>" in html
    assert 'name="action" value="release"' in html
    assert "<script" not in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert (await flow.get(message_id)).state is State.HELD
    assert metrics.approval_views_without_decision._value.get() == views + 3


async def test_the_post_from_the_page_releases(flow: Flow, pages: Client) -> None:
    message_id = await flow.add()
    notice = await approver_link(flow)
    page = await (await pages.get(path_of(notice))).text()
    response = await pages.post(
        f"/approve/{message_id}",
        data={"t": notice.token, "form": form_token(page), "action": "release", "comment": "ok"},
    )
    assert response.status == 200
    assert "Done. The sender will be told." in await response.text()
    message = await flow.get(message_id)
    assert message.state is State.QUEUED
    (audit,) = [
        e for e in await flow.store.audit_events(message_id=message_id) if e.event == "released"
    ]
    assert audit.client_addr == "127.0.0.1" and audit.comment == "ok"


async def test_a_post_without_our_form_token_decides_nothing(flow: Flow, pages: Client) -> None:
    message_id = await flow.add()
    notice = await approver_link(flow)
    other = await approver_link(flow, SECOND)
    other_page = await (await pages.get(path_of(other))).text()
    for form in ("", "123.abc", form_token(other_page)):
        response = await pages.post(
            f"/approve/{message_id}", data={"t": notice.token, "form": form, "action": "release"}
        )
        assert response.status == 400
    assert (await flow.get(message_id)).state is State.HELD


async def test_later_visitors_see_who_decided_and_get_no_form(flow: Flow, pages: Client) -> None:
    message_id = await flow.add()
    first, second = await approver_link(flow), await approver_link(flow, SECOND)
    page = await (await pages.get(path_of(first))).text()
    late_page = await (await pages.get(path_of(second))).text()
    await pages.post(
        f"/approve/{message_id}",
        data={
            "t": first.token,
            "form": form_token(page),
            "action": "reject",
            "comment": "<b>no</b>",
        },
    )
    late = await pages.post(
        f"/approve/{message_id}",
        data={"t": second.token, "form": form_token(late_page), "action": "release"},
    )
    text = await late.text()
    assert "Someone else decided first." in text
    assert f"approver:{APPROVER}" in text and "&lt;b&gt;no&lt;/b&gt;" in text
    assert 'name="action"' not in text
    assert (await flow.get(message_id)).state is State.REJECTED


async def test_the_senders_link_cannot_open_the_approval_page(flow: Flow, pages: Client) -> None:
    message_id = await flow.add()
    (status,) = await flow.notices(SENDER)
    response = await pages.get(f"/approve/{message_id}?t={status.token}")
    assert response.status == 403
    assert "not issued for this page" in await response.text()
    response = await pages.post(
        f"/approve/{message_id}", data={"t": status.token, "action": "release"}
    )
    assert response.status == 403
    assert (await flow.get(message_id)).state is State.HELD


async def test_forged_expired_and_foreign_links_are_refused_clearly(
    flow: Flow, pages: Client
) -> None:
    message_id = await flow.add()
    other_id = await flow.add()
    notice = await approver_link(flow, APPROVER, message_id)
    forged = notice.token[:-2] + ("AA" if not notice.token.endswith("AA") else "BB")
    response = await pages.get(f"/approve/{message_id}?t={forged}")
    assert response.status == 403 and "not valid" in await response.text()
    response = await pages.get(f"/approve/{other_id}?t={notice.token}")
    assert response.status == 403 and "different message" in await response.text()
    flow.clock.advance(86401)
    response = await pages.get(path_of(notice))
    assert response.status == 410 and "expired" in await response.text()
    assert (await flow.get(message_id)).state is State.HELD


async def test_the_page_speaks_japanese_when_asked(flow: Flow, pages: Client) -> None:
    await flow.add()
    notice = await approver_link(flow)
    response = await pages.get(path_of(notice), headers={"Accept-Language": "ja,en;q=0.5"})
    html = await response.text()
    assert "送信を許可する" in html and 'lang="ja"' in html


async def test_a_hostile_subject_is_shown_as_text(flow: Flow, pages: Client) -> None:
    await flow.add(subject='<img src=x onerror=alert(1)> "quoted" & more')
    notice = await approver_link(flow)
    html = await (await pages.get(path_of(notice))).text()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_the_sender_withdraws_a_held_message_from_the_status_page(
    flow: Flow, pages: Client
) -> None:
    message_id = await flow.add()
    (status,) = await flow.notices(SENDER)
    page = await (await pages.get(path_of(status))).text()
    assert APPROVER in page and 'value="withdraw"' in page and 'value="send_now"' not in page
    response = await pages.post(
        f"/status/{message_id}",
        data={"t": status.token, "form": form_token(page), "action": "withdraw"},
    )
    assert "Withdrawn" in await response.text()
    assert (await flow.get(message_id)).state is State.REJECTED


async def test_an_approvers_link_cannot_withdraw(flow: Flow, pages: Client) -> None:
    message_id = await flow.add()
    notice = await approver_link(flow)
    response = await pages.get(f"/status/{message_id}?t={notice.token}")
    assert response.status == 403


async def test_the_sender_sends_a_delayed_message_now(flow: Flow, pages: Client) -> None:
    message_id = await flow.add(State.DELAYED)
    (status,) = await flow.notices(SENDER)
    page = await (await pages.get(path_of(status))).text()
    response = await pages.post(
        f"/status/{message_id}",
        data={"t": status.token, "form": form_token(page), "action": "send_now"},
    )
    assert "Sent now." in await response.text()
    assert (await flow.get(message_id)).state is State.QUEUED
