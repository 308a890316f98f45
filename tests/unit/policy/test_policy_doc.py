"""docs/policy.md documents every key the policy loader accepts and every finding kind.

Admins write policies from that page; a key the loader knows but the page does not is a
feature nobody can find, and a kind missing there is a rule nobody writes.
"""

from __future__ import annotations

import re
from pathlib import Path

from mailguard.core.model import Action, FindingKind
from mailguard.inspection.policy import conditions, document, rules


def quoted(repo_root: Path) -> set[str]:
    """Every word inside backticks on the page (``a.b: c`` gives ``a``, ``b`` and ``c``)."""
    text = (repo_root / "docs" / "policy.md").read_text(encoding="utf-8")
    fences = re.findall(r"```.*?```", text, flags=re.S)
    spans = fences + re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return {word for span in spans for word in re.findall(r"[a-z_]+", span)}


def test_every_policy_key_is_documented(repo_root: Path) -> None:
    keys = {
        *document._TOP,
        *conditions.CONDITION_KEYS,
        *rules._RULE_KEYS,
        *(key for keys in document._CHECK_KEYS.values() for key in keys),
        "internal_domains",
        "hold_timeout",
        "on_timeout",
        "delay",
        "reply",
        "default",
        "groups",
        "admins",
        "match",
    }
    assert sorted(keys - quoted(repo_root)) == []


def test_every_finding_kind_and_action_is_documented(repo_root: Path) -> None:
    words = quoted(repo_root)
    assert [kind.value for kind in FindingKind if kind.value not in words] == []
    assert [action.value for action in Action if action.value not in words] == []
