"""mailguard: an SMTP relay that stops mis-sent email before it leaves the company.

The folders are the layers, and imports only point inward (``tests/unit/test_layering.py``):

- ``core``: value types, the rules of a message's life, errors, config, time.
- ``inspection``: bytes and an envelope to findings and a decision (pure).
- ``workflow``: intake, approval, notification and delivery rules, over the store and
  transport ports.
- ``adapters``: SMTP in, upstream out, SQLite/PostgreSQL, the web side.
- ``runtime``: the composition root and the processes.
- ``cli``: the ``mailguard`` command.
"""

__version__ = "0.1.0"
