"""One ``/metrics`` for every relay process on a machine, when ``processes`` > 1.

Workers (see ``mailguard.runtime.workers``) run SMTP, inspection and delivery but no web
side, so their counters would never reach Prometheus: with two processes, ``/metrics``
would show about half the traffic. Each worker therefore writes a snapshot of its registry to
``<var_dir>/metrics/<pid>.prom`` every ``SHARE_SECONDS`` (and once more when it stops); the
process serving ``/metrics`` adds those snapshots' counters and histograms to its own.

Why files and not prometheus-client's multiprocess mode: that mode must be chosen by an
environment variable before the library is first imported and does not support ``Info``; the
supervisor only learns ``processes`` from the config after the import. A snapshot costs one
``generate_latest`` (well under a millisecond) per second per worker.

Counters stay monotonic across a worker's restart because a snapshot is never deleted while
its supervisor runs (a new worker has a new pid, the old snapshot keeps what it counted);
the supervisor clears the directory when it starts, which Prometheus sees as the restart it is.
Gauges and info metrics are not summed: the store-backed gauges are read from the shared store
by the serving process, and policy and build info are the same in every process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from prometheus_client import generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from mailguard.workflow import metrics

SHARE_SECONDS = 1.0
_SUMMED = frozenset({"counter", "histogram", "summary"})

SampleKey = tuple[str, tuple[tuple[str, str], ...]]


def share_dir(var_dir: str) -> Path:
    return Path(var_dir) / "metrics"


def clear(directory: Path) -> None:
    """Forget earlier processes' snapshots (the serving process, at start)."""
    for snapshot in directory.glob("*.prom"):
        with contextlib.suppress(FileNotFoundError):
            snapshot.unlink()


def write_snapshot(directory: Path) -> None:
    """This process's registry, replaced atomically so a reader never sees half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{os.getpid()}.prom"
    partial = target.with_suffix(".tmp")
    partial.write_bytes(generate_latest(metrics.REGISTRY))
    partial.replace(target)


async def publish(directory: Path, interval: float = SHARE_SECONDS) -> None:
    """Write snapshots until cancelled (a worker, for as long as it runs), then a last one.

    Cancelling cannot stop a write already running in its thread: the last snapshot waits for
    it, or the older write could land after the last one (both use the same file names)."""
    writing: asyncio.Future[None] | None = None
    try:
        while True:
            writing = asyncio.ensure_future(asyncio.to_thread(write_snapshot, directory))
            await asyncio.shield(writing)
            await asyncio.sleep(interval)
    finally:
        if writing is not None:
            await asyncio.gather(writing, return_exceptions=True)
        await asyncio.to_thread(write_snapshot, directory)


def _other_snapshots(directory: Path) -> list[str]:
    own = f"{os.getpid()}.prom"
    texts = []
    for path in sorted(directory.glob("*.prom")):
        if path.name != own:
            with contextlib.suppress(FileNotFoundError):
                texts.append(path.read_text(encoding="utf-8"))
    return texts


def _summed_samples(texts: Iterable[str]) -> dict[str, dict[SampleKey, float]]:
    """Family name -> sample -> the sum of its values over the snapshots."""
    totals: dict[str, dict[SampleKey, float]] = {}
    for text in texts:
        for family in text_string_to_metric_families(text):
            if family.type not in _SUMMED:
                continue
            sums = totals.setdefault(family.name, {})
            for sample in family.samples:
                key = (sample.name, tuple(sorted(sample.labels.items())))
                sums[key] = sums.get(key, 0.0) + sample.value
    return totals


class MergedRegistry:
    """A collector whose ``collect`` is this process's metrics plus the snapshots' counters."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def collect(self) -> list[Metric]:
        others = _summed_samples(_other_snapshots(self._directory))
        return [
            _with_added(family, others[family.name]) if family.name in others else family
            for family in metrics.REGISTRY.collect()
        ]


def _with_added(family: Metric, others: dict[SampleKey, float]) -> Metric:
    result = Metric(family.name, family.documentation, family.type, family.unit)
    seen = set()
    for sample in family.samples:
        key = (sample.name, tuple(sorted(sample.labels.items())))
        seen.add(key)
        result.samples.append(sample._replace(value=sample.value + others.get(key, 0.0)))
    # Label sets only a worker has seen so far (a rule id matched only there).
    for (name, labels), value in sorted(others.items()):
        if (name, labels) not in seen:
            result.samples.append(Sample(name, dict(labels), value))
    return result


def exposition(directory: Path) -> bytes:
    """What ``/metrics`` serves: this process's registry, plus the workers' counters if any."""
    if not directory.is_dir():
        return generate_latest(metrics.REGISTRY)
    return generate_latest(MergedRegistry(directory))
