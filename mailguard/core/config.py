"""The relay's configuration: typed sections with embedded defaults.

With no file, ``Config()`` is a relay that works on a fresh machine: SMTP on 127.0.0.1:2525,
SQLite under ``./var/``, ``policies/default.yaml``, delivery into the Maildir ``./var/outbox/``.
``load_config`` (in ``config_load``) reads YAML over these defaults, applies ``MAILGUARD_*``
environment overrides for secrets, and refuses a bad file with its file, key and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TlsPolicy = Literal["none", "opportunistic", "required"]


@dataclass(frozen=True, slots=True)
class ListenerConfig:
    host: str = "127.0.0.1"
    port: int = 2525
    implicit_tls: bool = False
    """True: TLS from the first byte (port 465 style); False: STARTTLS offered if a cert is set."""


@dataclass(frozen=True, slots=True)
class TlsConfig:
    cert_file: str | None = None
    key_file: str | None = None


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    listeners: tuple[ListenerConfig, ...] = (ListenerConfig(),)
    hostname: str = "mailguard.localhost"
    tls: TlsConfig = TlsConfig()
    users_file: str | None = None
    """Path of the users file (``mailguard user add``); None: no AUTH offered."""
    trusted_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    """Clients here may relay without AUTH (connectors, scripts)."""
    allow_auth_without_tls_on_loopback: bool = False
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """user name -> extra addresses that user may send as."""
    max_message_size: int = 25 * 1024 * 1024
    max_recipients: int = 100
    max_sessions: int = 200
    command_timeout: float = 300.0
    data_timeout: float = 600.0
    shutdown_grace_seconds: float = 30.0
    """On SIGTERM, how long open sessions may take to finish before they are cut."""


@dataclass(frozen=True, slots=True)
class UpstreamConfig:
    kind: Literal["smtp", "maildir"] = "maildir"
    maildir: str = "var/outbox"
    host: str = "127.0.0.1"
    port: int = 25
    tls: TlsPolicy = "opportunistic"
    ca_file: str | None = None
    username: str | None = None
    password: str | None = None
    """Secret: prefer ``MAILGUARD_UPSTREAM_PASSWORD``."""
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class StoreConfig:
    path: str = "var/mailguard.sqlite3"
    dsn: str | None = None
    """A PostgreSQL DSN (``MAILGUARD_STORE_DSN``); when set, ``path`` is ignored."""
    fsync: bool = True
    pool_size: int = 10
    """PostgreSQL connections per replica (delivery workers, SMTP sessions and pages share
    them)."""


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    workers: int = 20
    """Concurrent attempts. Each spends most of its time waiting (upstream replies, two store
    commits), so with 8 the queue drained slower than mail arrived at 4 KiB (bench_relay)."""
    lease_seconds: float = 300.0
    first_retry_seconds: float = 300.0
    backoff_factor: float = 2.0
    max_retry_interval_seconds: float = 4 * 3600.0
    max_lifetime_seconds: float = 5 * 24 * 3600.0
    poll_seconds: float = 1.0


@dataclass(frozen=True, slots=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8025
    public_base_url: str = "http://127.0.0.1:8025"
    secret_key: str | None = None
    """Signs approval links; every replica needs the same (``MAILGUARD_SECRET_KEY``). None:
    a key is generated and kept under ``var/``."""
    link_ttl_seconds: float = 7 * 24 * 3600.0
    admin_password: str | None = None
    """``MAILGUARD_ADMIN_PASSWORD``; None and no proxy header: the admin page is disabled."""
    trusted_proxy_header: str | None = None
    """E.g. ``X-Remote-User`` set by an authenticating reverse proxy."""


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    from_address: str = "mailguard@localhost"
    language: Literal["ja", "en"] = "ja"
    languages: dict[str, Literal["ja", "en"]] = field(default_factory=dict)
    """Per-recipient overrides: address -> language."""
    admins: tuple[str, ...] = ()
    """Alerted when a held message has nobody who may approve it."""


@dataclass(frozen=True, slots=True)
class ApprovalConfig:
    sweep_seconds: float = 5.0
    """How often held and delayed messages are checked for timeouts, delays that ran out and
    escalations. Each replica sweeps; conditional transitions make each message happen once."""


@dataclass(frozen=True, slots=True)
class LogConfig:
    level: str = "info"
    format: Literal["auto", "json", "console"] = "auto"
    mask_local_parts: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    smtp: SmtpConfig = SmtpConfig()
    upstream: UpstreamConfig = UpstreamConfig()
    store: StoreConfig = StoreConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    web: WebConfig = WebConfig()
    notify: NotifyConfig = NotifyConfig()
    approval: ApprovalConfig = ApprovalConfig()
    log: LogConfig = LogConfig()
    policy: str = "policies/default.yaml"
    processes: int = 1
    """Relay processes sharing the SMTP listeners (SO_REUSEPORT, Linux): each runs SMTP,
    inspection and delivery on its own core. The first also serves the web side."""
    inspection_processes: int = 0
    """Processes that inspect messages beside the relay's own (0: inspect in the relay
    process). Inspection is the CPU-heavy step: 1 on a 2-core machine, cores - 1 above."""
    run_without_policy: bool = False
    """True: a missing policy file means no inspection at all (every message passes). False:
    a missing policy file refuses the start, so a relay never runs uninspected by accident."""
    var_dir: str = "var"
    source: str = "<defaults>"
    """The file this came from, for error messages and reloads."""
