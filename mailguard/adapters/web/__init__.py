"""The relay's HTTP side: one aiohttp application, one module per group of routes.

The composition root hands in everything the pages need (``WebParts``); no route module
reaches into the relay or changes another part. Add a module's routes here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from mailguard.adapters.web import admin, approval, ops, sender
from mailguard.workflow.approval.workflow import Workflow


@dataclass(frozen=True)
class WebParts:
    observed: ops.Observed
    """What ``/readyz`` and the store gauges look at."""
    workflow: Workflow
    """Decisions, links and notices for the approval, sender and admin pages."""
    exposition: Callable[[], bytes]
    """The ``/metrics`` text (this process's registry and its workers' snapshots)."""


def build_web_app(parts: WebParts) -> web.Application:
    app = web.Application()
    ops.register(app, parts.observed, parts.exposition)
    approval.add_routes(app, parts.workflow)
    sender.add_routes(app, parts.workflow)
    admin.add_routes(app, parts.workflow)
    return app
