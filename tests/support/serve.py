"""``mailguard serve`` as a real subprocess, for the tests that need signals and a real crash.

``ServeProcess.start`` waits for the announce line (``mailguard: SMTP on HOST:PORT; web on
URL; ...``) and parses where it listens; stderr (the JSON logs) is kept in a file so a test
can read it and a failing test shows it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

_ANNOUNCE = re.compile(r"SMTP on [^:]+:(\d+)[^;]*; web on http://[^:]+:(\d+)")


class ServeProcess:
    def __init__(self, repo_root: Path, cwd: Path, config: Path | None) -> None:
        self.repo_root, self.cwd, self.config = repo_root, cwd, config
        self.stderr_path = cwd / f"serve-{id(self)}.stderr"
        self.proc: subprocess.Popen[str] | None = None
        self.smtp_port = self.web_port = 0

    def start(self, timeout: float = 30.0) -> ServeProcess:
        args = [sys.executable, "-m", "mailguard", "serve"]
        if self.config is not None:
            args += ["--config", str(self.config)]
        env = {**os.environ, "PYTHONPATH": str(self.repo_root)}
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                args, cwd=self.cwd, env=env, stdout=subprocess.PIPE, stderr=err, text=True
            )
        line = self._readline(timeout)
        match = _ANNOUNCE.search(line)
        if match is None:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"serve did not start: {line!r}\n{self.stderr}")
        self.smtp_port, self.web_port = int(match.group(1)), int(match.group(2))
        return self

    def _readline(self, timeout: float) -> str:
        assert self.proc is not None and self.proc.stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.proc.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        return lines[0] if lines else ""

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
