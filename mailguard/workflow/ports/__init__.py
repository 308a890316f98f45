"""The seams the workflow needs from the outside world: a ``Store`` and a ``Transport``.
The adapters implement them; the workflow knows only these protocols.
"""
