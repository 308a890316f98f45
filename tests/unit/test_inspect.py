"""``Inspector``: the relay's decider, from raw bytes, never raising."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mailguard.core.model import Action, Envelope, Finding
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.inspector import Inspector
from mailguard.inspection.policy import load_policy
from mailguard.inspection.policy.evaluate import INSPECTION_ERROR
from tests.mailmaker import make_mail

SENDER = "soumu-lead@example.co.jp"


def test_raw_mail_to_an_external_recipient_is_decided_by_the_policy(repo_root: Path) -> None:
    inspector = Inspector(load_policy(repo_root / "policies/default.yaml"))
    raw = make_mail(("総務 太郎", SENDER), ["yamada@client.example"], "ご案内", "山田様\n")
    decision = inspector.decide(Envelope(SENDER, ("yamada@client.example",)), raw)
    assert decision.action is Action.DELAY
    assert decision.rules == ("external-grace",)
    assert decision.policy_hash == inspector.policy.policy_hash


def test_the_envelope_recipients_are_inspected_not_the_headers(repo_root: Path) -> None:
    inspector = Inspector(load_policy(repo_root / "policies/default.yaml"))
    raw = make_mail(("総務 太郎", SENDER), ["yamada@client.example"], "ご案内", "本文\n")
    decision = inspector.decide(Envelope(SENDER, ("tanaka.yuki@example.co.jp",)), raw)
    assert decision.action is Action.PASS


def test_garbage_bytes_are_decided_not_raised(repo_root: Path) -> None:
    inspector = Inspector(load_policy(repo_root / "policies/default.yaml"))
    decision = inspector.decide(Envelope("", ("x@client.example",)), b"\x00\xff" * 500)
    assert decision.action is Action.DELAY


def test_a_failing_check_holds_the_message_without_the_sender(repo_root: Path) -> None:
    def broken(context: CheckContext) -> list[Finding]:
        raise RuntimeError("bug in a check")

    policy = replace(load_policy(repo_root / "policies/default.yaml"), check=broken)
    raw = make_mail(("総務", SENDER), ["yamada@client.example"], "件名", "本文\n")
    decision = Inspector(policy).decide(Envelope("", ("yamada@client.example",)), raw)
    assert decision.action is Action.HOLD
    assert [f.kind for f in decision.findings] == [INSPECTION_ERROR]
    assert decision.approvers == ("joho-security@example.co.jp",)
