"""A SIGHUP names every changed key that it does not apply, so no edit is silently ignored."""

from __future__ import annotations

import dataclasses

from mailguard.core.config import Config, ListenerConfig, LogConfig, NotifyConfig, SmtpConfig
from mailguard.runtime.relay import changes_needing_restart


def test_live_keys_apply_and_are_not_named() -> None:
    running = Config()
    fresh = dataclasses.replace(
        running,
        smtp=dataclasses.replace(running.smtp, max_recipients=5, trusted_networks=()),
        log=LogConfig(level="debug"),
        policy="other.yaml",
    )
    assert changes_needing_restart(running, fresh) == []


def test_every_other_change_is_named_by_its_dotted_key() -> None:
    running = Config()
    fresh = dataclasses.replace(
        running,
        smtp=SmtpConfig(listeners=(ListenerConfig(port=2526),), hostname="relay.example.co.jp"),
        notify=NotifyConfig(language="en"),
        log=LogConfig(level="debug", mask_local_parts=True),
        processes=2,
    )
    assert changes_needing_restart(running, fresh) == [
        "smtp.listeners",
        "smtp.hostname",
        "notify.language",
        "log.mask_local_parts",
        "processes",
    ]


def test_the_same_config_needs_nothing() -> None:
    assert changes_needing_restart(Config(), Config(source="mailguard.yaml")) == []
