"""``explain``: each finding kind in Japanese from the facts the real checks record, English
as the checks' own message, and the English message whenever the facts do not suffice."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from mailguard.core.model import Finding
from mailguard.inspection.checks import (
    bulk_visible_recipients,
    dangerous_attachment,
    external_recipient,
    lookalike_domain,
    name_mismatch,
    surname_ambiguity,
    unencrypted_attachment,
)
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.checks.settings import CheckSettings
from mailguard.inspection.explain import explain
from mailguard.inspection.message.model import Attachment
from mailguard.workflow.notify.render import environment
from tests.unit.checks.build import attachment, context, directory

ROWS = [
    "taro@x.example,鈴木,太郎,スズキ,タロウ,X社",
    "ichiro@y.example,鈴木,一郎,スズキ,イチロウ,Y社",
    "jiro@z.example,鈴木,次郎,スズキ,ジロウ,Z社",
    "ichiro2@w.example,鈴木,一郎,スズキ,イチロウ,W社",
    "ryo@n.example,中村,亮,ナカムラ,リョウ,",
]


@pytest.fixture
def settings(tmp_path: Path) -> CheckSettings:
    return CheckSettings(
        internal_domains=("example.co.jp",),
        known_domains=("partner.co.jp",),
        directory=directory(tmp_path, ROWS),
        bulk_min_recipients=3,
    )


def one(module: object, settings: CheckSettings, ctx: CheckContext) -> Finding:
    findings: Sequence[Finding] = module.make(settings)(ctx)  # type: ignore[attr-defined]
    assert len(findings) == 1, findings
    return findings[0]


def zipped(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


CASES = {
    "external": (
        external_recipient,
        context(to=["a@outside.example"]),
        "宛先 a@outside.example は社外のアドレスです"
        "（outside.example は社内のドメインではありません）。",
    ),
    "lookalike_swapped": (
        lookalike_domain,
        context(rcpt=["a@patrner.co.jp"]),
        "宛先のドメイン patrner.co.jp は取引先のドメイン partner.co.jp に似ていますが、"
        "別のドメインです（2 文字が入れ替わっています）。",
    ),
    "lookalike_suffix": (
        lookalike_domain,
        context(rcpt=["a@example.com"]),
        "宛先のドメイン example.com は社内のドメイン example.co.jp に似ていますが、"
        "別のドメインです（末尾が .co.jp ではなく .com です）。",
    ),
    "lookalike_letters": (
        lookalike_domain,
        context(rcpt=["a@ex4mp1e.co.jp"]),
        "宛先のドメイン ex4mp1e.co.jp は社内のドメイン example.co.jp に似ていますが、"
        "別のドメインです（2 文字が異なります）。",
    ),
    "surname_no_greeting": (
        surname_ambiguity,
        context(to=["taro@x.example"], text="本文だけ"),
        "宛先 taro@x.example はディレクトリでは 鈴木 太郎 ですが、ディレクトリには同じ姓の "
        "鈴木 一郎 <ichiro@y.example>, 鈴木 次郎 <jiro@z.example>, 鈴木 一郎 <ichiro2@w.example> "
        "もいます。メールにどちらの人宛てかを示す宛名がありません。",
    ),
    "surname_same_name": (
        surname_ambiguity,
        context(to=["ichiro@y.example"], text="鈴木 一郎 様\n"),
        "宛先 ichiro@y.example はディレクトリでは 鈴木 一郎 ですが、"
        "鈴木 一郎 <ichiro2@w.example> も同じ氏名です。"
        "メールの内容からはどちらの人宛てか区別できません。",
    ),
    "mismatch_other_person": (
        name_mismatch,
        context(to=["ichiro@y.example"], text="鈴木 次郎 様\n"),
        "宛先 ichiro@y.example はディレクトリでは 鈴木 一郎 ですが、本文の宛名は 鈴木 次郎 です"
        "（鈴木 次郎 はディレクトリでは jiro@z.example です）。",
    ),
    "mismatch_unknown_recipient": (
        name_mismatch,
        context(to=["someone@q.example"], text="中村 亮 様\n"),
        "本文の宛名は 中村 亮（ディレクトリでは ryo@n.example）ですが、"
        "このメールの宛先は someone@q.example です。",
    ),
    "mismatch_nobody_in_to": (
        name_mismatch,
        context(to=["taro@x.example", "jiro@z.example"], text="中村 亮 様\n"),
        "本文の宛名は 中村 亮 ですが、To の宛先にディレクトリ上その人はいません"
        "（taro@x.example は 鈴木 太郎、jiro@z.example は 鈴木 次郎）。",
    ),
    "mismatch_file": (
        name_mismatch,
        context(to=["taro@x.example"], attachments=[attachment("内定通知書_中村亮.pdf")]),
        "添付ファイル 内定通知書_中村亮.pdf に 中村 亮（ディレクトリでは ryo@n.example）の名前が"
        "ありますが、この人は宛先に含まれていません。",
    ),
    "unencrypted_text": (
        unencrypted_attachment,
        context(attachments=[attachment("memo.txt")]),
        "添付ファイル memo.txt は暗号化されていません（テキストファイル）。",
    ),
    "unencrypted_zip_inside": (
        unencrypted_attachment,
        context(
            attachments=[
                Attachment("a.zip", "", "", 1, zipped("x.txt", "y.txt"), path=("fwd.eml",))
            ]
        ),
        "添付ファイル fwd.eml 内の a.zip は暗号化されていません"
        "（2 個のファイルを含む ZIP で、パスワードで保護されていないものがあります）。",
    ),
    "unencrypted_too_large": (
        unencrypted_attachment,
        context(attachments=[Attachment("", "", "", 99, b"")]),
        "添付ファイル （名前のないファイル） は大きすぎて検査できないため、"
        "暗号化されていないものとして扱います。",
    ),
    "dangerous": (
        dangerous_attachment,
        context(attachments=[attachment("run\u202etxt.js")]),
        "添付ファイル run[U+202E]txt.js は開くとプログラムが実行されるおそれがあります"
        "（file name hides its real extension (right-to-left override); "
        "executable or script file name .js）。",
    ),
    "bulk": (
        bulk_visible_recipients,
        context(to=["a@p.example", "b@q.example", "c@q.example"]),
        "社外の宛先 3 件（2 組織）が To/Cc に入っており、受信者全員が互いのアドレスを"
        "見られます。Bcc にすれば隠せます。",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_finding_is_explained_in_japanese_and_in_its_own_english(
    settings: CheckSettings, case: str
) -> None:
    module, ctx, japanese = CASES[case]
    finding = one(module, settings, ctx)
    assert explain(finding, "en") == finding.message
    assert explain(finding, "ja") == japanese


def test_more_reasons_and_more_namesakes_are_counted() -> None:
    dangerous = Finding(
        "dangerous_attachment",
        "English.",
        attachment="a.zip",
        detail={"file": "a.zip", "shown_reasons": "PE executable", "more_reasons": "4"},
    )
    assert "（PE executable ほか 4 件）" in explain(dangerous, "ja")
    namesakes = Finding(
        "surname_ambiguity",
        "English.",
        recipient="a@x.example",
        detail={"contact": "佐藤 一", "listed": "佐藤 二 <b@y.example>", "more": "46",
                "reason": "namesakes", "why": "no_greeting"},
    )  # fmt: skip
    assert "同じ姓の 佐藤 二 <b@y.example> ほか 46 人 もいます" in explain(namesakes, "ja")


@pytest.mark.parametrize(
    "finding",
    [
        Finding("inspection_error", "mailguard could not inspect this message (ValueError)."),
        Finding("some_future_kind", "Something new.", detail={"x": "y"}),
        # stored before the checks recorded ``way``: no sentence with a hole in it
        Finding("lookalike_domain", "Old.", recipient="a@b.example", detail={"domain": "b"}),
        Finding("lookalike_domain", "Odd.", detail={"domain": "b", "resembles": "c",
                "trusted_as": "partner", "way": "a_new_way"}),
        Finding("name_mismatch", "Bad.", detail={"case": "nobody_in_to", "named": "x",
                "to_known": "no tab here"}),
    ],
)  # fmt: skip
def test_what_the_tables_cannot_say_falls_back_to_the_english_message(finding: Finding) -> None:
    assert explain(finding, "ja") == finding.message
    assert explain(finding, "fr") == finding.message


def test_html_in_facts_stays_text_and_the_templates_escape_it() -> None:
    finding = Finding(
        "name_mismatch",
        "English <b>.",
        recipient="a@x.example",
        detail={"case": "other_person", "expected": "<b>A</b>", "named": "{named}<i>"},
    )
    text = explain(finding, "ja")
    assert (
        text
        == "宛先 a@x.example はディレクトリでは <b>A</b> ですが、本文の宛名は {named}<i> です。"
    )
    html = (
        environment("workflow/notify/templates")
        .from_string("{{ explain(f, 'ja') }}")
        .render(f=finding)
    )
    assert "<b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html and "{named}&lt;i&gt;" in html
