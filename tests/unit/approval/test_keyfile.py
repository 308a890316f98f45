"""The signing key survives restarts and can be shared by replicas."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mailguard.core.config import Config, WebConfig
from mailguard.core.errors import ConfigError
from mailguard.workflow.approval.keyfile import load_secret_key


def test_a_generated_key_is_persisted_privately_and_reused(tmp_path: Path) -> None:
    config = Config(var_dir=str(tmp_path / "var"))
    first = load_secret_key(config)
    assert len(first) >= 32
    assert load_secret_key(config) == first
    mode = (tmp_path / "var" / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_the_configured_key_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    config = Config(var_dir=str(tmp_path), web=WebConfig(secret_key="c" * 20))
    assert load_secret_key(config) == b"c" * 20
    assert not (tmp_path / "secret_key").exists()


def test_a_short_key_is_a_config_error(tmp_path: Path) -> None:
    config = Config(var_dir=str(tmp_path), web=WebConfig(secret_key="short"))
    with pytest.raises(ConfigError, match=r"web\.secret_key"):
        load_secret_key(config)
