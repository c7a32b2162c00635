"""The ``pmkit`` command line (also ``python -m pmkit``).

Exit codes: 0 success, 1 a pmkit error (one line on stderr; ``--debug`` shows
the traceback), 2 bad usage. Progress goes to stderr, results to stdout.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pmkit.collection import Postmortems, read_parquet
from pmkit.errors import PmkitError
from pmkit.loading import load

__all__ = ["main"]


def _load_any(paths: Sequence[str], *, tz: str | None, quiet: bool) -> Postmortems:
    """A snapshot folder (with pmkit.json) or postmortem documents."""
    if len(paths) == 1 and (Path(paths[0]) / "pmkit.json").is_file():
        return read_parquet(paths[0])
    return load(list(paths), tz=tz, progress=False if quiet else None)


def _counts(pm: Postmortems) -> str:
    c = pm.counts()
    return (
        f"{c['incidents']} incidents, {c['events']} events, {c['ideas']} ideas, "
        f"{c['actions']} actions; {c['problems']} problems "
        f"({c['errors']} errors, {c['warnings']} warnings)"
    )


def _per_quarter(pm: Postmortems) -> pd.DataFrame:
    from pmkit.metrics import latencies, summarize

    lat = latencies(pm)
    per = summarize(lat, by="quarter", durations=["time_to_detect", "time_to_acknowledge"])
    counts = lat.groupby("quarter", observed=True).size().rename("incidents")
    wide = per.pivot_table(
        index="quarter", columns="duration", values="median", aggfunc="first", observed=True
    )
    wide = wide.reindex(columns=["time_to_detect", "time_to_acknowledge"])
    out = pd.concat([counts, wide], axis=1).reset_index()
    for col in ("time_to_detect", "time_to_acknowledge"):
        out[col] = out[col].map(_fmt_td)
    return out.rename(
        columns={"time_to_detect": "median detect", "time_to_acknowledge": "median react"}
    )


def _fmt_td(value: pd.Timedelta | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    td = pd.Timedelta(value)
    minutes = td.total_seconds() / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


def _cmd_run(args: argparse.Namespace) -> int:
    pm = _load_any(args.paths, tz=args.tz, quiet=args.quiet)
    print(f"Loaded {_counts(pm)}")
    if len(pm) == 0:
        raise PmkitError(f"no postmortems found in {', '.join(args.paths)}")
    table = _per_quarter(pm)
    print()
    print(table.to_string(index=False))
    out = pm.to_parquet(args.output)
    print(f"\nParquet snapshot written to {out}/ (reload with pmkit.read_parquet)")
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    pm = _load_any(args.paths, tz=args.tz, quiet=args.quiet)
    print(_counts(pm))
    if len(pm.problems):
        top = pm.problems.groupby(["level", "code"], observed=True).size().rename("n")
        print(top.reset_index().sort_values("n", ascending=False).to_string(index=False))
    if args.output:
        out = pm.to_parquet(args.output)
        print(f"snapshot written to {out}/")
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from pmkit import synth

    corpus = synth.write(args.n, args.output, seed=args.seed)
    print(f"wrote {len(corpus.documents)} postmortems to {args.output}/")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pmkit", description="Learn from many postmortems at once.")
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    sub = p.add_subparsers(dest="command", required=True)

    def paths(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("paths", nargs="+", help="folders, files, globs or a snapshot folder")
        sp.add_argument("--tz", help="zone for timelines that state none, e.g. Europe/Paris")

    r = sub.add_parser("run", help="the main job: load, per-quarter table, snapshot")
    paths(r)
    r.add_argument("-o", "--output", default="out/snapshot", help="snapshot folder")
    r.set_defaults(func=_cmd_run)

    ld = sub.add_parser("load", help="read postmortems, print counts and problems")
    paths(ld)
    ld.add_argument("-o", "--output", help="write a Parquet snapshot here")
    ld.set_defaults(func=_cmd_load)

    s = sub.add_parser("synth", help="write synthetic canvas postmortems")
    s.add_argument("-n", type=int, default=150)
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--seed", type=int, default=0)
    s.set_defaults(func=_cmd_synth)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as err:  # argparse exits 2 on bad usage, 0 on --help
        return int(err.code or 0)
    try:
        return int(args.func(args))
    except PmkitError as err:
        if args.debug:
            traceback.print_exc()
        print(f"pmkit: error: {err}", file=sys.stderr)
        return 1
