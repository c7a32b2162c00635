"""Benchmark: peak memory of the connectors on ~100 MB exports, against a baseline.

Generates, in a temporary folder, a Statuspage incidents export (JSON) and a
CSV events table of about ``--mb`` megabytes each, then measures every case in
its own fresh Python process (so one case's memory cannot hide another's):

- ``bytes``: reading the file's bytes alone (the floor);
- ``json.load`` / ``pandas.read_csv``: parsing the same file alone, the baseline
  a reader cannot do much better than without a streaming parser;
- ``pmkit.load``: the file into the five tables.

For each case it prints the wall time, the peak resident memory above the
process's size after imports (``ru_maxrss`` delta) and, in a second run with
``tracemalloc`` on, the peak of Python allocations; both next to the file size
as a ratio. The issue asks that a 100 MB export loads without holding several
copies of it in memory: a ratio above ~6x is flagged.

Usage::

    .venv/bin/python bench/bench_connectors.py            # ~100 MB each
    .venv/bin/python bench/bench_connectors.py --mb 20    # smaller files
    .venv/bin/python bench/bench_connectors.py --no-tracemalloc

Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: above this peak/file-size ratio a reader holds several copies of the file
LIMIT_RATIO = 6.0

_WORDS = """checkout login search payments api gateway errors latency timeout queue
database replica cache certificate deploy rollback config users region traffic requests
elevated degraded restored monitoring investigating fix"""
_VOCAB = tuple(_WORDS.split())
_STATUSES = ("investigating", "identified", "monitoring", "resolved")
_KINDS = ("impact_start", "detected", "acknowledged", "note", "mitigated", "resolved")


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_VOCAB) for _ in range(n)).capitalize() + "."


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write_statuspage(path: Path, target_bytes: int, seed: int = 1) -> int:
    """A Statuspage ``{"page", "incidents": [...]}`` export of about ``target_bytes``."""
    rng = random.Random(seed)
    t0 = datetime(2023, 1, 1, tzinfo=UTC)
    n = 0
    written = 0
    with path.open("w", encoding="utf-8") as f:
        head = '{"page": {"id": "pgbench0001", "name": "Bench"}, "incidents": [\n'
        f.write(head)
        written += len(head)
        while written < target_bytes:
            iid = f"bench{n:07d}"
            created = t0 + timedelta(minutes=37 * n)
            updates = []
            for k, status in enumerate(_STATUSES):
                at = created + timedelta(minutes=12 * k)
                updates.append(
                    {
                        "id": f"{iid}u{k}",
                        "incident_id": iid,
                        "status": status,
                        "body": _sentence(rng, 18),
                        "created_at": _iso(at),
                        "display_at": _iso(at),
                        "affected_components": [],
                    }
                )
            rec = {
                "id": iid,
                "name": _sentence(rng, 5),
                "status": "resolved",
                "impact": rng.choice(("critical", "major", "minor")),
                "created_at": _iso(created),
                "updated_at": _iso(created + timedelta(minutes=36)),
                "started_at": _iso(created - timedelta(minutes=4)),
                "monitoring_at": _iso(created + timedelta(minutes=24)),
                "resolved_at": _iso(created + timedelta(minutes=36)),
                "shortlink": f"https://stspg.example.test/{iid}",
                "page_id": "pgbench0001",
                "incident_updates": updates,
                "components": [{"id": "cmp1", "name": rng.choice(_VOCAB), "status": "operational"}],
            }
            line = ("" if n == 0 else ",\n") + json.dumps(rec)
            f.write(line)
            written += len(line)
            n += 1
        f.write("\n]}\n")
    return n


def write_events_csv(path: Path, target_bytes: int, seed: int = 2) -> int:
    """A CSV events table (incident_id, at, kind, actor, text) of about ``target_bytes``."""
    rng = random.Random(seed)
    t0 = datetime(2023, 1, 1, tzinfo=UTC)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["incident_id", "at", "kind", "actor", "text"])
        while f.tell() < target_bytes:
            for _ in range(1000):
                inc = n // 8
                at = t0 + timedelta(minutes=37 * inc + 5 * (n % 8))
                w.writerow(
                    [
                        f"INC-{inc:07d}",
                        at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        _KINDS[min(n % 8, len(_KINDS) - 1)],
                        rng.choice(("ana", "li", "sam", "")),
                        _sentence(rng, 8),
                    ]
                )
                n += 1
    return n


# -- one case in a child process ----------------------------------------------------


def _rss_kib() -> int:
    """Current resident set size in KiB (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(case: str, path: str, trace: bool) -> None:
    import pandas as pd

    import pmkit

    def run() -> str:
        if case == "bytes":
            return f"{len(Path(path).read_bytes()):,} bytes"
        if case == "json.load":
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            return f"{len(doc['incidents']):,} incidents"
        if case == "pandas.read_csv":
            return f"{len(pd.read_csv(path)):,} rows"
        pm = pmkit.load(path)  # exports up to 256 MiB load by default
        c = pm.counts()
        return f"{c['incidents']:,} incidents, {c['events']:,} events, {c['problems']:,} problems"

    before = _rss_kib()
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    what = run()
    wall = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "rss": (maxrss - before) * 1024, "traced": peak, "what": what}))


def _measure(case: str, path: Path, trace: bool) -> tuple[float, float, float, str]:
    """(wall seconds, peak RSS bytes above imports, tracemalloc peak bytes, rows read)."""
    cmd = [sys.executable, __file__, "--child", case, str(path)]
    if trace:
        cmd.append("--trace")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return float(r["wall"]), float(r["rss"]), float(r["traced"]), str(r["what"])


def _mb(n: float) -> str:
    return f"{n / 1e6:7.1f} MB"


def report(label: str, path: Path, cases: list[str], trace: bool) -> dict[str, float]:
    size = path.stat().st_size
    print(f"\n{label}: {path.name}, {_mb(size)}")
    print(
        f"  {'case':<16} {'wall':>8} {'peak RSS':>11} {'x file':>7}"
        + (f" {'traced peak':>12} {'x file':>7}" if trace else "")
        + "  rows"
    )
    ratios: dict[str, float] = {}
    for case in cases:
        wall, rss, _, what = _measure(case, path, trace=False)
        line = f"  {case:<16} {wall:7.2f}s {_mb(rss)} {rss / size:6.1f}x"
        ratio = rss / size
        if trace:
            traced = _measure(case, path, trace=True)[2]
            line += f" {_mb(traced)}  {traced / size:6.1f}x"
            ratio = max(ratio, traced / size)
        ratios[case] = ratio
        over = case == "pmkit.load" and ratio > LIMIT_RATIO
        print(f"{line}  {what}" + (f"  <-- over {LIMIT_RATIO:.0f}x" if over else ""))
    return ratios


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0, help="size of each export (MB)")
    ap.add_argument("--no-tracemalloc", action="store_true", help="skip the tracemalloc runs")
    ap.add_argument("--only", choices=("statuspage", "csv"), help="one export only")
    ap.add_argument("--child", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child[0], args.child[1], args.trace)
        return 0
    import pmkit

    target = int(args.mb * 1e6)
    trace = not args.no_tracemalloc
    print(
        f"pmkit {pmkit.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
        "each case in a fresh process; peak RSS is ru_maxrss above the size after imports"
    )
    with tempfile.TemporaryDirectory(prefix="pmkit-bench-") as tmp:
        root = Path(tmp)
        if args.only in (None, "statuspage"):
            sp = root / "statuspage-incidents.json"
            t = time.perf_counter()
            n = write_statuspage(sp, target)
            print(f"generated {n:,} Statuspage incidents in {time.perf_counter() - t:.1f} s")
            report("Statuspage export", sp, ["bytes", "json.load", "pmkit.load"], trace)
            sp.unlink()
        if args.only in (None, "csv"):
            ev = root / "events.csv"
            t = time.perf_counter()
            n = write_events_csv(ev, target)
            print(f"generated {n:,} CSV event rows in {time.perf_counter() - t:.1f} s")
            report("CSV events table", ev, ["bytes", "pandas.read_csv", "pmkit.load"], trace)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
