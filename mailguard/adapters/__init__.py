"""The I/O shell: SMTP in (``smtp``), upstream out (``upstream``), SQLite and PostgreSQL
(``store``) and the web side (``web``). Each adapter implements a port of the workflow or
drives the workflow from a protocol.
"""
