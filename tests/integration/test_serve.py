"""``mailguard serve`` as users run it: defaults, refusals at start, SIGHUP, SIGTERM."""

from __future__ import annotations

import shutil
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mailguard.runtime.decide_pool import POOL_MIN
from tests.mailmaker import make_mail
from tests.support.serve import ServeProcess

EPHEMERAL_PORTS = "smtp: {listeners: [{port: 0}]}\nweb: {port: 0}\n"


def serve(repo_root: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailguard", "serve", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(repo_root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bad_config_is_refused_with_file_key_and_reason(repo_root, tmp_path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("smtp:\n  max_recipents: 5\n", encoding="utf-8")
    result = serve(repo_root, tmp_path, "--config", str(config))
    assert result.returncode == 2
    assert f"{config}: smtp.max_recipents: unknown key" in result.stderr


def test_a_missing_policy_refuses_the_start(repo_root, tmp_path) -> None:
    result = serve(repo_root, tmp_path)
    assert result.returncode == 2
    assert "policies/default.yaml" in result.stderr
    assert "run_without_policy" in result.stderr


def test_an_unwritable_key_file_refuses_the_start_with_file_key_and_reason(
    repo_root, tmp_path
) -> None:
    shutil.copytree(repo_root / "policies", tmp_path / "policies")
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    config = tmp_path / "mailguard.yaml"
    # As root, permissions would not stop the write: a var_dir under a regular file does.
    config.write_text(
        EPHEMERAL_PORTS + "var_dir: a-file/var\nstore: {path: store.sqlite3}\n", encoding="utf-8"
    )
    result = serve(repo_root, tmp_path, "--config", str(config))
    assert result.returncode == 2
    key_file = tmp_path / "a-file" / "var" / "secret_key"
    assert f"mailguard serve: cannot start: {key_file}: web.secret_key: " in result.stderr
    assert "Traceback" not in result.stderr


def test_the_defaults_relay_into_the_local_maildir_and_stop_on_sigterm(repo_root, tmp_path) -> None:
    shutil.copytree(repo_root / "policies", tmp_path / "policies")
    config = tmp_path / "mailguard.yaml"
    config.write_text(EPHEMERAL_PORTS, encoding="utf-8")  # everything else: the defaults
    relay = ServeProcess(repo_root, tmp_path, config).start()
    try:
        raw = make_mail(("送信 太郎", "taro@example.co.jp"), ["hanako@example.co.jp"], "社内連絡")
        with smtplib.SMTP("127.0.0.1", relay.smtp_port, timeout=30) as client:
            client.sendmail("taro@example.co.jp", ["hanako@example.co.jp"], raw)
        outbox = tmp_path / "var" / "outbox" / "new"
        deadline = time.monotonic() + 30
        while not (outbox.is_dir() and any(outbox.iterdir())):
            assert time.monotonic() < deadline, relay.stderr
            time.sleep(0.05)
        (delivered,) = list(outbox.iterdir())
        assert delivered.read_bytes().endswith(raw.replace(b"\r\n", b"\n"))
        with urllib.request.urlopen(f"http://127.0.0.1:{relay.web_port}/readyz") as ready:
            assert ready.status == 200
        relay.signal(signal.SIGTERM)
        assert relay.wait() == 0
    finally:
        relay.kill()
    assert (tmp_path / "var" / "mailguard.sqlite3").exists()
    assert '"event": "message decided"' in relay.stderr  # JSON lines when not on a terminal
    assert "社内連絡" not in relay.stderr  # never the body or the subject


REJECT_EXTERNAL = """version: 1
organization: {internal_domains: [example.co.jp]}
rules:
  - id: no-external
    when: {finding: external_recipient}
    action: reject
    reply: "External mail is switched off."
"""


def metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


BIG_BODY = "本文です。\n" * (POOL_MIN // 8)
"""Big enough to be inspected in an inspection process rather than on the relay's loop."""


def refused_text(port: int, body: str = "本文です。") -> str:
    raw = make_mail(("送信", "taro@example.co.jp"), ["tanaka@partner.co.jp"], body=body)
    with (
        smtplib.SMTP("127.0.0.1", port, timeout=30) as client,
        pytest.raises(smtplib.SMTPDataError) as info,
    ):
        client.sendmail("taro@example.co.jp", ["tanaka@partner.co.jp"], raw)
    assert info.value.smtp_code == 550
    return info.value.smtp_error.decode()


def wait_metric(port: int, name: str, at_least: float, relay: ServeProcess) -> None:
    deadline = time.monotonic() + 30
    while metric(port, name) < at_least:
        assert time.monotonic() < deadline, relay.stderr
        time.sleep(0.05)


def test_sighup_with_a_broken_policy_keeps_the_last_good_one(repo_root, tmp_path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(REJECT_EXTERNAL, encoding="utf-8")
    config = tmp_path / "mailguard.yaml"
    # Inspection in a worker process (which only gets big mail): it must follow the reloads the
    # relay makes.
    config.write_text(
        EPHEMERAL_PORTS + f"policy: {policy}\ninspection_processes: 1\n", encoding="utf-8"
    )
    relay = ServeProcess(repo_root, tmp_path, config).start()
    try:
        assert refused_text(relay.smtp_port, BIG_BODY) == "5.7.1 External mail is switched off."
        policy.write_text(REJECT_EXTERNAL.replace("action: reject", "action: [broken"), "utf-8")
        relay.signal(signal.SIGHUP)
        wait_metric(relay.web_port, 'mailguard_policy_reloads_total{result="failed"}', 1, relay)
        assert refused_text(relay.smtp_port, BIG_BODY) == "5.7.1 External mail is switched off."
        with urllib.request.urlopen(f"http://127.0.0.1:{relay.web_port}/readyz") as ready:
            assert ready.status == 200
        assert "policy reload failed" in relay.stderr
        policy.write_text(REJECT_EXTERNAL.replace("switched off", "paused"), "utf-8")
        relay.signal(signal.SIGHUP)
        wait_metric(relay.web_port, 'mailguard_policy_reloads_total{result="ok"}', 2, relay)
        assert refused_text(relay.smtp_port, BIG_BODY) == "5.7.1 External mail is paused."
        relay.signal(signal.SIGTERM)
        assert relay.wait() == 0
    finally:
        relay.kill()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def start_two_processes(repo_root: Path, tmp_path: Path) -> tuple[ServeProcess, int]:
    """A supervisor and one worker; returns the supervisor and the worker's pid."""
    config = tmp_path / "mailguard.yaml"
    config.write_text(
        EPHEMERAL_PORTS + "processes: 2\nrun_without_policy: true\npolicy: none.yaml\n", "utf-8"
    )
    relay = ServeProcess(repo_root, tmp_path, config).start()
    assert relay.proc is not None
    (worker,) = children(relay.proc.pid)
    return relay, worker


def test_two_processes_share_the_port_and_stop_together(repo_root, tmp_path) -> None:
    relay, worker = start_two_processes(repo_root, tmp_path)
    try:
        for n in range(20):  # new connections: the kernel spreads them over both processes
            with smtplib.SMTP("127.0.0.1", relay.smtp_port, timeout=30) as client:
                client.sendmail("a@example.co.jp", ["b@example.co.jp"], make_mail(subject=f"n{n}"))
        outbox = tmp_path / "var" / "outbox" / "new"
        deadline = time.monotonic() + 30
        while not outbox.is_dir() or len(list(outbox.iterdir())) < 20:
            assert time.monotonic() < deadline, relay.stderr
            time.sleep(0.05)
        relay.signal(signal.SIGTERM)
        assert relay.wait() == 0
        assert not Path(f"/proc/{worker}").exists()  # stopped and reaped by the supervisor
    finally:
        relay.kill()


def gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "State:\tZ" in status  # exited; waiting for whoever adopted it to reap it


def test_a_worker_stops_when_its_supervisor_is_killed(repo_root, tmp_path) -> None:
    relay, worker = start_two_processes(repo_root, tmp_path)
    try:
        relay.signal(signal.SIGKILL)
        relay.wait()
        deadline = time.monotonic() + 20
        while not gone(worker):
            assert time.monotonic() < deadline, "an orphaned worker kept running"
            time.sleep(0.1)
    finally:
        relay.kill()
