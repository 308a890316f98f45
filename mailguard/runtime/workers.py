"""Several relay processes on the same SMTP ports, when ``processes`` > 1.

One Python process uses one core, and a relay that inspects every message is CPU-bound. The
first process (the supervisor) starts as usual, then starts ``processes - 1`` workers with the
same config and the SMTP ports it actually bound (so port 0 works), in
``MAILGUARD_WORKER_PORTS``. The kernel spreads new connections over every process listening
with SO_REUSEPORT. Each worker inspects, stores and delivers on its own; they share the store
(SQLite serialises the writers; PostgreSQL is the choice for many processes or machines).
Workers do not serve the web side: they write snapshots of their counters that the
supervisor's ``/metrics`` adds to its own (``mailguard.runtime.metrics_share``).

Signals: SIGHUP is passed on to the workers; on SIGTERM the supervisor stops its workers
(SIGTERM, then SIGKILL after a grace period) before itself. A worker whose supervisor
vanished (SIGKILL) stops by itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys

from mailguard.core.config import Config

WORKER_ENV = "MAILGUARD_WORKER_PORTS"
SUPERVISOR_ENV = "MAILGUARD_SUPERVISOR_PID"
ORPHAN_CHECK_SECONDS = 1.0


def worker_ports() -> tuple[int, ...] | None:
    """The SMTP ports to share when this process is a worker; None for the supervisor."""
    value = os.environ.get(WORKER_ENV)
    return None if value is None else tuple(int(p) for p in value.split(","))


def supervisor_pid() -> int:
    """Given in the environment: by the time a worker asks ``getppid`` it may already be 1."""
    return int(os.environ.get(SUPERVISOR_ENV, "0")) or os.getppid()


def as_worker(config: Config, ports: tuple[int, ...]) -> Config:
    listeners = tuple(
        dataclasses.replace(listener, port=port)
        for listener, port in zip(config.smtp.listeners, ports, strict=True)
    )
    return dataclasses.replace(
        config, smtp=dataclasses.replace(config.smtp, listeners=listeners), processes=1
    )


async def stop_when_orphaned(parent: int) -> None:
    """Stop this worker (as SIGTERM would) once its supervisor is gone."""
    while os.getppid() == parent:  # noqa: ASYNC110 - no event exists for "my parent died"
        await asyncio.sleep(ORPHAN_CHECK_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


class Workers:
    def __init__(self, config_path: str | None, count: int, grace: float) -> None:
        self._config_path = config_path
        self._count = count
        self._grace = grace
        self._procs: list[subprocess.Popen[bytes]] = []

    def start(self, ports: list[int]) -> None:
        args = [sys.executable, "-m", "mailguard", "serve"]
        if self._config_path is not None:
            args += ["--config", self._config_path]
        env = {
            **os.environ,
            WORKER_ENV: ",".join(str(p) for p in ports),
            SUPERVISOR_ENV: str(os.getpid()),
        }
        for _ in range(self._count):
            # S603: the arguments are this very interpreter and command, not outside input.
            worker = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
            self._procs.append(worker)

    def forward(self, sig: signal.Signals) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.send_signal(sig)

    async def stop(self) -> None:
        self.forward(signal.SIGTERM)
        for proc in self._procs:
            try:
                await asyncio.to_thread(proc.wait, self._grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        self._procs.clear()
