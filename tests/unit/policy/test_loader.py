"""``load_policy``: whatever an admin's editor leaves in the file, loading either succeeds or
raises ``PolicyError`` — never another exception, which would take a reload (or the relay)
down — and the hash it records identifies the policy *and* its directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailguard.core.errors import PolicyError
from mailguard.inspection.policy import load_policy
from tests.conftest import REPO

from .conftest import BASE, PolicyFile

DEFAULT = (REPO / "policies/default.yaml").read_text(encoding="utf-8")
LINES = DEFAULT.splitlines(keepends=True)


@st.composite
def edited(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "replace", "indent", "truncate"]))
        if edit == "delete":
            del lines[index]
        elif edit == "duplicate":
            lines.insert(index, lines[index])
        elif edit == "indent":
            lines[index] = "  " + lines[index]
        elif edit == "truncate":
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))] + "\n"
        else:
            lines[index] = draw(st.text(max_size=30)) + "\n"
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=edited())
def test_an_edited_policy_loads_or_raises_policy_error(tmp_path_factory, text: str) -> None:
    directory = tmp_path_factory.mktemp("edited")
    shutil.copy(REPO / "policies/directory.csv", directory / "directory.csv")
    path = directory / "policy.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        assert exc.file == str(path)
        assert exc.reason
    else:
        assert policy.policy_hash


def test_deep_nesting_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("version: 1\nrules: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="nested too deeply"):
        load_policy(path)


def test_the_policy_hash_changes_with_the_directory_file(policy_file: PolicyFile) -> None:
    path = policy_file(BASE + "directory: people.csv\nrules: []\n")
    csv = path.parent / "people.csv"
    header = "email,family_name,given_name,family_reading,given_reading,organization\n"
    csv.write_text(header + "a@example.co.jp,鈴木,一郎,,,\n", encoding="utf-8")
    first = load_policy(path)
    csv.write_text(header + "a@example.co.jp,鈴木,二郎,,,\n", encoding="utf-8")
    second = load_policy(path)
    assert first.policy_hash != second.policy_hash
    assert first.directory_size == second.directory_size == 1
