"""The ``pmkit`` command line (also ``python -m pmkit``).

Usage::

    pmkit run PATHS [-o out/] [--as-of TIME]
    pmkit load PATHS [-o snapshot/]
    pmkit report PATHS|SNAPSHOT [--quarter 2026Q3] [--previous 2026Q2] [--as-of TIME]
                 [--display-tz ZONE] [-o review.html]
    pmkit latencies PATHS [--by quarter,team] [--durations a,b] [--stated-only]
                          [--format table|csv|json]
    pmkit themes PATHS [--n-themes N] [--format table|csv|json]
    pmkit check PATHS [--format table|csv|json]
    pmkit synth -n 200 -o DIR [--seed 0]

``PATHS`` are folders, files or globs of postmortems, or one snapshot folder
written by ``pmkit load -o``. Exit codes: 0 success, 1 a pmkit error (one line
on stderr; ``--debug`` shows the traceback), 2 bad usage; ``pmkit check``
also exits 1 when a required check fails. Progress goes to stderr (``-q``
silences it); results go to stdout, and ``--format csv|json`` output is never
mixed with anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from pmkit.collection import Postmortems, read_parquet
from pmkit.errors import PmkitError, UsageError
from pmkit.loading import load
from pmkit.metrics import format_duration
from pmkit.owners import owner_aliases, with_owners

__all__ = ["main"]

FORMATS = ("table", "csv", "json")


def _say(args: argparse.Namespace, message: str) -> None:
    """Progress on stderr, unless ``-q``."""
    if not args.quiet:
        print(message, file=sys.stderr, flush=True)


def _load_any(args: argparse.Namespace) -> Postmortems:
    """A snapshot folder (with pmkit.json) or postmortem documents; never empty."""
    paths: Sequence[str] = args.paths
    owners = getattr(args, "owners", None)
    # read the alias table first: a wrong path fails before a long load, not after
    table = pd.read_csv(owners, dtype=str, keep_default_na=False) if owners else None
    if len(paths) == 1 and (Path(paths[0]) / "pmkit.json").is_file():
        _say(args, f"reading snapshot {paths[0]}")
        pm = read_parquet(paths[0])
    else:
        _say(args, f"reading postmortems from {', '.join(paths)}")
        pm = load(list(paths), tz=args.tz, progress=False if args.quiet else None)
    if len(pm) == 0:
        raise UsageError(
            f"no postmortems found in {', '.join(paths)}; pass folders of .md postmortems, "
            "files, globs or a snapshot folder written by pmkit load -o"
        )
    _say(args, f"read {_counts(pm)}")
    if table is not None:
        pm = with_owners(pm, table)
        _say(args, f"owners written one way per person, from {owners} ({len(table)} aliases)")
    return pm


def _owner_hint(args: argparse.Namespace, pm: Postmortems) -> None:
    """Say when owners look written two ways and no --owners file was given."""
    if getattr(args, "owners", None):
        return
    found = owner_aliases(pm)
    if found.empty:
        return
    pairs = zip(found["alias"][:3], found["owner"][:3], strict=True)
    shown = ", ".join(f"{a} ~ {o}" for a, o in pairs)
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    _say(
        args,
        f"{len(found)} action owners look like another owner written differently ({shown}{more});"
        " review `pmkit owners PATHS --format csv > owners.csv` and pass --owners owners.csv",
    )


def _counts(pm: Postmortems) -> str:
    c = pm.counts()
    return (
        f"{c['incidents']} incidents, {c['events']} events, {c['ideas']} ideas, "
        f"{c['actions']} actions; {c['problems']} problems "
        f"({c['errors']} errors, {c['warnings']} warnings"
        + (f", {c['info']} info: files skipped as no postmortems" if c["info"] else "")
        + ")"
    )


def _fmt_td(value: Any) -> str:
    if value is None or pd.isna(value):
        return "–"
    return format_duration(pd.Timedelta(value).total_seconds() * 1e6)


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


def _machine(df: pd.DataFrame) -> pd.DataFrame:
    """Durations as seconds (``<name>_seconds``), timestamps as ISO text: for csv and json."""
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_timedelta64_dtype(s.dtype):
            out[f"{col}_seconds"] = s.dt.total_seconds()
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            out[str(col)] = s.map(lambda t: None if pd.isna(t) else t.isoformat())
        else:
            out[str(col)] = s
    return pd.DataFrame(out)


def _emit(df: pd.DataFrame, fmt: str, *, table: pd.DataFrame | None = None) -> None:
    """Write ``df`` to stdout as a text table, CSV or JSON records."""
    out: TextIO = sys.stdout
    if fmt == "csv":
        _machine(df).to_csv(out, index=False)
    elif fmt == "json":
        flat = _machine(df)
        records = flat.astype(object).where(flat.notna(), None)
        json.dump(records.to_dict("records"), out, indent=1, default=_json_default)
        out.write("\n")
    else:
        shown = df if table is None else table
        out.write((shown.to_string(index=False) if len(shown) else "(nothing)") + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)


def _as_of(args: argparse.Namespace) -> Any:
    return getattr(args, "as_of", None)


# -- commands ------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    from pmkit import report

    pm = _load_any(args)
    _owner_hint(args, pm)
    print(f"Loaded {_counts(pm)}")
    print()
    print(_per_quarter(pm).to_string(index=False))
    out = Path(args.output)
    snap = pm.to_parquet(out / "snapshot")
    quarter = report.latest_full_quarter(pm, as_of=_as_of(args))
    _say(args, f"building the quarterly review of {quarter}")
    review = report.quarterly(pm, quarter, as_of=_as_of(args))
    path = review.write_html(out / f"review-{quarter}.html")
    print(f"\nParquet snapshot written to {snap}/ (reload with pmkit.read_parquet)")
    print(f"Quarterly review of {quarter} written to {path} (open it in a browser)")
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    pm = _load_any(args)
    print(_counts(pm))
    if len(pm.problems):
        top = pm.problems.groupby(["level", "code"], observed=True).size().rename("n")
        print(top.reset_index().sort_values("n", ascending=False).to_string(index=False))
    if args.output:
        out = pm.to_parquet(args.output)
        print(f"snapshot written to {out}/")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from pmkit import report

    pm = _load_any(args)
    _owner_hint(args, pm)
    quarter = args.quarter or report.latest_full_quarter(pm, as_of=_as_of(args))
    _say(args, f"building the quarterly review of {quarter}")
    review = report.quarterly(
        pm, quarter, previous=args.previous, tz=args.display_tz, as_of=_as_of(args)
    )
    path = review.write_html(args.output or f"review-{quarter}.html")
    if args.images:
        for written in review.write_images(args.images):
            _say(args, f"wrote {written}")
    print(path)
    return 0


def _cmd_latencies(args: argparse.Namespace) -> int:
    from pmkit.metrics import DURATIONS, latencies, summarize

    pm = _load_any(args)
    by = [b.strip() for b in args.by.split(",") if b.strip()] if args.by else None
    names = [d.strip() for d in args.durations.split(",")] if args.durations else list(DURATIONS)
    lat = latencies(pm, names, inferred=not args.stated_only)
    s = summarize(lat, by=by, durations=names)
    cols = [
        *(by or []),
        "duration",
        "n",
        "n_excluded",
        "median",
        "median_ci_low",
        "median_ci_high",
        "p75",
        "p90",
    ]
    s = s[cols]
    stats = ("median", "median_ci_low", "median_ci_high", "p75", "p90")
    table = s.assign(**{c: s[c].map(_fmt_td) for c in stats})
    _emit(s, args.format, table=table)
    return 0


def _cmd_themes(args: argparse.Namespace) -> int:
    from pmkit.themes import risk_themes

    pm = _load_any(args)
    _say(args, "clustering risk statements")
    rt = risk_themes(pm, n_themes=args.n_themes)
    cols = [
        "theme_id",
        "label",
        "n_incidents",
        "n_teams",
        "teams",
        "first_seen",
        "last_seen",
        "taxonomy",
        "representative",
    ]
    themes = rt.themes[cols]
    table = themes.assign(
        first_seen=themes["first_seen"].dt.strftime("%Y-%m-%d"),
        last_seen=themes["last_seen"].dt.strftime("%Y-%m-%d"),
        representative=themes["representative"].str.slice(0, 60),
    )
    _emit(themes, args.format, table=table)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from pmkit.quality import check

    pm = _load_any(args)
    found = check(pm)
    if args.format == "table":
        for row in found.to_dict("records"):
            line, source = row["line"], row["source"]
            where = f"{source}:{line}" if not pd.isna(line) else f"{source}"
            print(f"{where}: {row['severity']}: {row['message']} [{row['code']}]")
    else:
        _emit(found, args.format)
    errors = int((found["severity"] == "error").sum())
    warnings = int((found["severity"] == "warning").sum())
    files = found.loc[found["severity"] == "error", "source"].nunique()
    summary = f"{errors} errors in {files} postmortems, {warnings} warnings ({len(pm)} checked)"
    if errors:
        print(f"pmkit: check failed: {summary}", file=sys.stderr)
        return 1
    _say(args, f"check passed: {summary}")
    return 0


def _cmd_owners(args: argparse.Namespace) -> int:
    found = owner_aliases(_load_any(args))
    if found.empty:
        _say(args, "every action owner is written one way")
    _emit(found, args.format)
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from pmkit import synth

    if args.n < 1:
        raise UsageError(f"-n must be at least 1, got {args.n}")
    corpus = synth.write(args.n, args.output, seed=args.seed)
    print(f"wrote {len(corpus.documents)} postmortems to {args.output}/")
    return 0


# -- parser --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: after the subcommand they override the global flags only when given
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors"
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress output on stderr",
    )
    p = argparse.ArgumentParser(
        prog="pmkit",
        description="Learn from many postmortems at once.",
        epilog="Exit codes: 0 success, 1 a pmkit error, 2 bad usage.",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output on stderr")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=[common])

    def paths(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("paths", nargs="+", help="folders, files, globs or a snapshot folder")
        sp.add_argument("--tz", help="zone for timelines that state none, e.g. Europe/Paris")
        sp.add_argument(
            "--owners",
            metavar="CSV",
            help="alias,owner table: write each action owner one way (see pmkit owners)",
        )

    def as_of(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--as-of",
            help="when statuses were observed, tz-aware (default: the "
            "latest timestamp in the data), e.g. 2026-11-28T00:00Z",
        )

    def fmt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--format", choices=FORMATS, default="table", help="output format")

    r = command("run", "the main job: load, per-quarter table, snapshot and quarterly review")
    paths(r)
    as_of(r)
    r.add_argument("-o", "--output", default="out", help="folder for the snapshot and report")
    r.set_defaults(func=_cmd_run)

    ld = command("load", "read postmortems, print counts and problems")
    paths(ld)
    ld.add_argument("-o", "--output", help="write a Parquet snapshot here")
    ld.set_defaults(func=_cmd_load)

    rp = command("report", "write the quarterly review as one HTML file")
    paths(rp)
    as_of(rp)
    rp.add_argument("--quarter", help="e.g. 2026Q3 (default: the latest full quarter)")
    rp.add_argument("--previous", help="quarter to compare with (default: the one before)")
    rp.add_argument("--display-tz", default="UTC", help="zone dates are shown in")
    rp.add_argument("-o", "--output", help="HTML file (default: review-QUARTER.html)")
    rp.add_argument("--images", metavar="DIR", help="also write figures as PNG (needs kaleido)")
    rp.set_defaults(func=_cmd_report)

    lt = command("latencies", "median, interval, p75 and p90 of each duration per group")
    paths(lt)
    lt.add_argument("--by", default="quarter", help="comma-separated columns, e.g. quarter,team")
    lt.add_argument("--durations", help="comma-separated names (default: all)")
    lt.add_argument(
        "--stated-only",
        action="store_true",
        help="leave out milestones the reader inferred (no line stated them)",
    )
    fmt(lt)
    lt.set_defaults(func=_cmd_latencies)

    th = command("themes", "recurring risk themes")
    paths(th)
    th.add_argument("--n-themes", type=int, help="number of themes (default: chosen)")
    fmt(th)
    th.set_defaults(func=_cmd_themes)

    ck = command("check", "postmortem quality findings; exit 1 when a required check fails")
    paths(ck)
    fmt(ck)
    ck.set_defaults(func=_cmd_check)

    ow = command("owners", "action owners written in several ways: proposed alias,owner pairs")
    paths(ow)
    fmt(ow)
    ow.set_defaults(func=_cmd_owners)

    s = command("synth", "write synthetic canvas postmortems")
    s.add_argument("-n", type=int, default=150, help="number of postmortems")
    s.add_argument("-o", "--output", required=True, help="folder to write")
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
    except (PmkitError, OSError) as err:
        if args.debug:
            traceback.print_exc()
        text = " ".join(str(err).split())  # one line, whatever the message held
        print(f"pmkit: error: {text}", file=sys.stderr)
        return 1
