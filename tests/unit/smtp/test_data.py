"""The chunked DATA reader: end marker across chunk edges, unstuffing, size limit, pipelining."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailguard.adapters.smtp.data import DataIncomplete, DataTooLarge, read_data


def stuffed(message: bytes) -> bytes:
    """What an SMTP client sends for ``message`` (RFC 5321 4.5.2), end marker included."""
    lines = message.split(b"\r\n")
    body = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
    return body + b".\r\n"


def reader_with(*chunks: bytes, eof: bool = False) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    for chunk in chunks:
        reader.feed_data(chunk)
    if eof:
        reader.feed_eof()
    return reader


async def test_reads_and_unstuffs_a_message() -> None:
    message = b"Subject: x\r\n\r\n.hidden dot\r\n..two\r\nend\r\n"
    assert await read_data(reader_with(stuffed(message)), None) == message


async def test_an_empty_message_is_just_the_marker() -> None:
    assert await read_data(reader_with(b".\r\n"), None) == b""


@given(
    lines=st.lists(st.sampled_from([b"a", b".", b"..", b".x", b"", b"long" * 50]), max_size=30),
    cut=st.integers(min_value=1, max_value=40),
)
def test_any_chunking_gives_the_same_message(lines: list[bytes], cut: int) -> None:
    message = b"".join(line + b"\r\n" for line in lines)
    wire = stuffed(message)

    async def run() -> bytes:
        reader = asyncio.StreamReader()
        for i in range(0, len(wire), cut):
            reader.feed_data(wire[i : i + cut])
        return await read_data(reader, None)

    assert asyncio.run(run()) == message


async def test_bytes_after_the_marker_go_back_to_the_command_loop() -> None:
    reader = reader_with(b"hello\r\n.\r\nQUIT\r\n")
    assert await read_data(reader, None) == b"hello\r\n"
    assert await reader.readuntil(b"\r\n") == b"QUIT\r\n"


async def test_over_the_limit_is_refused_after_consuming_through_the_marker() -> None:
    big = b"x" * 998 + b"\r\n"
    reader = reader_with(big * 300 + b".\r\nNOOP\r\n")
    with pytest.raises(DataTooLarge):
        await read_data(reader, 10_000)
    assert await reader.readuntil(b"\r\n") == b"NOOP\r\n"


async def test_exactly_at_the_limit_is_accepted() -> None:
    message = b"a" * 8 + b"\r\n"
    assert await read_data(reader_with(stuffed(message)), len(message)) == message
    with pytest.raises(DataTooLarge):
        await read_data(reader_with(stuffed(message)), len(message) - 1)


async def test_a_closed_connection_before_the_marker_is_incomplete() -> None:
    with pytest.raises(DataIncomplete):
        await read_data(reader_with(b"half a message\r\n", eof=True), None)
