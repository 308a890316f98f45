"""Every kind of mistake is refused with the file, the line and the dotted key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.core.errors import PolicyError
from mailguard.inspection.policy import load_policy

from .conftest import BASE, PolicyFile


def error_for(policy_file: PolicyFile, text: str) -> PolicyError:
    path = policy_file(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.file == str(path)
    return caught.value


def test_a_typo_in_a_rule_key_names_the_line_and_suggests_the_key(policy_file) -> None:
    error = error_for(
        policy_file,
        BASE
        + """\
rules:
  - id: wrong-person
    when: {finding: name_mismatch}
    acton: hold
""",
    )
    assert (error.line, error.key) == (7, "rules[0].acton")
    assert "did you mean 'action'" in error.reason


def test_an_unknown_finding_kind_is_refused_at_its_line(policy_file) -> None:
    error = error_for(
        policy_file,
        BASE
        + """\
rules:
  - id: a
    when: {finding: external_recipient}
    action: delay
  - id: b
    when:
      finding: name_mismatch_typo
    action: hold
""",
    )
    assert (error.line, error.key) == (10, "rules[1].when.finding")
    assert "name_mismatch" in error.reason


def test_nested_conditions_report_their_full_path(policy_file) -> None:
    error = error_for(
        policy_file,
        BASE
        + """\
rules:
  - id: a
    when:
      all:
        - {finding: external_recipient}
        - not: {sender_group: sales}
    action: hold
""",
    )
    assert error.key == "rules[0].when.all[1].not.sender_group"
    assert error.line == 9
    assert "unknown sender group 'sales'" in error.reason


@pytest.mark.parametrize(
    ("section", "key", "reason"),
    [
        (
            "rules:\n  - {id: a, when: {finding: external_recipient}, action: bounce}\n",
            "rules[0].action",
            "not one of",
        ),
        (
            "rules:\n  - {id: a, when: {finding: external_recipient}, action: hold, reply: x}\n",
            "rules[0].reply",
            "only applies to action: reject",
        ),
        (
            "rules:\n  - {id: a, when: {external: true}, action: delay, delay: 5 minutes}\n",
            "rules[0].delay",
            "duration",
        ),
        (
            "rules:\n  - {id: a, when: {external: true}, action: delay, mode: audit}\n",
            "rules[0].mode",
            "not one of",
        ),
        ("rules:\n  - {id: a, when: {}, action: delay}\n", "rules[0].when", "always: true"),
        (
            "rules:\n  - {id: a, when: {external: true}, action: hold, approvers: {group: hr}}\n",
            "rules[0].approvers.group",
            "unknown approver group 'hr'",
        ),
        (
            "rules:\n  - {id: a, when: {external: true}, action: hold, approvers: [nobody]}\n",
            "rules[0].approvers[0]",
            "not an email address",
        ),
        (
            'rules:\n  - {id: a, when: {external: true}, action: reject, reply: "a\\r\\nb"}\n',
            "rules[0].reply",
            "one line of printable ASCII",
        ),
        (
            "rules:\n  - {id: a, when: {external: true}, action: reject}\n"
            "  - {id: a, when: {external: true}, action: hold}\n",
            "rules[1].id",
            "duplicate rule id",
        ),
        (
            "rules:\n  - {id: a, when: {external: true}, action: hold,"
            " escalate: {after: 2d, to: [x@example.co.jp]}}\n",
            "rules[0].escalate",
            "after the hold times out",
        ),
        (
            "rules: []\nchecks:\n  bulk_visible_recipients: {min_recipients: one}\n",
            "checks.bulk_visible_recipients.min_recipients",
            "whole number",
        ),
        (
            'rules: []\nchecks:\n  lookalike_domain: {known_domains: ["*.partner.example"]}\n',
            "checks.lookalike_domain.known_domains[0]",
            "plain domains",
        ),
        (
            "rules: []\nchecks:\n  unencrypted_attachments: {enabled: false}\n",
            "checks.unencrypted_attachments",
            "did you mean 'unencrypted_attachment'",
        ),
        ("rules: []\ndefaults: {on_timeout: deliver}\n", "defaults.on_timeout", "not one of"),
        ('rules: []\nsenders: {hr: ["hr.example.co.jp"]}\n', "senders.hr[0]", "pattern"),
        ("rules: []\naliases: {a@example.co.jp: [b]}\n", "aliases.a@example.co.jp[0]", "address"),
        ("rules: []\nrules: []\n", "rules", "duplicate key"),
        ("rules: []\napprovers: {groups: {hr: []}}\n", "approvers.groups.hr", "at least one"),
    ],
)
def test_each_kind_of_mistake_names_its_key(policy_file, section, key, reason) -> None:
    error = error_for(policy_file, BASE + section)
    assert error.key == key
    assert reason in error.reason
    assert error.line is not None
    assert f":{error.line}: {key}: " in str(error)


def test_only_version_1_is_understood(policy_file) -> None:
    error = error_for(policy_file, BASE.replace("version: 1", "version: 2") + "rules: []\n")
    assert (error.key, error.line) == ("version", 1)


def test_missing_internal_domains_is_refused(policy_file) -> None:
    error = error_for(policy_file, "version: 1\norganization: {}\nrules: []\n")
    assert (error.key, error.line) == ("organization", 2)
    assert "internal_domains" in error.reason


def test_yaml_syntax_errors_carry_the_line(policy_file) -> None:
    error = error_for(policy_file, BASE + "rules:\n  - id: [unclosed\n")
    assert error.key == "(syntax)"
    assert error.line is not None and error.line >= 5


def test_an_unreadable_policy_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.yaml")


def test_a_missing_directory_file_names_the_policy_line(policy_file) -> None:
    error = error_for(policy_file, BASE + "directory: [people.csv, missing.csv]\nrules: []\n")
    assert error.key in ("directory[0]", "directory[1]")
    assert error.line == 4
    assert "cannot read directory file" in error.reason


def test_shift_jis_policy_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "sjis.yaml"
    path.write_bytes((BASE + "# 人事部\nrules: []\n").encode("shift_jis"))
    with pytest.raises(PolicyError, match="UTF-8"):
        load_policy(path)


def test_a_bad_directory_row_names_the_csv_file_and_line(policy_file) -> None:
    path = policy_file(BASE + "directory: [people.csv]\nrules: []\n")
    csv = path.parent / "people.csv"
    csv.write_text(
        "email,family_name,given_name,family_reading,given_reading,organization\n"
        "ichiro@example.co.jp,鈴木,一郎,スズキ,イチロウ,総務部\n"
        "not-an-address,鈴木,花子,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert (caught.value.file, caught.value.line) == (str(csv), 3)
    assert "not-an-address" in caught.value.reason


def test_conditions_nested_too_deep_are_refused(policy_file) -> None:
    when = "{not: " * 20 + "{external: true}" + "}" * 20
    error = error_for(
        policy_file, BASE + f"rules:\n  - id: a\n    when: {when}\n    action: hold\n"
    )
    assert error.key.startswith("rules[0].when.not.not")
    assert "nested more than" in error.reason
