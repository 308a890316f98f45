"""The approval workflow end to end: real SMTP in, the real policy, real SQLite, the in-test
upstream out, the approver's link taken from the mail it received, and a real headless
Chromium clicking Release.

The relay runs in the test's event loop with a hand-moved clock and a fast sweeper, so the
timeout and delay paths need no sleeping.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import aiosmtplib
import pytest

from mailguard.core.lifecycle import State
from mailguard.runtime.relay import Relay
from mailguard.workflow.approval.workflow import Workflow
from mailguard.workflow.ports.store import StoredMessage
from tests.integration.relay.conftest import relay_config, wait_state, wait_until
from tests.mailmaker import AttachmentSpec, make_mail
from tests.support.approval import Notice, read_notice
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream

SENDER = "tanaka@example.co.jp"
RCPT = "ichiro.suzuki@partner.example.com"
APPROVER = "hr-lead@example.co.jp"
APPROVER_JA = "hr-sub@example.co.jp"
NOTIFY_FROM = "mailguard@example.co.jp"

POLICY = """\
version: 1
organization:
  internal_domains: [example.co.jp]
directory: [contacts.csv]
approvers:
  default: [infosec@example.co.jp]
  groups:
    hr: [hr-lead@example.co.jp, hr-sub@example.co.jp]
  admins: [mail-admin@example.co.jp]
rules:
  - id: wrong-person
    when: {finding: name_mismatch}
    action: hold
    approvers: {group: hr}
  - id: external-grace
    when: {finding: external_recipient}
    action: delay
    delay: 5m
defaults: {hold_timeout: 1h, on_timeout: reject}
"""

CONTACTS = """\
email,family_name,given_name,family_reading,given_reading,organization
ichiro.suzuki@partner.example.com,鈴木,一郎,スズキ,イチロウ,Partner
jiro.suzuki@other.example.net,鈴木,次郎,スズキ,ジロウ,Other
tanaka@example.co.jp,田中,花子,タナカ,ハナコ,Example
"""

HIRING_NOTICE = (
    "鈴木 次郎 様\n\nこの度は選考の結果、内定となりましたのでご連絡いたします。\n\n人事部 田中"
)

NOTIFICATION_HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "Content-Language",
    "MIME-Version",
    "Content-Type",
}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Running:
    relay: Relay
    upstream: Upstream
    clock: FakeClock

    @property
    def workflow(self) -> Workflow:
        return self.relay.workflow

    async def send(
        self,
        subject: str = "内定のご連絡",
        body: str = HIRING_NOTICE,
        attachments: Sequence[AttachmentSpec] = (),
    ) -> str:
        raw = make_mail(("田中 花子", SENDER), [("鈴木 一郎", RCPT)], subject, body, attachments)
        port = self.relay.smtp_addresses[0][1]
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=10) as smtp:
            _, reply = await smtp.sendmail(SENDER, [RCPT], raw)
        assert reply.startswith("2.0.0 Ok:"), reply
        return reply.rsplit(" ", 1)[-1]

    async def notice(self, to: str, message_id: str, containing: str = "") -> Notice:
        """The notification to ``to`` about ``message_id`` (with ``containing`` in its subject)."""
        found: list[Notice] = []

        async def arrived() -> bool:
            found[:] = [
                n
                for m in self.upstream.received_by(to)
                if (n := read_notice(m.data)) and message_id in n.text and containing in n.subject
            ]
            return bool(found)

        await wait_until(arrived)
        return found[0]

    async def state(self, message_id: str) -> StoredMessage:
        message = await self.relay.store.get(message_id)
        assert message is not None
        return message


def offer_letter_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def running(tmp_path: Path, upstream: Upstream) -> AsyncIterator[Running]:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (rules / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    web_port = free_port()
    config = relay_config(
        tmp_path,
        upstream,
        policy=str(rules / "policy.yaml"),
        web={
            "port": web_port,
            "public_base_url": f"http://127.0.0.1:{web_port}",
            "secret_key": "e2e-secret-key-0123456789abcdef",
        },
        notify={
            "from_address": NOTIFY_FROM,
            "language": "en",
            "languages": {APPROVER_JA: "ja"},
        },
        approval={"sweep_seconds": 0.05},
    )
    clock = FakeClock()
    relay = Relay(config, clock=clock)
    await relay.start()
    try:
        yield Running(relay, upstream, clock)
    finally:
        await relay.stop()


def form_token(html: str) -> str:
    marker = 'name="form" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.mark.browser
async def test_a_held_hiring_notice_is_released_in_a_real_browser(
    running: Running, repo_root: Path
) -> None:
    from playwright.async_api import async_playwright

    letter = ("内定通知書_鈴木次郎.pdf", offer_letter_pdf(), "application/pdf")
    message_id = await running.send(attachments=[letter])
    assert (await running.state(message_id)).state is State.HELD
    request = await running.notice(APPROVER, message_id, "Approval needed")
    assert "内定通知書_鈴木次郎.pdf" in request.text and "NOT encrypted" in request.text
    assert "鈴木 次郎" in request.text and RCPT in request.text

    # A mail security scanner follows the link: nothing may happen.
    async with aiohttp.ClientSession() as scanner, scanner.get(request.link) as response:
        assert response.status == 200
        assert "release" in await response.text()
    assert (await running.state(message_id)).state is State.HELD

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 820, "height": 900})
            await page.goto(request.link)
            assert await page.locator("mark").first.inner_text() == "鈴木 次郎"
            if os.environ.get("MAILGUARD_SCREENSHOT") == "1":
                shot = repo_root / "docs" / "approval-page.png"
                shot.parent.mkdir(exist_ok=True)
                await page.screenshot(path=str(shot), full_page=True)
            # Usable on a phone: at 360 px nothing runs off the side and the buttons stay visible.
            await page.set_viewport_size({"width": 360, "height": 740})
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0
            assert await page.locator("#release").is_visible()
            await page.fill("#comment", "本人に電話で確認しました")
            await page.click("#release")
            await page.wait_for_selector("#notice")
            assert "Done" in await page.inner_text("#notice")
        finally:
            await browser.close()

    delivered = await wait_state(running.relay, message_id, State.DELIVERED)
    assert delivered.decided_by == f"approver:{APPROVER}"
    (original,) = running.upstream.received_by(RCPT)
    assert b"Subject:" in original.data and original.mail_from == SENDER
    told = await running.notice(SENDER, message_id, "Approved and sent")
    assert f"{APPROVER} approved your message" in told.text


async def test_the_senders_own_link_cannot_release(running: Running) -> None:
    message_id = await running.send()
    status = await running.notice(SENDER, message_id, "Held for approval")
    approve_with_senders_token = status.link.replace("/status/", "/approve/")
    async with aiohttp.ClientSession() as session:
        async with session.get(approve_with_senders_token) as response:
            assert response.status == 403
        base = approve_with_senders_token.split("?")[0]
        async with session.post(base, data={"t": status.token, "action": "release"}) as response:
            assert response.status == 403
    assert (await running.state(message_id)).state is State.HELD


async def test_forged_expired_and_foreign_tokens_are_refused(running: Running) -> None:
    first = await running.send()
    second = await running.send()
    link = (await running.notice(APPROVER, first, "Approval needed")).link
    path, _, token = link.partition("?t=")
    other = link.replace(first, second)
    forged = f"{path}?t={token[:-3]}xyz"
    async with aiohttp.ClientSession() as session:
        async with session.get(forged) as response:
            assert response.status == 403
        async with session.get(other) as response:
            assert response.status == 403
        running.clock.advance(running.relay.config.web.link_ttl_seconds + 1)
        async with session.get(link) as response:
            assert response.status == 410
    await wait_state(running.relay, first, State.REJECTED)  # the hold timed out; nothing released


async def test_two_concurrent_decisions_have_exactly_one_winner(running: Running) -> None:
    message_id = await running.send()
    links = [
        (await running.notice(APPROVER, message_id, "Approval needed")).link,
        (await running.notice(APPROVER_JA, message_id, "承認依頼")).link,
    ]
    async with aiohttp.ClientSession() as session:
        forms = []
        for link in links:
            async with session.get(link) as response:
                forms.append((link, form_token(await response.text())))

        async def post(link: str, form: str, action: str) -> str:
            url, _, token = link.partition("?t=")
            data = {"t": token, "form": form, "action": action}
            async with session.post(url, data=data) as response:
                assert response.status == 200
                return await response.text()

        pages = await asyncio.gather(
            post(*forms[0], "release"), post(forms[1][0], forms[1][1], "reject")
        )
    winners = [p for p in pages if "Done." in p or "完了しました" in p]
    assert len(winners) == 1
    events = await running.relay.store.audit_events(message_id=message_id)
    assert len([e for e in events if e.event in ("released", "rejected")]) == 1


async def test_reject_with_comment_tells_the_sender_and_delivers_nothing(
    running: Running,
) -> None:
    message_id = await running.send()
    link = (await running.notice(APPROVER, message_id, "Approval needed")).link
    url, _, token = link.partition("?t=")
    async with aiohttp.ClientSession() as session:
        async with session.get(link) as response:
            form = form_token(await response.text())
        data = {"t": token, "form": form, "action": "reject", "comment": "宛先が違います"}
        async with session.post(url, data=data) as response:
            assert response.status == 200
    told = await running.notice(SENDER, message_id, "Not sent")
    assert "宛先が違います" in told.text
    assert (await running.state(message_id)).state is State.REJECTED
    assert running.upstream.received_by(RCPT) == []


async def test_a_hold_times_out_rejected_and_the_sender_is_told(running: Running) -> None:
    message_id = await running.send()
    await running.notice(APPROVER, message_id, "Approval needed")
    running.clock.advance(3601)
    await wait_state(running.relay, message_id, State.REJECTED)
    told = await running.notice(SENDER, message_id, "Approval period ended, not sent")
    assert "Nobody decided before the deadline" in told.text
    assert running.upstream.received_by(RCPT) == []


async def test_a_delay_withdrawn_in_time_is_never_delivered(running: Running) -> None:
    message_id = await running.send(subject="お見積り", body="鈴木 一郎 様\n\nお見積りを送ります。")
    assert (await running.state(message_id)).state is State.DELAYED
    status = await running.notice(SENDER, message_id, "Will be sent at")
    url, _, token = status.link.partition("?t=")
    async with aiohttp.ClientSession() as session:
        async with session.get(status.link) as response:
            form = form_token(await response.text())
        async with session.post(url, data={"t": token, "form": form, "action": "withdraw"}):
            pass
    assert (await running.state(message_id)).state is State.REJECTED
    running.clock.advance(301)
    assert await running.workflow.sweeper.sweep() == 0
    assert (await running.state(message_id)).state is State.REJECTED
    assert running.upstream.received_by(RCPT) == []


async def test_notifications_follow_each_approvers_language(running: Running) -> None:
    message_id = await running.send()
    english = await running.notice(APPROVER, message_id, "Approval needed")
    japanese = await running.notice(APPROVER_JA, message_id, "承認依頼")
    assert "The message names someone other than the recipient" in english.text
    assert "本文や添付ファイル名の宛名が、宛先の人と一致しません" in japanese.text
    assert "[社外]" in japanese.text and "<mark>鈴木 次郎</mark>" in japanese.html
    # Each reason is explained in the reader's language too, on the mail and on the page.
    reason_ja = f"宛先 {RCPT} はディレクトリでは 鈴木 一郎 ですが、本文の宛名は 鈴木 次郎 です"
    reason_en = f"The greeting addresses 鈴木 次郎, but {RCPT} is 鈴木 一郎 in the directory"
    assert reason_ja in japanese.text and reason_ja in japanese.html
    assert reason_en not in japanese.text
    assert reason_en in english.text and reason_ja not in english.text
    async with aiohttp.ClientSession() as session, session.get(japanese.link) as response:
        page = await response.text()
    assert reason_ja in page and reason_en not in page


async def test_a_subject_with_html_and_crlf_is_text_and_breaks_no_header(
    running: Running,
) -> None:
    evil = "<script>alert(1)</script>内定\r\nBcc: evil@attacker.example"
    message_id = await running.send(subject=evil)
    notice = await running.notice(APPROVER, message_id, "Approval needed")
    to_approver = running.upstream.received_by(APPROVER)
    (raw,) = [m.data for m in to_approver if message_id in read_notice(m.data).text]
    mail = message_from_bytes(raw, policy=default)
    assert set(mail.keys()) == NOTIFICATION_HEADERS
    assert "<script>alert(1)</script>内定 Bcc: evil@attacker.example" in str(mail["Subject"])
    assert running.upstream.received_by("evil@attacker.example") == []
    assert "<script>" not in notice.html and "&lt;script&gt;" in notice.html
    path = urlsplit(notice.link)
    async with aiohttp.ClientSession() as session, session.get(notice.link) as response:
        page = await response.text()
    assert path.path.endswith(message_id)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;内定" in page
