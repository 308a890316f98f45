"""The approver's view of a held message: marks, attachments and the named person."""

from __future__ import annotations

from dataclasses import replace

from mailguard.workflow.approval.summary import excerpt, highlight, summarize
from tests.unit.approval.factories import RECIPIENT, parsed, stored


def test_recipients_are_marked_external_and_bcc() -> None:
    summary = summarize(stored(), parsed())
    by_address = {r.address: r for r in summary.recipients}
    assert by_address[RECIPIENT].external and by_address[RECIPIENT].name == "鈴木 一郎"
    assert not by_address[RECIPIENT].hidden
    assert by_address["boss@example.co.jp"].hidden
    assert not by_address["boss@example.co.jp"].external


def test_an_attachment_named_by_a_finding_is_not_encrypted() -> None:
    (attachment,) = summarize(stored(), parsed()).attachments
    assert attachment.encryption == "not_encrypted"


def test_the_probe_decides_attachments_no_finding_names() -> None:
    message = stored()
    plain = parsed()
    findings = tuple(f for f in message.decision.findings if f.attachment is None)
    quiet = replace(message, decision=replace(message.decision, findings=findings))
    (attachment,) = summarize(quiet, plain, probe=lambda a: True).attachments
    assert attachment.encryption == "encrypted"
    (unknown,) = summarize(quiet, plain, probe=None).attachments
    assert unknown.encryption == "unknown"
    (inspected,) = summarize(quiet, plain).attachments
    assert inspected.encryption == "not_encrypted"  # the formats layer read the plain PDF


def test_the_named_person_is_highlighted_even_without_the_space() -> None:
    summary = summarize(stored(), parsed())
    assert ("鈴木次郎", True) in summary.excerpt
    assert "".join(text for text, _ in summary.excerpt).startswith("鈴木次郎 様")


def test_highlight_finds_full_width_spaces_and_latin_case() -> None:
    segments = highlight("Dear MR. suzuki,\n鈴木　次郎様", ["Suzuki", "鈴木 次郎"])
    assert [text for text, named in segments if named] == ["suzuki", "鈴木　次郎"]


def test_the_greeting_is_highlighted_even_without_a_finding_naming_it() -> None:
    message = stored()
    quiet = replace(message, decision=replace(message.decision, findings=()))
    summary = summarize(quiet, parsed(text="Dear Mr. Tanaka,\n\nThank you."))
    assert [text for text, named in summary.excerpt if named] == ["Tanaka"]


def test_highlight_without_names_is_one_plain_segment() -> None:
    assert highlight("hello", []) == (("hello", False),)
    assert highlight("", ["x"]) == ()


def test_excerpt_keeps_only_the_first_lines() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    cut = excerpt(text)
    assert cut.splitlines()[-1] == "line 11"
