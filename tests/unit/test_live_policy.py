"""The policy in force follows its files on disk; a broken edit keeps the last good policy.

Saving the policy file (or a directory CSV it names) reloads it without a SIGHUP: an admin who
edits the file must see it take effect, and one who saves a typo must keep being protected.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from mailguard.core.errors import PolicyError
from mailguard.core.model import PASS_EVERYTHING, Decision, Envelope
from mailguard.inspection.decider import PassEverything
from mailguard.runtime.live_policy import LivePolicy, LoadedPolicy


class Named:
    """A decider that only carries the file's text, so a test sees which load is in force."""

    def __init__(self, text: str) -> None:
        self.text = text

    def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        return PASS_EVERYTHING


class Files:
    def __init__(self, tmp_path: Path) -> None:
        self.policy = tmp_path / "policy.yaml"
        self.csv = tmp_path / "directory.csv"
        self.policy.write_text("first", encoding="utf-8")
        self.csv.write_text("email\n", encoding="utf-8")
        self.loads = 0
        self.tried = asyncio.Event()
        """Set by every load attempt, good or broken."""
        self._tick = 1_700_000_000

    def load(self, path: str) -> LoadedPolicy:
        self.loads += 1
        self.tried.set()
        text = Path(path).read_text(encoding="utf-8")
        if text == "broken":
            raise PolicyError(path, 1, "rules", "a broken edit")
        return LoadedPolicy(Named(text), text, (path, str(self.csv)))

    def save(self, path: Path, text: str | None = None) -> None:
        """Write (or touch) with a distinct mtime, as an editor saving seconds later would."""
        if text is not None:
            path.write_text(text, encoding="utf-8")
        self._tick += 10
        os.utime(path, (self._tick, self._tick))


def in_force(policy: LivePolicy) -> str:
    assert isinstance(policy.decider, Named)
    return policy.decider.text


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


@pytest.fixture
def live(files: Files) -> LivePolicy:
    policy = LivePolicy(str(files.policy), load=files.load, run_without_policy=False)
    policy.load_initial()
    return policy


def test_an_edit_of_the_policy_or_its_directory_is_noticed(files: Files, live: LivePolicy) -> None:
    assert not live.changed_on_disk()
    files.save(files.csv)
    assert live.changed_on_disk()
    live.reload()
    assert not live.changed_on_disk()
    files.save(files.policy, "second")
    assert live.changed_on_disk()


async def test_the_watcher_reloads_a_saved_policy(files: Files, live: LivePolicy) -> None:
    watcher = asyncio.create_task(live.watch(0.01))
    try:
        files.tried.clear()
        files.save(files.policy, "second")
        await asyncio.wait_for(files.tried.wait(), 10)
    finally:
        watcher.cancel()
    assert in_force(live) == "second"
    assert live.generation == 2


async def test_a_broken_save_keeps_the_last_good_policy_and_is_tried_once(
    files: Files, live: LivePolicy
) -> None:
    watcher = asyncio.create_task(live.watch(0.01))
    try:
        files.tried.clear()
        files.save(files.policy, "broken")
        await asyncio.wait_for(files.tried.wait(), 10)
        await asyncio.sleep(0.1)  # several more watch intervals: no reload storm
    finally:
        watcher.cancel()
    assert in_force(live) == "first"
    assert "a broken edit" in live.last_error
    assert files.loads == 2


def test_a_missing_policy_refuses_the_start_unless_allowed(tmp_path: Path, files: Files) -> None:
    missing = str(tmp_path / "nowhere.yaml")
    with pytest.raises(PolicyError, match="run_without_policy"):
        LivePolicy(missing, load=files.load, run_without_policy=False).load_initial()
    allowed = LivePolicy(missing, load=files.load, run_without_policy=True)
    allowed.load_initial()
    assert allowed.loaded and isinstance(allowed.decider, PassEverything)
    assert files.loads == 0
