"""Load benchmark of the signals list API (scoping + audit) against gunicorn and
PostgreSQL on 127.0.0.1, with wrk (Debian package) as the load tool.

    .venv/bin/python benchmarks/signals/run.py [--duration 20] [--connections 32]

Builds a fresh database ``wr_signals_bench`` with the demo data, issues a partner token
for the police of the first demo town, starts gunicorn, and runs wrk against:

- ``/api/signals/``              scoped by the covenant, one audit event per request
- ``/bench/scoped-no-audit/``    scoped, no audit (benchmark-only URL)
- ``/bench/unscoped/``           neither (benchmark-only URL)
- mixed (``mixed.lua``): per connection four reads of the real endpoint, then one
  registration ``POST /api/signals/``; and the same with the reads unscoped and
  unaudited, as the reference for what scoping and audit cost in a read/write mix

Afterwards it checks that exactly one audit event was written per successful scoped
request and that the hash chain verifies. Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "wr_signals_bench"
PG = "postgres://postgres@127.0.0.1:5432"
VARIANTS = [("scoped + audited (the real endpoint)", "/api/signals/?limit=50"),
            ("scoped, audit off", "/bench/scoped-no-audit/?limit=50"),
            ("scoping and audit off", "/bench/unscoped/?limit=50")]
# Reads and writes mixed 4:1 (mixed.lua): the real list endpoint, and as the reference
# the list without scoping and audit; the writes are the real registration in both.
MIXED = "mixed: "
MIXED_VARIANTS = [(MIXED + "4 reads (scoped + audited) : 1 registration",
                   "/api/signals/?limit=50"),
                  (MIXED + "4 reads (scoping and audit off) : 1 registration",
                   "/bench/unscoped/?limit=50")]
MIXED_SCRIPT = Path(__file__).with_name("mixed.lua")


def _env(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env |= {"DATABASE_URL": f"{PG}/{DB_NAME}", "WIJKREGIE_VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "benchmarks.signals.bench_settings",
            "PYTHONPATH": str(ROOT), "WIJKREGIE_SECRET_KEY": "benchmark-only"}
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "wijkregie.cli", *args], env=env, check=True,
                          capture_output=True, text=True, cwd=ROOT).stdout


def _reset_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _sql(query: str) -> int:
    import psycopg

    with psycopg.connect(f"{PG}/{DB_NAME}", autocommit=True) as conn:
        cursor = conn.execute(query)
        return int(cursor.fetchone()[0]) if cursor.description else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master and its workers (from /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in [str(master), *children]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _wrk(base: str, path: str, token: str, duration: int, connections: int,
         threads: int, mixed: bool = False) -> dict:
    """wrk against one path, or (``mixed``) the read path and registrations 4:1."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
               "--timeout", "5s", "-H", f"Authorization: Token {token}"]
    env = dict(os.environ)
    if mixed:
        command += ["-s", str(MIXED_SCRIPT), base]
        env |= {"WR_READ_PATH": path, "WR_TOKEN": token}
    else:
        command.append(base + path)
    out = subprocess.run(command, check=True, capture_output=True, text=True,
                         env=env).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": ms("50"), "p90": ms("90"), "p99": ms("99"), "requests": requests,
            "errors": errors, "raw": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per variant")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds; each runs every variant once, in rotating order")
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="wr-bench-")
    env = _env(var_dir)
    started = time.perf_counter()
    _reset_database()
    _manage(env, "migrate", "-v0")
    _manage(env, "demo", "load", "--seed", "1")
    _sql("VACUUM ANALYZE")  # statistics and visibility map, as autovacuum keeps them
    token = _manage(env, "signals", "issue-token", "--organisation",
                    "Politie basisteam Havenwaard (demo)", "--municipality", "GM9001"
                    ).strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wijkregie.wsgi", "-w", str(args.workers),
         "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        variants = VARIANTS + MIXED_VARIANTS
        for name, path in variants:  # warm-up
            _wrk(base, path, token, 3, args.connections, args.threads, name.startswith(MIXED))
        runs: dict[str, list[dict]] = {name: [] for name, _ in variants}
        for round_no in range(args.rounds):
            # A shared machine's load drifts: rotate the order so no variant always
            # runs in the same slot.
            shift = round_no % len(variants)
            for name, path in variants[shift:] + variants[:shift]:
                time.sleep(2)  # let the previous variant's in-flight requests finish
                before = _sql("SELECT count(*) FROM core_auditevent")
                signals_before = _sql("SELECT count(*) FROM signals_signal")
                cpu_before, load_before = _cpu_seconds(server.pid), _load()
                result = _wrk(base, path, token, args.duration, args.connections,
                              args.threads, name.startswith(MIXED))
                time.sleep(2)  # requests still in flight at the end are served and counted
                result["cpu_ms"] = (_cpu_seconds(server.pid) - cpu_before) * 1000
                result["audit_events"] = _sql("SELECT count(*) FROM core_auditevent") - before
                result["written"] = _sql("SELECT count(*) FROM signals_signal") - signals_before
                result["load"] = f"{load_before}–{_load()}"
                runs[name].append(result)
        results = [(name, path, runs[name]) for name, path in variants]
    finally:
        server.terminate()
        server.wait(timeout=20)
    chain = _manage(env, "audit", "verify").strip()
    _report(args, results, chain, time.perf_counter() - started)


def _report(args, results, chain: str, seconds: float) -> None:  # type: ignore[no-untyped-def]
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    pg = _sql("SHOW server_version_num")
    print(f"Machine: {os.cpu_count()} vCPU {cpu}; Python {platform.python_version()}, "
          f"Django {version('django')}, DRF {version('djangorestframework')}, "
          f"gunicorn {version('gunicorn')} ({args.workers} sync workers), "
          f"PostgreSQL {pg // 10000}.{pg % 10000}, wrk -t{args.threads} "
          f"-c{args.connections} -d{args.duration}s (after a 3 s warm-up per variant).\n")
    print("| variant | round | requests/s | p50 ms | p90 ms | p99 ms | requests | errors | "
          "audit events | signals written | app CPU ms/request | load avg (1 min) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, _path, runs in results:
        for number, r in enumerate(runs, start=1):
            print(f"| {name} | {number} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p90']:.0f} | "
                  f"{r['p99']:.0f} | {r['requests']} | {r['errors']} | {r['audit_events']} | "
                  f"{r['written']} | "
                  f"{r['cpu_ms'] / r['requests']:.1f} | "
                  f"{r['load']} |")
    print("\nSummary (all rounds): total requests / total time; CPU per request of the app "
          "server processes (independent of other load on the machine).\n")
    print("| variant | requests/s | worst p99 ms | errors | app CPU ms/request |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _path, runs in results:
        requests = sum(r["requests"] for r in runs)
        served = sum(r["requests"] for r in runs)
        print(f"| {name} | {requests / (args.duration * len(runs)):.0f} | "
              f"{max(r['p99'] for r in runs):.0f} | {sum(r['errors'] for r in runs)} | "
              f"{sum(r['cpu_ms'] for r in runs) / served:.1f} |")
    print(f"\n`wijkregie audit verify` afterwards: {chain}")
    print(f"Whole run (database, demo, runs): {seconds:.0f} s")


if __name__ == "__main__":
    main()
