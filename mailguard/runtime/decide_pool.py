"""Where ``decide`` runs: on the event loop, in a thread, or in inspection processes.

Inspection is the CPU-heavy step of a message's way through the relay (about 0.6 ms for a
4 KiB mail, 12 ms for 500 KiB on the reference machine) and pure: bytes and a policy in, a
Decision out. With ``inspection_processes: N`` it runs in N worker processes, so the relay's
own process (SMTP, store, delivery) keeps its core and inspection gets the others. Each worker
loads the policy file itself and loads it again when the relay's policy generation changes
(after a reload), so no policy object ever crosses a process boundary; only the envelope, the
bytes and the Decision do. A small message is inspected on the loop even when there are
workers: handing it over (pickling, two pipe trips, the pool's manager thread) costs more than
inspecting it (bench/bench_relay.py at 4 KiB: 1.3 ms of CPU per message relayed inline, 1.8 ms
through one worker, and a lower rate). Without workers, a big message is inspected in a thread,
so it does not stall other sessions.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import structlog

from mailguard.core.model import Decision, Envelope
from mailguard.inspection.decider import Decider
from mailguard.runtime.live_policy import LivePolicy, PolicyLoader

INLINE_DECIDE_MAX = 256 * 1024
"""Up to this size a message is inspected on the event loop when there are no workers."""

POOL_MIN = 64 * 1024
"""From this size on a message goes to the inspection workers, when there are any."""

log = structlog.get_logger("mailguard.inspection")

_worker_policies: dict[str, tuple[int, Decider]] = {}
"""In a worker process: policy path -> (generation, decider)."""


def _decide_in_worker(
    load: PolicyLoader, path: str, generation: int, envelope: Envelope, raw: bytes
) -> Decision:
    cached = _worker_policies.get(path)
    if cached is None or cached[0] != generation:
        cached = (generation, load(path).decider)
        _worker_policies[path] = cached
    return cached[1].decide(envelope, raw)


async def decide_here(decider: Decider, envelope: Envelope, raw: bytes) -> Decision:
    if len(raw) <= INLINE_DECIDE_MAX:
        return decider.decide(envelope, raw)
    return await asyncio.to_thread(decider.decide, envelope, raw)


class DecidePool:
    def __init__(self, processes: int, policy: LivePolicy) -> None:
        self._processes = processes
        self._policy = policy
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn, not fork: the relay process has threads (the store's writer) and a loop.
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(self._processes, mp_context=context)

    async def decide(self, envelope: Envelope, raw: bytes) -> Decision:
        policy = self._policy
        # Without a policy file (run_without_policy) there is nothing to load in a worker.
        if len(raw) < POOL_MIN or not policy.from_file:
            return await decide_here(policy.decider, envelope, raw)
        loop = asyncio.get_running_loop()
        args = (policy.loader, policy.path, policy.generation, envelope, raw)
        try:
            return await loop.run_in_executor(self._executor, _decide_in_worker, *args)
        except BrokenProcessPool:
            # A worker died (killed, out of memory): start fresh ones for the next message;
            # this one gets a 451 and comes again.
            log.error("an inspection process died; restarting the pool")
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()
            raise

    async def warm_up(self) -> None:
        """Start the workers and load the policy in each before the first message."""
        empty = Envelope(mail_from="", rcpt_tos=("warm-up@localhost",))
        await asyncio.gather(*(self.decide(empty, b"\r\n") for _ in range(self._processes)))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
