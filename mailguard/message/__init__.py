"""Raw bytes -> a parsed, decoded view of a message (pure; never raises on bad input)."""
