"""``mailguard check`` through a real subprocess, on the kinds of mail that cause incidents.

The messages are the real-world shapes from the design brief: a hiring notice to the wrong
鈴木, a look-alike partner domain, a plain zip to a customer, an exe inside an encrypted zip,
a mass mail with every address visible, and a message too broken to parse cleanly.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import pyzipper

from tests.mailmaker import make_mail

HR = ("鈴木 花子", "suzuki.hanako@example.co.jp")
SALES = ("田中 由紀", "tanaka.yuki@example.co.jp")
PARTNER = ("山本 彩", "yamamoto@partner.example.com")


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("顧客リスト.csv", "氏名,メール\n山田,yamada@client.example\n")
    return buffer.getvalue()


def exe_in_encrypted_zip() -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(b"secret")
        archive.writestr("請求書.exe", b"MZ\x90\x00" + b"\x00" * 200)
    return buffer.getvalue()


MAILS = {
    "wrong-suzuki.eml": make_mail(
        HR,
        [("鈴木 健太", "k.suzuki@candidate.example.net")],
        "内定のご連絡",
        "鈴木 一郎 様\n\nこの度は弊社の採用選考にご応募いただき、ありがとうございました。\n"
        "厳正な選考の結果、内定とさせていただきました。\n",
        charset="iso-2022-jp",
    ),
    "same-surname.eml": make_mail(
        HR,
        [("鈴木", "k.suzuki@candidate.example.net")],
        "面接日程のご案内",
        "鈴木様\n\n面接の日程をご案内いたします。\n",
    ),
    "lookalike.eml": make_mail(
        SALES,
        [("山本 彩", "yamamoto@partner.exarnple.com")],
        "お見積りの件",
        "山本 様\n\nいつもお世話になっております。お見積りをお送りします。\n",
    ),
    "plain-zip.eml": make_mail(
        SALES,
        [PARTNER],
        "顧客リスト",
        "山本 彩 様\n\n資料をお送りします。\n",
        attachments=[("顧客リスト.zip", plain_zip(), "application/zip")],
    ),
    "exe-in-encrypted-zip.eml": make_mail(
        SALES,
        [PARTNER],
        "請求書",
        "山本 彩 様\n\n請求書を送付いたします。パスワードは別途お送りします。\n",
        attachments=[("請求書.zip", exe_in_encrypted_zip(), "application/zip")],
    ),
    "visible-mass-mail.eml": make_mail(
        SALES,
        [f"customer{i}@client{i % 4}.example" for i in range(12)],
        "セミナーのご案内",
        "お客様各位\n\nセミナーのご案内です。\n",
    ),
}

MALFORMED = (
    b"From: =?utf-8?B?broken?= <tanaka.yuki@example.co.jp>\r\n"
    b"To: yamada@client.example\r\n"
    b"Subject: \xff\xfe broken\r\n"
    b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
    b"--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n"
    b"--zz\r\nContent-Type: application/zip; name=a.zip\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all"
)


def check(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailguard", "check", *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every mail above through one `mailguard check` run (one JSON object per line)."""
    directory = tmp_path_factory.mktemp("mails")
    files = []
    for name, raw in [*MAILS.items(), ("malformed.eml", MALFORMED)]:
        (directory / name).write_bytes(raw)
        files.append(str(directory / name))
    repo_root = Path(__file__).resolve().parents[2]
    done = check(repo_root, "--policy", "policies/default.yaml", "--format", "json", *files)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == [Path(f).name for f in files]
    return {Path(line["file"]).name: line for line in lines}


def kinds(result: dict) -> set[str]:
    return {finding["kind"] for finding in result["findings"]}


def test_the_output_is_the_contract_shape(results) -> None:
    for result in results.values():
        assert list(result)[:3] == ["action", "findings", "rules"]
        for finding in result["findings"]:
            assert list(finding) == ["kind", "recipient", "attachment", "message"]
            assert finding["message"]


def test_a_hiring_notice_to_the_wrong_suzuki_is_held(results) -> None:
    result = results["wrong-suzuki.eml"]
    assert result["action"] == "hold"
    assert "name_mismatch" in kinds(result)
    assert "wrong-person" in result["rules"]
    assert "suzuki.hanako@example.co.jp" not in result["approvers"]
    assert result["approvers"]


def test_a_bare_surname_shared_by_two_candidates_is_held(results) -> None:
    result = results["same-surname.eml"]
    assert result["action"] == "hold"
    assert "surname_ambiguity" in kinds(result)
    assert "same-surname" in result["rules"]


def test_a_lookalike_partner_domain_is_held(results) -> None:
    result = results["lookalike.eml"]
    assert result["action"] == "hold"
    assert "lookalike_domain" in kinds(result)
    assert "lookalike-domain" in result["rules"]


def test_a_plain_zip_to_an_external_recipient_is_held(results) -> None:
    result = results["plain-zip.eml"]
    assert result["action"] == "hold"
    plain = [f for f in result["findings"] if f["kind"] == "unencrypted_attachment"]
    assert plain and plain[0]["attachment"] == "顧客リスト.zip"
    assert "external-plain-attachment" in result["rules"]


def test_an_exe_inside_an_encrypted_zip_is_rejected_with_the_reply(results) -> None:
    result = results["exe-in-encrypted-zip.eml"]
    assert result["action"] == "reject"
    assert "dangerous_attachment" in kinds(result)
    assert "unencrypted_attachment" not in kinds(result)
    assert result["rules"][0] == "dangerous-attachment"
    assert "not allowed" in result["reply"]


def test_twelve_visible_external_recipients_are_rejected(results) -> None:
    result = results["visible-mass-mail.eml"]
    assert result["action"] == "reject"
    assert "bulk_visible_recipients" in kinds(result)
    assert "Bcc" in result["reply"]


def test_a_malformed_message_is_inspected_not_refused(results) -> None:
    result = results["malformed.eml"]
    assert "external_recipient" in kinds(result)
    assert result["action"] in ("delay", "hold")


def test_rcpt_and_mail_from_override_the_headers(repo_root: Path, tmp_path: Path) -> None:
    mail = tmp_path / "internal.eml"
    mail.write_bytes(make_mail(SALES, ["suzuki.ichiro@example.co.jp"], "会議", "鈴木 一郎 様\n"))
    done = check(
        repo_root,
        "--policy",
        "policies/default.yaml",
        "--mail-from",
        "jinji@example.co.jp",
        "--rcpt",
        "someone@client.example",
        "--format",
        "text",
        str(mail),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{mail}: ")
    assert "someone@client.example" in done.stdout
    assert "external_recipient" in done.stdout


def test_an_unreadable_message_exits_2(repo_root: Path, tmp_path: Path) -> None:
    done = check(repo_root, "--policy", "policies/default.yaml", str(tmp_path / "nope.eml"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr and "nope.eml" in done.stderr
    assert done.stdout == ""


def test_an_invalid_policy_exits_2_naming_the_line(repo_root: Path, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "version: 1\norganization: {internal_domains: [example.co.jp]}\n"
        "rules:\n  - id: a\n    when: {finding: name_mismatch}\n    action: hodl\n",
        encoding="utf-8",
    )
    mail = tmp_path / "m.eml"
    mail.write_bytes(make_mail())
    done = check(repo_root, "--policy", str(policy), str(mail))
    assert done.returncode == 2
    assert f"{policy}:6: rules[0].action: 'hodl' is not one of" in done.stderr


def test_text_is_the_default_on_a_terminal(repo_root: Path, tmp_path: Path) -> None:
    mail = tmp_path / "m.eml"
    mail.write_bytes(make_mail(SALES, [PARTNER], "ご案内", "山本 彩 様\n"))
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mailguard",
                "check",
                "--policy",
                "policies/default.yaml",
                str(mail),
            ],
            cwd=repo_root,
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=60,
        )
        os.close(terminal)
        output = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(controller, 4096):
                output += chunk
    finally:
        os.close(controller)
    assert done.returncode == 0, done.stderr
    assert output.decode().startswith(f"{mail}: DELAY")
