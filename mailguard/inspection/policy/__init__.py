"""YAML policy → validated ``Policy``; findings → ``Decision`` (pure; reads only its files).

    load_policy(path) -> Policy        all or nothing; raises PolicyError(file, line, key, reason)
    evaluate(policy, findings, ...)    the strictest enforced matched rule decides

The language is documented for admins in ``docs/policy.md``.
"""

from __future__ import annotations

from mailguard.inspection.policy.evaluate import evaluate
from mailguard.inspection.policy.loader import load_policy
from mailguard.inspection.policy.model import Policy

__all__ = ["Policy", "evaluate", "load_policy"]
