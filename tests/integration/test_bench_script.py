"""``bench/serve-for-bench.sh`` still runs mailguard in the shared Postfix comparison harness.

The script rewrites the default policy's internal domains with ``sed``; if the policy's layout
changes, every benchmark message would be delayed as external and the harness would count no
deliveries at all. Here it relays one message the way the harness sends it (example.com to
example.net) and cleans up on SIGTERM.
"""

from __future__ import annotations

import os
import re
import signal
import smtplib
import subprocess
import sys
import threading
from pathlib import Path

from tests.mailmaker import make_mail
from tests.support.upstream import Upstream

_SMTP_PORT = re.compile(r"SMTP on [^:]+:(\d+)")


def first_line(proc: subprocess.Popen[str], timeout: float) -> str:
    lines: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""


def test_the_bench_script_relays_harness_mail_and_cleans_up(
    repo_root: Path, tmp_path: Path, upstream: Upstream
) -> None:
    env = {
        **os.environ,
        "MG_LISTEN_HOST": "127.0.0.1",
        "MG_LISTEN_PORT": "0",
        "MG_UPSTREAM_HOST": upstream.host,
        "MG_UPSTREAM_PORT": str(upstream.port),
        "MAILGUARD_PYTHON": sys.executable,
        "TMPDIR": str(tmp_path),
    }
    proc = subprocess.Popen(
        ["bash", str(repo_root / "bench" / "serve-for-bench.sh")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        match = _SMTP_PORT.search(first_line(proc, timeout=60))
        assert match is not None, "the relay did not announce its SMTP port"
        raw = make_mail(("送信 太郎", "taro@example.com"), ["hanako@example.net"], "bench")
        with smtplib.SMTP("127.0.0.1", int(match.group(1)), timeout=30) as client:
            client.sendmail("taro@example.com", ["hanako@example.net"], raw)
        (got,) = upstream.wait_for_sync(1, timeout=30)
        assert got.rcpts == ("hanako@example.net",)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert list(tmp_path.glob("mailguard-bench.*")) == []
