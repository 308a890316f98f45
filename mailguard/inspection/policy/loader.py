"""``load_policy(path)``: the only way in. All or nothing: it returns a complete ``Policy``
(directory loaded, every check built once) or raises ``PolicyError``; it never half-loads,
so a relay reloading on SIGHUP can keep serving the last good policy when this raises.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

from mailguard.core.errors import DirectoryError, PolicyError
from mailguard.inspection.checks.settings import CheckSettings, build_checks
from mailguard.inspection.contacts import load_directory
from mailguard.inspection.policy.document import parse_document
from mailguard.inspection.policy.model import Policy
from mailguard.inspection.policy.yamltree import compose

HASH_LENGTH = 16


def load_policy(path: str | os.PathLike[str]) -> Policy:
    file = os.fspath(path)
    data = _read(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError(file, line, "(file)", "not UTF-8 text; save it as UTF-8") from exc
    policy, directory_nodes = parse_document(compose(text, file), Path(file).parent)
    digest = hashlib.sha256()
    _add(digest, data)
    for csv_file, node in zip(policy.directory_files, directory_nodes, strict=True):
        try:
            _add(digest, Path(csv_file).read_bytes())
        except OSError as exc:
            raise node.error(f"cannot read directory file {csv_file}: {exc.strerror}") from exc
    try:
        directory = load_directory([Path(f) for f in policy.directory_files])
    except DirectoryError as exc:
        raise PolicyError(exc.file, exc.line, "directory", exc.reason) from exc
    options = policy.checks
    settings = CheckSettings(
        internal_domains=policy.internal_domains,
        known_domains=options.known_domains,
        directory=directory,
        bulk_min_recipients=options.bulk_min_recipients,
        bulk_min_domains=options.bulk_min_domains,
    )
    return replace(
        policy,
        source=file,
        policy_hash=digest.hexdigest()[:HASH_LENGTH],
        check=build_checks(settings),
        directory_size=len(directory),
    )


def _read(file: str) -> bytes:
    try:
        return Path(file).read_bytes()
    except OSError as exc:
        raise PolicyError(file, None, "(file)", f"cannot read: {exc.strerror}") from exc


def _add(digest: hashlib._Hash, data: bytes) -> None:
    """Length-prefixed, so moving bytes between files changes the hash."""
    digest.update(len(data).to_bytes(8, "big"))
    digest.update(data)
