"""The relay's HTTP side: one aiohttp application, one module per group of routes.

Each module in ``_ROUTES`` exposes ``register(app, relay)``; add yours to the tuple (like
``cli/_COMMANDS``) instead of editing another module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from mailguard.runtime.relay import Relay

_ROUTES = (
    "mailguard.adapters.web.ops",
    "mailguard.adapters.web.approval",
    "mailguard.adapters.web.sender",
    "mailguard.adapters.web.admin",
)


def build_web_app(relay: Relay) -> web.Application:
    app = web.Application()
    for name in _ROUTES:
        importlib.import_module(name).register(app, relay)
    return app
