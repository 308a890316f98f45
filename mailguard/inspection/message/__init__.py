"""Raw bytes -> a parsed, decoded view of a message (pure; never raises on bad input)."""

from mailguard.inspection.message.addresses import normalize_address, normalize_domain
from mailguard.inspection.message.model import Address, Attachment, ParsedMessage
from mailguard.inspection.message.parse import DEFAULT_LIMITS, Limits, parse_message

__all__ = [
    "DEFAULT_LIMITS",
    "Address",
    "Attachment",
    "Limits",
    "ParsedMessage",
    "normalize_address",
    "normalize_domain",
    "parse_message",
]
