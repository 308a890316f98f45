#!/usr/bin/env python3
"""DATA reading, before and after: aiosmtpd's line-at-a-time loop against ``read_data``.

    /work/venv/bin/python bench/bench_data_reader.py

Both read the same stuffed message from an ``asyncio.StreamReader`` fed in 64 KiB pieces (as
a socket delivers it); the "before" loop is aiosmtpd 1.4's: ``readuntil(b"\\r\\n")`` per line,
a list of lines, unstuffing per line, one join. Prints microseconds per message and MB/s.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailguard.adapters.smtp.data import read_data

LINE = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n"


async def line_at_a_time(reader: asyncio.StreamReader) -> bytes:
    lines: list[bytes] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        if line == b".\r\n":
            break
        lines.append(line[1:] if line.startswith(b".") else line)
    return b"".join(lines)


async def timed(reader_fn: object, wire: bytes, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        reader = asyncio.StreamReader(limit=1001)  # aiosmtpd's limit: one command line
        for i in range(0, len(wire), 65536):
            reader.feed_data(wire[i : i + 65536])
        await reader_fn(reader)  # type: ignore[operator]
    return (time.perf_counter() - started) / rounds


async def main() -> None:
    print(f"{'size':>8} {'lines us':>10} {'chunks us':>10} {'speed-up':>9}")
    for size in (4 * 1024, 500 * 1024, 5 * 1024 * 1024):
        message = b"Subject: x\r\n\r\n" + LINE * (size // len(LINE))
        wire = message + b".\r\n"
        rounds = max(3, 2_000_000 // size)
        before = await timed(line_at_a_time, wire, rounds)
        after = await timed(lambda r: read_data(r, None), wire, rounds)
        print(f"{size:>8} {before * 1e6:>10.0f} {after * 1e6:>10.0f} {before / after:>8.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
