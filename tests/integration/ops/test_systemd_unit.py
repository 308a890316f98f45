"""deploy/systemd/mailguard.service: valid for systemd, and sandboxed as tightly as we claim.

``systemd-analyze verify`` needs ExecStart to exist, so it checks a copy whose ExecStart is
this venv's Python; ``systemd-analyze security --offline`` scores the sandbox from the file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (not a systemd system)"
)


@pytest.fixture
def unit_file(repo_root: Path) -> Path:
    return repo_root / "deploy" / "systemd" / "mailguard.service"


@pytest.fixture
def runnable_copy(unit_file: Path, tmp_path: Path) -> Path:
    lines = unit_file.read_text(encoding="utf-8").splitlines()
    copy = tmp_path / "mailguard.service"
    copy.write_text(
        "\n".join(
            f"ExecStart={sys.executable} -m mailguard serve" if ln.startswith("ExecStart=") else ln
            for ln in lines
        )
        + "\n",
        encoding="utf-8",
    )
    return copy


def service_section(unit_file: Path) -> dict[str, list[str]]:
    """Each [Service] key with all its values (systemd keys may repeat)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in unit_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_sandbox_options_we_promise_are_set(unit_file: Path) -> None:
    service = service_section(unit_file)
    expected = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "DynamicUser": "yes",
        "StateDirectory": "mailguard",
        "ReadWritePaths": "/var/lib/mailguard",
        "CapabilityBoundingSet": "",
    }
    for key, value in expected.items():
        assert service.get(key) == [value], key
    assert service["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]
    assert "@system-service" in service["SystemCallFilter"]
    assert service["ExecStart"][0].split()[1:] == [
        "serve",
        "--config",
        "/etc/mailguard/mailguard.yaml",
    ]


@needs_systemd
def test_systemd_analyze_verify_finds_nothing_to_complain_about(runnable_copy: Path) -> None:
    result = subprocess.run(
        [str(SYSTEMD_ANALYZE), "verify", "--man=no", str(runnable_copy)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Unknown or misspelt keys are only warnings: any output at all is a finding.
    assert result.stderr.strip() == "", result.stderr


@needs_systemd
def test_systemd_rates_the_sandbox_exposure_ok(runnable_copy: Path) -> None:
    """Exposure is 0 (locked down) to 10 (unprotected); systemd calls up to 2.0 "OK"."""
    result = subprocess.run(
        [str(SYSTEMD_ANALYZE), "security", "--offline=yes", "--threshold=20", str(runnable_copy)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "Overall exposure level for mailguard.service" in result.stdout
