"""The ``Store`` port implemented twice: SQLite (the embedded default) and PostgreSQL (several
replicas). The SQL lives in ``sql/`` and ``migrations/``."""
