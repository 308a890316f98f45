"""Policies written by the tests: ``policy_file(text)`` writes one and returns its path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from mailguard.inspection.policy import Policy, load_policy

PolicyFile = Callable[[str], Path]

BASE = """\
version: 1
organization:
  internal_domains: [example.co.jp, "*.example.co.jp"]
"""


@pytest.fixture
def policy_file(tmp_path: Path) -> PolicyFile:
    def write(text: str) -> Path:
        path = tmp_path / "policy.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_policy(policy_file: PolicyFile) -> Callable[[str], Policy]:
    """A policy from ``BASE`` plus the given sections."""

    def make(sections: str) -> Policy:
        return load_policy(policy_file(BASE + textwrap.dedent(sections)))

    return make
