"""Reading the DATA section in large chunks instead of aiosmtpd's one line at a time.

aiosmtpd awaits ``readuntil(b"\\r\\n")`` per line (its issue #293): a 500 KiB message is ~7,000
awaits, which dominates the relay's CPU. Here the stream is read 64 KiB at a time and scanned
for the end marker ``CRLF.CRLF``; dot-unstuffing is one ``bytes.replace``. Past the size limit
the reader stops keeping data (only the last few bytes, to find the end marker across chunks)
but still consumes the stream up to the marker, so the client gets its 552 in sync.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

CHUNK = 64 * 1024
BUFFER_LIMIT = 1024 * 1024
"""While reading DATA the stream may buffer this much before pausing the socket. aiosmtpd's
reader limit is one command line (1001 bytes), so the transport would pause and resume (two
epoll changes) for every chunk the kernel hands over."""
_END = b"\r\n.\r\n"
_CRLF = b"\r\n"


class DataTooLarge(Exception):
    """The message exceeded the limit; the stream was consumed through its end marker."""


class DataIncomplete(Exception):
    """The client closed the connection before the end marker."""


async def read_data(
    reader: asyncio.StreamReader,
    limit: int | None,
    on_chunk: Callable[[], None] | None = None,
) -> bytes:
    """The unstuffed message, its last line's CRLF included (``b""`` for an empty message).

    Bytes after the end marker (a client pipelining its next command) are put back into the
    reader for the command loop.
    """
    saved_limit = reader._limit  # type: ignore[attr-defined]
    reader._limit = max(saved_limit, BUFFER_LIMIT)  # type: ignore[attr-defined]
    try:
        return await _read_until_marker(reader, limit, on_chunk)
    finally:
        reader._limit = saved_limit  # type: ignore[attr-defined]


async def _read_until_marker(
    reader: asyncio.StreamReader, limit: int | None, on_chunk: Callable[[], None] | None
) -> bytes:
    # A leading CRLF lets one search find the marker even when the message is empty (".\r\n")
    # and lets one replace unstuff the first line like every other.
    buf = bytearray(_CRLF)
    kept_from = 0  # bytes of the message dropped from ``buf`` after the limit was passed
    too_large = False
    while True:
        chunk = await reader.read(CHUNK)
        if not chunk:
            raise DataIncomplete
        if on_chunk is not None:
            on_chunk()
        scan_from = max(len(buf) - len(_END) + 1, 0)
        buf += chunk
        end = buf.find(_END, scan_from)
        if end >= 0:
            break
        if limit is not None and kept_from + len(buf) - len(_CRLF) > limit + len(_END):
            too_large = True
            tail = len(_END) - 1
            kept_from += len(buf) - tail
            del buf[:-tail]
    _unread(reader, bytes(buf[end + len(_END) :]))
    if too_large or (limit is not None and kept_from + end > limit):
        raise DataTooLarge
    del buf[end + len(_CRLF) :]
    return bytes(buf).replace(b"\r\n.", b"\r\n")[len(_CRLF) :]


def _unread(reader: asyncio.StreamReader, data: bytes) -> None:
    """Give bytes read past the end marker back to the command loop.

    StreamReader has no public unread; its buffer is a bytearray that ``readuntil`` consumes
    from the front (aiosmtpd itself clears it the same way after STARTTLS).
    """
    if data:
        reader._buffer[:0] = data  # type: ignore[attr-defined]
