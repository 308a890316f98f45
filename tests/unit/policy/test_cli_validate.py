"""``mailguard policy validate``: a one-line OK, or the error with its line, exit 2."""

from __future__ import annotations

from pathlib import Path

from mailguard.cli import main


def test_the_default_policy_validates_with_a_summary(repo_root: Path, capsys) -> None:
    assert main(["policy", "validate", str(repo_root / "policies/default.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "OK" in out and "7 rules (0 monitor)" in out


def test_an_invalid_policy_exits_2_with_file_line_and_key(policy_file, capsys) -> None:
    path = policy_file(
        "version: 1\norganization: {internal_domains: [example.co.jp]}\n"
        "rules:\n  - {id: a, when: {finding: external}, action: hold}\n"
    )
    assert main(["policy", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4: rules[0].when.finding: 'external' is not one of" in err


def test_a_hold_routed_to_nobody_is_valid_but_warned_about(policy_file, capsys) -> None:
    path = policy_file(
        "version: 1\norganization: {internal_domains: [example.co.jp]}\n"
        "rules:\n  - {id: names, when: {finding: name_mismatch}, action: hold}\n"
    )
    assert main(["policy", "validate", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("warning: rule names (line 4) holds mail but names no approvers")
    assert lines[2].startswith("warning: approvers.admins is empty")
