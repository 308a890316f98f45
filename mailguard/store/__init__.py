"""Where messages live between ``250`` and delivery: the ``Store`` protocol and its backends."""

from mailguard.store.base import AuditEvent, NewMessage, Store, StoredMessage

__all__ = ["AuditEvent", "NewMessage", "Store", "StoredMessage"]
