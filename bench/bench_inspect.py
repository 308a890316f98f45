"""Per-message inspection time and memory: ``Inspector.decide`` on raw bytes, default policy.

Usage: ``python bench/bench_inspect.py [--runs N]`` from the repo root. Generates its inputs:
a 4 KiB Japanese text mail, a mail with a 1 MB PDF, and zips of 100 and 1,000 entries
(1 MB and 10 MB, stored, incompressible). Prints p50/p99 per input and the peak memory
(tracemalloc) of one decision, so growth with archive size is visible.
Targets: p99 < 5 ms at 4 KiB, < 100 ms for the 10 MB zip, memory not growing with the number
of archive entries beyond the message's own bytes.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailguard.core.model import Envelope
from mailguard.inspection.inspector import Inspector
from mailguard.inspection.policy import load_policy

SENDER = "tanaka.yuki@example.co.jp"
RCPT = "yamamoto@partner.example.com"


def mail(body: str, attachment: tuple[str, bytes, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"田中 由紀 <{SENDER}>"
    message["To"] = f"山本 彩 <{RCPT}>"
    message["Subject"] = "お見積りの件"
    message.set_content(body)
    if attachment is not None:
        name, data, ctype = attachment
        main, sub = ctype.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message.as_bytes()


def text_mail() -> bytes:
    line = "いつもお世話になっております。先日のお打ち合わせの件、資料をお送りします。\n"
    body = "山本 彩 様\n\n" + line * 40
    raw = mail(body)
    return raw[:4096] if len(raw) > 4096 else raw


def pdf(size: int) -> bytes:
    """A valid single-page PDF carrying ``size`` bytes of binary stream data."""
    stream = os.urandom(size)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def archive(entries: int, entry_size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for i in range(entries):
            zf.writestr(f"資料/file{i:04d}.dat", os.urandom(entry_size))
    return buffer.getvalue()


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def timed(decide: Callable[[], object], runs: int) -> tuple[float, float]:
    decide()  # warm caches (lazy imports, lru caches) before measuring
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        decide()
        times.append(time.perf_counter() - start)
    times.sort()
    return percentile(times, 0.5) * 1000, percentile(times, 0.99) * 1000


def peak_memory(decide: Callable[[], object]) -> int:
    tracemalloc.start()
    decide()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="runs for the 4 KiB mail")
    args = parser.parse_args()
    inspector = Inspector(load_policy(Path("policies/default.yaml")))
    envelope = Envelope(SENDER, (RCPT,))
    inputs = [
        ("4 KiB text mail", text_mail(), args.runs),
        ("1 MB PDF", mail("山本 様\n", ("見積書.pdf", pdf(1 << 20), "application/pdf")), 30),
        ("1 MB zip, 100 entries", mail("資料\n", ("a.zip", archive(100, 10_240), "x/zip")), 20),
        ("10 MB zip, 1000 entries", mail("資料\n", ("b.zip", archive(1000, 10_240), "x/zip")), 10),
    ]
    print(
        f"{'input':<26}{'raw KiB':>10}{'p50 ms':>10}{'p99 ms':>10}{'peak MiB':>10}{'peak/raw':>10}"
    )
    for name, raw, runs in inputs:

        def decide(raw: bytes = raw) -> object:
            return inspector.decide(envelope, raw)

        p50, p99 = timed(decide, runs)
        peak = peak_memory(decide)
        print(
            f"{name:<26}{len(raw) / 1024:>10.0f}{p50:>10.2f}{p99:>10.2f}"
            f"{peak / (1 << 20):>10.1f}{peak / len(raw):>10.2f}"
        )
    action = inspector.decide(envelope, inputs[-1][1]).action.value
    print(f"(decision for the 10 MB zip: {action}; runs: {[r for _, _, r in inputs]})")


if __name__ == "__main__":
    main()
