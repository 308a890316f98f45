"""What the two-replica tests share: a cuttable path to PostgreSQL, a replica's config, and
counting what the upstream received."""

from __future__ import annotations

import collections
import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.upstream import Upstream

_TOKEN = re.compile(rb"^Subject: .* (m\d+)\r?$", re.M)

POLICY = """\
version: 1
organization: {internal_domains: [example.co.jp]}
approvers: {default: [boss@example.co.jp]}
rules:
  - id: hold-external
    when: {finding: external_recipient}
    action: hold
"""


class CuttableProxy:
    """A loopback TCP proxy to PostgreSQL that a test can cut, as a network failure would:
    every open connection is reset and new ones are refused until ``restore``. ``port``: where
    it listens (0: an ephemeral port)."""

    def __init__(self, target_port: int, port: int = 0) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:  # a cut between accept and connect must catch this pair too
                if not self._up:
                    client.close()
                    continue
                self._open.add(client)
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                if client not in self._open:  # cut meanwhile
                    server.close()
                    client.close()
                    continue
                self._open.add(server)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            self._up = False
            for s in self._open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._open.clear()

    def restore(self) -> None:
        with self._lock:
            self._up = True

    def close(self) -> None:
        self.cut()
        self._listener.close()


def write_config(
    directory: Path,
    name: str,
    *,
    dsn: str,
    upstream_port: int,
    poll_seconds: float,
    lease_seconds: float = 30.0,
) -> Path:
    """A replica's config (ports 0: each replica announces where it listens)."""
    (directory / "policy.yaml").write_text(POLICY, encoding="utf-8")
    path = directory / f"{name}.yaml"
    path.write_text(
        f"""
smtp: {{listeners: [{{port: 0}}]}}
web: {{port: 0, secret_key: one-key-for-every-replica-0123456789}}
upstream: {{kind: smtp, host: 127.0.0.1, port: {upstream_port}, tls: none}}
store: {{dsn: "{dsn}", pool_size: 6}}
delivery: {{workers: 4, lease_seconds: {lease_seconds}, first_retry_seconds: 1,
           poll_seconds: {poll_seconds}}}
policy: policy.yaml
var_dir: var-{name}
""",
        encoding="utf-8",
    )
    return path


def wait_for(condition: Callable[[], bool], timeout: float, why: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(why())
        time.sleep(0.05)


SENDER = "taro@example.co.jp"


def tokens_received(upstream: Upstream) -> collections.Counter[str]:
    """How many times each of the test's messages (by the token ending its Subject) reached
    ``upstream``; notification mails (another envelope sender) are not counted."""
    counts: collections.Counter[str] = collections.Counter()
    for mail in upstream.messages:
        match = _TOKEN.search(mail.data) if mail.mail_from == SENDER else None
        if match:
            counts[match[1].decode()] += 1
    return counts
