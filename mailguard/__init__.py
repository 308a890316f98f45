"""mailguard: an SMTP relay that stops mis-sent email before it leaves the company.

The package is a pure core (``message``, ``formats``, ``names``, ``checks``, ``policy`` and the
small data modules ``model``, ``states``, ``retry``) inside an I/O shell (``smtp``, ``store``,
``delivery``, ``web``, ``notify``, ``app``, ``cli``). Imports point inward: nothing in the core
imports asyncio, a socket or the store.
"""

__version__ = "0.1.0"
