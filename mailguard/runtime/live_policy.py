"""The policy in force, swapped whole on reload; a reload that fails keeps the last good one.

The relay reads ``decider`` once per message, so a reload never changes the rules halfway
through one message. Reloads come from SIGHUP and from a watcher that notices the policy file
(or one of its directory CSVs) changing on disk.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from mailguard.core.errors import MailguardError, PolicyError
from mailguard.inspection.decider import Decider, PassEverything
from mailguard.inspection.inspector import Inspector
from mailguard.inspection.policy import Policy, load_policy
from mailguard.workflow import metrics


@dataclass(frozen=True)
class LoadedPolicy:
    decider: Decider
    policy_hash: str
    files: tuple[str, ...]
    """Every file the policy was read from: a change to any of them triggers a reload."""
    policy: Policy | None = None
    """The policy itself, for the parts that route by it (approvers, aliases, admins); None
    for a decider that has no policy file behind it."""


PolicyLoader = Callable[[str], LoadedPolicy]

log = structlog.get_logger("mailguard.inspection.policy")


def load_inspector(path: str) -> LoadedPolicy:
    """The real inspection: the policy file, its checks and rules
    (``mailguard.inspection.inspector``)."""
    policy = load_policy(path)
    return LoadedPolicy(
        Inspector(policy), policy.policy_hash, (path, *policy.directory_files), policy
    )


class LivePolicy:
    def __init__(self, path: str, *, load: PolicyLoader, run_without_policy: bool) -> None:
        self.path = path
        self.loader = load
        self._run_without_policy = run_without_policy
        self.decider: Decider = PassEverything()
        self.policy: Policy | None = None
        """The policy in force (None without a policy file), swapped with ``decider``."""
        self.loaded = False
        """True once a policy (or, when configured, explicitly none) is in force."""
        self.policy_hash = ""
        self.generation = 0
        """Counts successful loads: inspection workers reload when it changes."""
        self.from_file = False
        """False while running without a policy file (``run_without_policy``)."""
        self.last_error = ""
        self._files: tuple[str, ...] = ()
        self._stamps: dict[str, float | None] = {}

    def load_initial(self) -> None:
        """Load at start; raise ``PolicyError`` so the relay refuses to start uninspected."""
        if not os.path.exists(self.path) and self._run_without_policy:
            log.warning("no policy file: every message passes uninspected", path=self.path)
            self.loaded, self.policy_hash = True, "none"
            metrics.policy_info.info({"file": self.path, "hash": "none"})
            return
        if not os.path.exists(self.path):
            raise PolicyError(
                self.path,
                None,
                "policy",
                "the policy file does not exist (set "
                "run_without_policy: true to relay without inspection)",
            )
        self._swap(self.loader(self.path))

    def reload(self) -> bool:
        """Try the file again; on failure keep the policy in force and say why."""
        try:
            loaded = self.loader(self.path)
        except (MailguardError, OSError) as exc:
            self.last_error = str(exc)
            metrics.policy_reloads.labels("failed").inc()
            log.error(
                "policy reload failed, keeping the last good policy",
                reason=str(exc),
                policy_hash=self.policy_hash,
            )
            self._stamps = self._stamp(self._files or (self.path,))
            return False
        self._swap(loaded)
        return True

    def changed_on_disk(self) -> bool:
        watched = self._files or (self.path,)
        return self._stamp(watched) != self._stamps

    async def watch(self, interval: float) -> None:
        """Reload whenever a policy file changes (runs until cancelled)."""
        while True:
            await asyncio.sleep(interval)
            if self.changed_on_disk():
                self.reload()

    def _swap(self, loaded: LoadedPolicy) -> None:
        self.decider, self.policy, self.policy_hash, self._files = (
            loaded.decider,
            loaded.policy,
            loaded.policy_hash,
            loaded.files,
        )
        self.loaded, self.last_error, self.from_file = True, "", True
        self.generation += 1
        self._stamps = self._stamp(self._files)
        metrics.policy_reloads.labels("ok").inc()
        metrics.policy_info.info({"file": self.path, "hash": self.policy_hash})
        log.info("policy loaded", path=self.path, policy_hash=self.policy_hash)

    @staticmethod
    def _stamp(files: tuple[str, ...]) -> dict[str, float | None]:
        stamps: dict[str, float | None] = {}
        for name in files:
            try:
                stamps[name] = os.stat(name).st_mtime
            except OSError:
                stamps[name] = None
        return stamps
