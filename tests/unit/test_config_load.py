"""``load_config``: YAML over the defaults, env secrets, and refusals naming file, key, reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.core.config import Config
from mailguard.core.config_load import load_config
from mailguard.core.errors import ConfigError


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "mailguard.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_no_file_gives_the_defaults_with_paths_under_the_cwd(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, environ={})
    assert config.smtp.listeners[0].port == Config().smtp.listeners[0].port
    assert config.store.path == str(tmp_path / "var" / "mailguard.sqlite3")
    assert config.upstream.maildir == str(tmp_path / "var" / "outbox")
    assert config.source == "<defaults>"


def test_yaml_overrides_nested_sections_and_resolves_paths_next_to_the_file(tmp_path) -> None:
    path = write(
        tmp_path,
        """
smtp:
  listeners: [{host: 127.0.0.1, port: 0}, {port: 4650, implicit_tls: true}]
  tls: {cert_file: certs/relay.pem, key_file: /etc/relay.key}
  aliases: {taro@example.co.jp: [sales@example.co.jp]}
  max_recipients: 5
upstream: {kind: smtp, port: 2526, tls: none}
delivery: {first_retry_seconds: 1}
""",
    )
    config = load_config(path, environ={})
    assert [(ln.port, ln.implicit_tls) for ln in config.smtp.listeners] == [
        (0, False),
        (4650, True),
    ]
    assert config.smtp.tls.cert_file == str(tmp_path / "certs" / "relay.pem")
    assert config.smtp.tls.key_file == "/etc/relay.key"
    assert config.smtp.aliases == {"taro@example.co.jp": ("sales@example.co.jp",)}
    assert config.upstream.tls == "none"
    assert config.delivery.first_retry_seconds == 1.0
    assert config.source == path


def test_secrets_come_from_the_environment(tmp_path) -> None:
    path = write(tmp_path, "upstream: {password: in-file}\n")
    env = {
        "MAILGUARD_UPSTREAM_PASSWORD": "from-env",
        "MAILGUARD_SECRET_KEY": "k" * 32,
        "MAILGUARD_ADMIN_PASSWORD": "admin-pw",
        "MAILGUARD_STORE_DSN": "postgresql://127.0.0.1/test",
    }
    config = load_config(path, environ=env)
    assert config.upstream.password == "from-env"
    assert config.web.secret_key == "k" * 32
    assert config.web.admin_password == "admin-pw"
    assert config.store.dsn == "postgresql://127.0.0.1/test"


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("smtp: {max_sise: 10}\n", "smtp.max_sise", "unknown key"),
        ("bogus: 1\n", "bogus", "unknown key"),
        ("smtp: {max_recipients: many}\n", "smtp.max_recipients", "whole number"),
        ("smtp: {max_recipients: 0}\n", "smtp.max_recipients", "greater than 0"),
        ("smtp: {allow_auth_without_tls_on_loopback: yes please}\n", "smtp.allow", "true or"),
        ("upstream: {tls: maybe}\n", "upstream.tls", "must be one of"),
        ("smtp: {listeners: [{port: 70000}]}\n", "smtp.listeners[0].port", "not a TCP port"),
        (
            "smtp: {listeners: [{port: 465, implicit_tls: true}]}\n",
            "smtp.listeners[0].implicit_tls",
            "cert_file",
        ),
        ("smtp: {trusted_networks: [10.0.0.0/33]}\n", "smtp.trusted_networks[0]", "10.0"),
        ("smtp: {tls: {cert_file: a.pem}}\n", "smtp.tls", "go together"),
        ("smtp: [1, 2]\n", "smtp", "mapping"),
        ("log: {level: loud}\n", "log.level", "must be one of"),
        ("smtp: {listeners: [}\n", "(syntax)", "line 1"),
    ],
)
def test_a_bad_file_is_refused_with_file_key_and_reason(tmp_path, text, key, reason) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    assert info.value.file == path
    assert info.value.key.startswith(key)
    assert reason in info.value.reason


def test_a_missing_file_is_refused(tmp_path) -> None:
    missing = str(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError) as info:
        load_config(missing, environ={})
    assert info.value.file == missing
    assert "cannot read" in info.value.reason


def test_an_empty_file_means_the_defaults(tmp_path) -> None:
    config = load_config(write(tmp_path, "# nothing yet\n"), environ={})
    assert config.smtp.max_message_size == Config().smtp.max_message_size
