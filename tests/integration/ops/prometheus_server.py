"""A real Prometheus (Debian's ``prometheus`` package) for one test: its own config, storage
and port under ``tmp_path``, stopped when the test ends."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import yaml

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Prometheus:
    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self._http = http

    async def query(self, promql: str) -> dict[str, Any]:
        """``/api/v1/query``'s JSON answer (status, data or error)."""
        async with self._http.get(
            f"{self.base_url}/api/v1/query", params={"query": promql}
        ) as response:
            answer: dict[str, Any] = await response.json()
            return answer

    async def rules(self) -> list[dict[str, Any]]:
        async with self._http.get(f"{self.base_url}/api/v1/rules") as response:
            answer: dict[str, Any] = await response.json()
        return [rule for group in answer["data"]["groups"] for rule in group["rules"]]

    async def value(self, promql: str) -> float | None:
        """The single value of an instant query, None while it has no result."""
        answer = await self.query(promql)
        assert answer["status"] == "success", answer
        result = answer["data"]["result"]
        return float(result[0]["value"][1]) if result else None

    async def wait_for_value(self, promql: str, expected: float, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        seen = None
        while (seen := await self.value(promql)) != expected:
            if time.monotonic() > deadline:
                raise AssertionError(f"{promql} is {seen}, never {expected}")
            await asyncio.sleep(0.2)


def _launch(
    workdir: Path, targets: list[str], rule_files: tuple[Path, ...]
) -> tuple[subprocess.Popen[bytes], str]:
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(p) for p in rule_files],
        "scrape_configs": [{"job_name": "mailguard", "static_configs": [{"targets": targets}]}],
    }
    workdir.mkdir(parents=True, exist_ok=True)
    config_file = workdir / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    with (workdir / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                PROMETHEUS,
                f"--config.file={config_file}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.asynccontextmanager
async def running_prometheus(
    workdir: Path, targets: list[str], rule_files: tuple[Path, ...] = ()
) -> AsyncIterator[Prometheus]:
    """Prometheus scraping ``targets`` (host:port) every second, until the block ends."""
    process, base_url = await asyncio.to_thread(_launch, workdir, targets, rule_files)
    try:
        async with aiohttp.ClientSession() as http:
            await _wait_ready(http, base_url, process, workdir)
            yield Prometheus(base_url, http)
    finally:
        await asyncio.to_thread(_stop, process)


async def _wait_ready(
    http: aiohttp.ClientSession, base_url: str, process: subprocess.Popen[bytes], workdir: Path
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = await asyncio.to_thread((workdir / "prometheus.log").read_text, errors="replace")
            raise AssertionError(f"prometheus exited with {process.returncode}:\n{log[-2000:]}")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{base_url}/-/ready") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise AssertionError("prometheus did not become ready within 30 s")
