"""Where the link signing key comes from, so approval links survive restarts.

``web.secret_key`` (set in the config file, or by ``MAILGUARD_SECRET_KEY`` through
``load_config``), else a key generated once and kept in ``<var_dir>/secret_key`` (mode 0600).
The file is created atomically (written aside, then hard-linked into place), so two processes
starting together agree on one key.

Several replicas behind one address must share one key (set ``MAILGUARD_SECRET_KEY`` on all of
them): a link signed by one replica is checked by whichever replica the approver reaches.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from mailguard.core.config import Config
from mailguard.core.errors import ConfigError

KEY_FILE_NAME = "secret_key"
_MIN_KEY_CHARS = 16


def load_secret_key(config: Config) -> bytes:
    configured = config.web.secret_key
    if configured is not None:
        if len(configured) < _MIN_KEY_CHARS:
            raise ConfigError(
                config.source,
                "web.secret_key",
                f"must be at least {_MIN_KEY_CHARS} characters (try: openssl rand -hex 32)",
            )
        return configured.encode("utf-8")
    return _persisted_key(Path(config.var_dir) / KEY_FILE_NAME)


def _persisted_key(path: Path) -> bytes:
    try:
        existing = path.read_text("ascii").strip()
    except FileNotFoundError:
        existing = ""
    except OSError as exc:
        raise ConfigError(str(path), "web.secret_key", f"cannot read the key file: {exc}") from exc
    if existing:
        return existing.encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process won the race; its key is the one
        finally:
            aside.unlink()
        return path.read_text("ascii").strip().encode("ascii")
    except OSError as exc:
        raise ConfigError(
            str(path), "web.secret_key", f"cannot create the key file: {exc}"
        ) from exc
