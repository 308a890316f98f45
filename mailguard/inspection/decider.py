"""The seam between the relay and the inspection core: ``decide(envelope, raw) -> Decision``.

The relay only knows this protocol. The policy package provides the real implementation (parse,
run the checks, apply the rules); ``PassEverything`` is what a relay without a policy does.
"""

from __future__ import annotations

from typing import Protocol

from mailguard.core.model import PASS_EVERYTHING, Decision, Envelope


class Decider(Protocol):
    def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        """Pure and synchronous: no I/O, bounded time. Never raises for a malformed message."""


class PassEverything:
    def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        return PASS_EVERYTHING
