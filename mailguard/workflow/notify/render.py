"""One Jinja2 environment for mails and pages: HTML autoescaped, text left as text.

Templates are looked up by name in the given package folders, so a page can reuse the summary
partials of the notification mails. Findings are shown through
``explain(finding, t.language)`` so each reader gets the reasons in their own language.
``StrictUndefined`` turns a typo in a template into an error in the tests instead of an empty
line in a mail.
"""

from __future__ import annotations

from datetime import datetime

import jinja2

from mailguard.inspection.explain import explain
from mailguard.workflow.notify.headers import one_line


def environment(*folders: str) -> jinja2.Environment:
    """An environment over ``mailguard/<folder>`` for each folder, first match wins."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("mailguard", f) for f in folders]),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["when"] = format_time
    env.filters["oneline"] = one_line
    env.filters["size"] = format_size
    env.globals["explain"] = explain
    return env


def format_time(timestamp: float | None) -> str:
    """Local time with its zone: approvers read it, and they sit where the server does."""
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def format_size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size} {unit}"
        size //= 1024
    return f"{size} GB"
