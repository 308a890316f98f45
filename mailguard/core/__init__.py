"""The innermost layer: the value types, the rules of a message's life, errors, config and time.

Everything else imports from here; this folder imports nothing of mailguard outside itself and
no I/O library at all.
"""
