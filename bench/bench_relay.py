#!/usr/bin/env python3
"""Relay throughput: N messages over C concurrent SMTP sessions, through mailguard and, in the
same run, through a bare aiosmtpd -> aiosmtplib relay, into a counting sink.

    /work/venv/bin/python bench/bench_relay.py --count 2000 --concurrency 20 --sizes 4k,500k

Prints, per path and size: delivered msgs/s (clock stops when the sink has every message),
the rate at which the relay answered 250, per-message latency p50/p99 as the client saw it,
and the relay's peak RSS (VmHWM, summed over its processes). mailguard runs as
``mailguard serve`` with its store on disk, fsync on, and the default policy's checks and
rules in force (its internal domains set to the bench's, so every message passes and is
delivered). The machine is shared: compare paths within one run, not across runs.

Paths: ``bare``, ``mailguard`` (SQLite store), ``mailguard-pg`` (one replica on PostgreSQL at
``--dsn``) and ``mailguard-pg2`` (two replicas sharing that database, the sessions spread over
both, as a TCP load balancer would); each PostgreSQL run gets a fresh schema, dropped after.

The sink and the bare relay are subcommands of this file (``_sink``, ``_bare``), each in its
own process so the figures are the relay's, not the load generator's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
HOST = "127.0.0.1"
SENDER = "sender@bench.example"
RCPT = "rcpt@bench.example"


# ---------------------------------------------------------------------------- the sink


async def _sink_session(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, count: list[int]
) -> None:
    from mailguard.adapters.smtp.data import read_data

    writer.write(b"220 sink ESMTP\r\n")
    while line := await reader.readline():
        verb = line[:4].upper()
        if verb == b"DATA":
            writer.write(b"354 go\r\n")
            await read_data(reader, None)
            count[0] += 1
            writer.write(b"250 2.0.0 ok\r\n")
        elif verb == b"EHLO":
            writer.write(b"250-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 100000000\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            break
        elif verb == b"XCNT":  # the bench asks how many arrived
            writer.write(b"250 %d\r\n" % count[0])
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()
    writer.close()


def run_sink(port_file: str) -> None:
    async def main() -> None:
        count = [0]
        server = await asyncio.start_server(
            lambda r, w: _sink_session(r, w, count), HOST, 0, limit=1 << 20
        )
        port = str(server.sockets[0].getsockname()[1])
        await asyncio.to_thread(Path(port_file).write_text, port)
        await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------------------- the bare relay


def run_bare(listen_port: int, upstream_port: int) -> None:
    """aiosmtpd in, aiosmtplib out (pooled connections), 250 after the upstream's 250."""
    import aiosmtplib
    from aiosmtpd.controller import UnthreadedController

    class Handler:
        def __init__(self) -> None:
            self.idle: list[aiosmtplib.SMTP] = []

        async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
            client = self.idle.pop() if self.idle else None
            if client is None or not client.is_connected:
                client = aiosmtplib.SMTP(hostname=HOST, port=upstream_port, start_tls=False)
                await client.connect()
            await client.sendmail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
            self.idle.append(client)
            return "250 2.0.0 relayed"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    controller = UnthreadedController(
        Handler(), hostname=HOST, port=listen_port, loop=loop, server_hostname="bare.bench"
    )
    controller.begin()
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.run_forever()


# ---------------------------------------------------------------------------- the load


def message(size: int, number: int) -> bytes:
    head = (
        f"From: Sender <{SENDER}>\r\nTo: Rcpt <{RCPT}>\r\nSubject: bench {number}\r\n"
        f"Message-ID: <{number}.{time.time_ns()}@bench.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
    ).encode()
    line = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return head + body


async def _reply(reader: asyncio.StreamReader) -> bytes:
    while True:
        line = await reader.readline()
        if line[3:4] != b"-":
            if not line.startswith((b"2", b"3")):
                raise RuntimeError(f"refused: {line!r}")
            return line


async def drive(
    ports: list[int], count: int, concurrency: int, size: int, per_connection: int
) -> tuple[float, list[float]]:
    """C sessions, each sending its share of N messages, ``per_connection`` per connection
    (0: all over one connection; 1: a new connection per message, as smtp-source does).
    Session ``i`` connects to ``ports[i % len(ports)]``.

    A raw client rather than aiosmtplib: the load generator must cost little next to the relay
    (aiosmtplib re-scans every message for dot-stuffing and tops out near 130 msg/s at
    500 KiB on this machine). The generated messages have no line starting with a dot.
    """
    latencies: list[float] = []
    shares = [
        count // concurrency + (1 if i < count % concurrency else 0) for i in range(concurrency)
    ]

    async def connection(port: int, numbers: range) -> None:
        reader, writer = await asyncio.open_connection(HOST, port, limit=1 << 20)
        await _reply(reader)
        writer.write(b"EHLO client.bench\r\n")
        await _reply(reader)
        for n in numbers:
            raw = message(size, n)
            started = time.perf_counter()
            for command in (f"MAIL FROM:<{SENDER}>", f"RCPT TO:<{RCPT}>", "DATA"):
                writer.write(command.encode() + b"\r\n")
                await _reply(reader)
            writer.write(raw + b".\r\n")
            await _reply(reader)
            latencies.append(time.perf_counter() - started)
        writer.write(b"QUIT\r\n")
        await reader.read()
        writer.close()

    async def session(share: int, first: int, port: int) -> None:
        step = per_connection or share
        for start in range(first, first + share, step):
            await connection(port, range(start, min(start + step, first + share)))

    started = time.perf_counter()
    starts = [sum(shares[:i]) for i in range(concurrency)]
    await asyncio.gather(
        *(
            session(s, f, ports[i % len(ports)])
            for i, (s, f) in enumerate(zip(shares, starts, strict=True))
            if s
        )
    )
    return time.perf_counter() - started, latencies


def sink_count(port: int) -> int:
    with socket.create_connection((HOST, port)) as conn:
        stream = conn.makefile("rwb")
        stream.readline()
        stream.write(b"XCNT\r\n")
        stream.flush()
        reply = stream.readline()
        stream.write(b"QUIT\r\n")
        stream.flush()
        stream.readline()
    return int(reply.split()[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def process_tree(pid: int) -> list[int]:
    pids, found = [pid], []
    while pids:
        current = pids.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids += [int(c) for c in children]
    return found


def peak_rss_mib(pid: int) -> float:
    """VmHWM of ``pid`` and its descendants (several relay processes share the load)."""
    total = 0
    for current in process_tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+)", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its descendants so far."""
    ticks = 0
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


BENCH_POLICY_DOMAINS = "[bench.example]"


def start_mailguard(
    workdir: Path, listen: int, upstream: int, args: argparse.Namespace, dsn: str | None = None
) -> subprocess.Popen[bytes]:
    processes, inspectors, profile_to = args.processes, args.inspectors, args.profile
    policy_dir = workdir / "policies"
    policy_dir.mkdir(exist_ok=True)
    default = (REPO / "policies" / "default.yaml").read_text(encoding="utf-8")
    policy = re.sub(
        r"internal_domains: \[[^\]]*\]", f"internal_domains: {BENCH_POLICY_DOMAINS}", default
    )
    (policy_dir / "default.yaml").write_text(policy, encoding="utf-8")
    for extra in (REPO / "policies").glob("*.csv"):
        (policy_dir / extra.name).write_bytes(extra.read_bytes())
    config = workdir / f"mailguard-{listen}.yaml"
    store = (
        f"{{path: {workdir}/var/mailguard.sqlite3, fsync: true}}"
        if dsn is None
        else f'{{dsn: "{dsn}", pool_size: 20}}'
    )
    config.write_text(
        f"""smtp: {{listeners: [{{host: {HOST}, port: {listen}}}], max_sessions: 1000}}
upstream: {{kind: smtp, host: {HOST}, port: {upstream}, tls: none}}
store: {store}
delivery: {{workers: {args.workers}}}
web: {{port: 0}}
processes: {processes}
inspection_processes: {inspectors}
log: {{level: info, format: json}}
policy: {policy_dir}/default.yaml
""",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    profile = ["-m", "cProfile", "-o", profile_to] if profile_to else []
    return subprocess.Popen(
        [sys.executable, *profile, "-m", "mailguard", "serve", "--config", str(config)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / f"serve-{listen}.log", "ab"),
    )


def measure(path: str, size: int, args: argparse.Namespace) -> dict[str, float | str]:
    replicas = {"mailguard-pg": 1, "mailguard-pg2": 2}.get(path, 1)
    schema = f"mg_bench_{os.getpid()}_{time.time_ns()}"
    dsn = f"{args.dsn}{'&' if '?' in args.dsn else '?'}search_path={schema}"
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        workdir = Path(tmp)
        port_file = workdir / "sink.port"
        sink = subprocess.Popen([sys.executable, __file__, "_sink", str(port_file)])
        relays: list[subprocess.Popen[bytes]] = []
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.02)
            sink_port = int(port_file.read_text())
            listens = [free_port() for _ in range(replicas)]
            if path == "direct":  # the load generator and the sink alone: this run's ceiling
                listens = [sink_port]
            elif path == "mailguard":
                relays.append(start_mailguard(workdir, listens[0], sink_port, args))
            elif path.startswith("mailguard-pg"):
                postgres_sql(args.dsn, f"CREATE SCHEMA {schema}")
                for listen in listens:
                    relays.append(start_mailguard(workdir, listen, sink_port, args, dsn))
            elif path == "bare":
                relays.append(
                    subprocess.Popen(
                        [sys.executable, __file__, "_bare", str(listens[0]), str(sink_port)]
                    )
                )
            else:
                raise ValueError(path)
            for listen in listens:
                wait_port(listen)
            cpu_before = sum(cpu_seconds(r.pid) for r in relays)
            started = time.perf_counter()
            accept_s, latencies = asyncio.run(
                drive(listens, args.count, args.concurrency, size, args.per_connection)
            )
            while sink_count(sink_port) < args.count:
                if time.perf_counter() - started > args.timeout:
                    raise RuntimeError(f"{path}: sink got {sink_count(sink_port)}/{args.count}")
                time.sleep(0.01)
            total_s = time.perf_counter() - started
            rss = sum(peak_rss_mib(r.pid) for r in relays)
            cpu = sum(cpu_seconds(r.pid) for r in relays) - cpu_before
        finally:
            for proc in (*relays, sink):
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            if path.startswith("mailguard-pg"):
                postgres_sql(args.dsn, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    latencies.sort()
    return {
        "path": path,
        "size": size,
        "msgs_s": args.count / total_s,
        "accept_s": args.count / accept_s,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "rss_mib": rss,
        "cpu_ms": cpu / args.count * 1000,
    }


def postgres_sql(dsn: str, statement: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1024, "m": 1024 * 1024}.get(text[-1], 1)
    return int(text.rstrip("km")) * scale


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_sink":
        run_sink(sys.argv[2])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_bare":
        run_bare(int(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--sizes", default="4k,500k")
    parser.add_argument("--paths", default="bare,mailguard")
    parser.add_argument(
        "--per-connection",
        type=int,
        default=0,
        help="messages per connection (0: one connection per session; 1: like smtp-source)",
    )
    parser.add_argument("--processes", type=int, default=1, help="mailguard relay processes")
    parser.add_argument("--inspectors", type=int, default=1, help="mailguard inspection_processes")
    parser.add_argument("--workers", type=int, default=20, help="mailguard delivery.workers")
    parser.add_argument("--profile", help="write a cProfile of mailguard serve to this file")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--dsn",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="PostgreSQL for the mailguard-pg paths",
    )
    args = parser.parse_args()
    columns = ("size", "msgs/s", "250/s", "p50 ms", "p99 ms", "RSS MiB", "CPU ms")
    print(f"{'path':<13} " + " ".join(f"{c:>8}" for c in columns))
    for size in (parse_size(s) for s in args.sizes.split(",")):
        for path in args.paths.split(","):
            r = measure(path, size, args)
            print(
                f"{r['path']:<13} {size:>8} {r['msgs_s']:>8.0f} {r['accept_s']:>8.0f} "
                f"{r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['rss_mib']:>8.1f} {r['cpu_ms']:>8.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
