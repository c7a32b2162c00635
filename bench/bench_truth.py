"""Benchmark: do the milestones pmkit reads hold on real postmortems it was not tuned on?

The truth table ``tests/truth/milestones.csv`` holds, for every real postmortem
of the corpora (``../shared/corpora`` and ``tests/corpora``), what a person read
in the text: each milestone's time (UTC, within the line it comes from), "none"
where the text states none, and "ambiguous" where several lines could be meant.
``tests/truth/sources.csv`` says where each source comes from and its role:

* ``tuned``: the reader's rules were written while looking at these (in-sample);
* ``dev``: new sources whose failures may be looked at and fixed;
* ``held_out``: never tuned on. The score on them is the generalisation figure.

For a reader made of rules, "leave one source out" means a source's score
counts as out-of-sample only while no rule was written for it: each new source's
first-contact score (measured before any rule looked at it, kept in
``tests/truth/first_contact.json``) and each held-out set's one scoring
(``held_out_1.json``, ``held_out_2.json``), after which the set is studied as a
dev source. The "Left out" table prints that figure per source beside the
source's score now, and pools them.

Printed, in one run:

* per source: cells the text states (stated times, and days), right within
  one minute, missing, wrong, the share right; unstated cells and the spurious
  values pmkit gave there; detection source right; and files that are no
  postmortem (README, index pages) read as incidents anyway;
* per milestone, pooled over the held-out sources and over the tuned ones;
* the same with inferred milestones left out (``inferred=False``): what pmkit
  reads as stated;
* a baseline in the same run: the earliest timeline time as the start and the
  latest as the resolution, nothing else (what position alone gives).

Targets (issue 16): >= 90% right on held-out sources, spurious <= 3% of unstated cells.

Run: ``.venv/bin/python bench/bench_truth.py [--role held_out,dev] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

import pmkit
from pmkit.evaluate import read_truth, score_milestones, summarize_scores

ROOT = Path(__file__).resolve().parent.parent
ROOTS = {"shared": ROOT.parent / "shared" / "corpora", "tests": ROOT / "tests" / "corpora"}
TRUTH = ROOT / "tests" / "truth"
MILESTONES = ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
TARGET_RIGHT, TARGET_SPURIOUS = 0.90, 0.03


def sources() -> pd.DataFrame:
    return pd.read_csv(TRUTH / "sources.csv", dtype=str, keep_default_na=False)


def load_source(row: pd.Series) -> pmkit.Postmortems:
    folder = ROOTS[row["root"]] / row["source"]
    if not folder.is_dir():
        raise SystemExit(f"bench_truth: {folder} is missing")
    return pmkit.load(folder, tz=row["tz"] or None)


def baseline(pm: pmkit.Postmortems) -> pd.DataFrame:
    """The earliest timed line as the start, the latest as the resolution."""
    ev = pm.events.dropna(subset=["at"])
    span = ev.groupby("incident_id", observed=True)["at"].agg(started_at="min", resolved_at="max")
    inc = pm.incidents[["incident_id", "source"]].merge(
        span, left_on="incident_id", right_index=True, how="left"
    )
    for col in ("detected_at", "acknowledged_at", "mitigated_at"):
        inc[col] = pd.Series(pd.NaT, index=inc.index, dtype=pmkit.schema.TIMESTAMP)
    return inc


def score(roles: list[str] | None) -> dict[str, pd.DataFrame]:
    truth = read_truth(TRUTH / "milestones.csv")
    truth["source"] = truth["file"].str.split("/").str[0]
    docs = pd.read_csv(TRUTH / "documents.csv", dtype=str, keep_default_na=False)
    others = set(docs.loc[docs["kind"] == "not_postmortem", "file"])
    src = sources()
    if roles:
        src = src[src["role"].isin(roles)]
    cells: list[pd.DataFrame] = []
    stated_only: list[pd.DataFrame] = []
    base: list[pd.DataFrame] = []
    extra: list[pd.DataFrame] = []
    for _, row in src.iterrows():
        pm = load_source(row)
        t = truth[truth["source"] == row["source"]]
        for frame, inferred in ((cells, True), (stated_only, False)):
            scored = score_milestones(pm.incidents, t, inferred=inferred)
            frame.append(scored.assign(source=row["source"]))
        base.append(
            score_milestones(baseline(pm), t[t["field"].isin(MILESTONES)]).assign(
                source=row["source"]
            )
        )
        name = row["source"]
        read = pm.incidents["source"].map(lambda s, name=name: f"{name}/{Path(s).name}")
        extra.append(
            pd.DataFrame(
                {"source": [row["source"]], "not_postmortems_read": [int(read.isin(others).sum())]}
            )
        )
    roles_of = dict(zip(src["source"], src["role"], strict=True))
    out: dict[str, pd.DataFrame] = {
        "cells": pd.concat(cells, ignore_index=True),
        "stated_only": pd.concat(stated_only, ignore_index=True),
        "baseline": pd.concat(base, ignore_index=True),
        "extra": pd.concat(extra, ignore_index=True),
    }
    for table in out.values():
        table["role"] = table["source"].map(roles_of)
    return out


def _pct(x: float) -> str:
    return "—" if pd.isna(x) else f"{100 * x:.1f}%"


def per_source(cells: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    ms = cells[cells["field"].isin(MILESTONES)]
    table = summarize_scores(ms, by=["role", "source"])
    det = cells[cells["field"] == "detection_source"]
    dsum = summarize_scores(det, by="source").set_index("source")
    table["detection"] = [
        f"{dsum.loc[s, 'right']}/{dsum.loc[s, 'stated']}" if s in dsum.index else "—"
        for s in table["source"]
    ]
    table["docs"] = table["source"].map(ms.groupby("source")["file"].nunique())
    table = table.merge(extra, on=["role", "source"])
    return table


def show(table: pd.DataFrame, cols: list[str]) -> str:
    t = table.copy()
    for c in ("right_share", "spurious_share"):
        if c in t:
            t[c] = t[c].map(_pct)
    return t[cols].to_string(index=False)


def pooled(cells: pd.DataFrame) -> pd.DataFrame:
    ms = cells[cells["field"].isin(MILESTONES)].copy()
    ms["pool"] = ms["role"].map({"held_out": "held_out", "dev": "dev", "tuned": "tuned"})
    return summarize_scores(ms, by="pool")


#: the measurements kept when sources were scored before any rule looked at them, oldest
#: first: each new source's first contact, then each held-out set's one scoring
LEFT_OUT_FILES = ("first_contact.json", "held_out_1.json", "held_out_2.json")


def left_out() -> pd.DataFrame:
    """Each source's score while it was left out: the last kept measurement in which no
    rule had been written for it (its first contact, or its held-out scoring)."""
    rows: dict[str, dict[str, object]] = {}
    for name in LEFT_OUT_FILES:
        path = TRUTH / name
        if not path.is_file():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        per = data["per_source"]
        records = [{"source": k, **v} for k, v in per.items()] if isinstance(per, dict) else per
        commit = str(data.get("measured_at", "")).split()[0]
        for r in records:
            if name == "first_contact.json" or r.get("role") == "held_out":
                rows[str(r["source"])] = {
                    "source": r["source"],
                    "measured": f"{name} ({commit})",
                    "left_out_right": int(r["right"]),
                    "left_out_stated": int(r["stated"]),
                    "left_out_spurious": int(r["spurious"]),
                    "left_out_unstated": int(r["unstated"]),
                }
    return pd.DataFrame(list(rows.values()))


def show_left_out(table: pd.DataFrame) -> str:
    """The left-out figure of each source beside its score now, and both pooled."""
    lo = left_out()
    if lo.empty:
        return "  (no left-out measurement kept)"
    # the tuned sources were never left out: their first contact is in-sample
    now = table[table["role"] != "tuned"].set_index("source")
    lo = lo[lo["source"].isin(now.index)].copy()
    lo["now_right"] = lo["source"].map(now["right"]).astype(int)
    lo["now_stated"] = lo["source"].map(now["stated"]).astype(int)
    lo["now_spurious"] = lo["source"].map(now["spurious"]).astype(int)
    lo["now_unstated"] = lo["source"].map(now["unstated"]).astype(int)
    total = lo.drop(columns=["source", "measured"]).sum()

    def frac(a: float, b: float) -> str:
        return f"{int(a)}/{int(b)} = {_pct(a / b if b else float('nan'))}"

    lines = [
        f"  {'source':<12} {'left out (right)':<22} {'spurious':<16} {'now (right)':<22} "
        f"{'spurious':<16} measured"
    ]
    for _, r in lo.iterrows():
        lines.append(
            f"  {r['source']:<12} {frac(r['left_out_right'], r['left_out_stated']):<22} "
            f"{frac(r['left_out_spurious'], r['left_out_unstated']):<16} "
            f"{frac(r['now_right'], r['now_stated']):<22} "
            f"{frac(r['now_spurious'], r['now_unstated']):<16} {r['measured']}"
        )
    lines.append(
        f"  {'pooled':<12} {frac(total['left_out_right'], total['left_out_stated']):<22} "
        f"{frac(total['left_out_spurious'], total['left_out_unstated']):<16} "
        f"{frac(total['now_right'], total['now_stated']):<22} "
        f"{frac(total['now_spurious'], total['now_unstated']):<16}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--role", help="comma-separated roles to score (default: all)")
    ap.add_argument("--json", help="write the figures as JSON to this file")
    args = ap.parse_args(argv)
    roles = args.role.split(",") if args.role else None
    res = score(roles)
    cells = res["cells"]
    pd.set_option("display.width", 200)
    print("Per source (milestones; right = within 1 minute; detection = right/stated)")
    table = per_source(cells, res["extra"])
    cols = [
        "role",
        "source",
        "docs",
        "stated",
        "right",
        "missing",
        "wrong",
        "right_share",
        "unstated",
        "spurious",
        "spurious_share",
        "ambiguous",
        "detection",
        "not_postmortems_read",
    ]
    print(show(table, cols))
    print(
        "\nLeft out (leave one source out): each source's score before any rule was written "
        "for it,\nbeside its score now (in-sample once its failures were studied)"
    )
    print(show_left_out(table))
    print("\nPer milestone, pooled by role")
    ms = cells[cells["field"].isin(MILESTONES)]
    per_ms = summarize_scores(ms, by=["role", "field"])
    print(
        show(
            per_ms,
            [
                "role",
                "field",
                "stated",
                "right",
                "missing",
                "wrong",
                "right_share",
                "unstated",
                "spurious",
                "spurious_share",
            ],
        )
    )
    print("\nPooled (all milestones)")
    summary = {}
    for name, frame in (
        ("pmkit", cells),
        ("pmkit, stated only (inferred=False)", res["stated_only"]),
        ("baseline", res["baseline"]),
    ):
        p = pooled(frame)
        print(f"  {name}:")
        for _, r in p.iterrows():
            print(
                f"    {r['pool']:>8}: right {r['right']}/{r['stated']} = {_pct(r['right_share'])},"
                f" spurious {r['spurious']}/{r['unstated']} = {_pct(r['spurious_share'])}"
            )
        summary[name] = p.set_index("pool")[
            ["stated", "right", "right_share", "unstated", "spurious", "spurious_share"]
        ].to_dict("index")
    held = summary["pmkit"].get("held_out")
    if held:
        ok = held["right_share"] >= TARGET_RIGHT and held["spurious_share"] <= TARGET_SPURIOUS
        print(
            f"\nTarget on held-out sources: right >= {TARGET_RIGHT:.0%} and spurious <= "
            f"{TARGET_SPURIOUS:.0%}: {'met' if ok else 'NOT met'}"
        )
    lo = left_out()
    lo = lo[lo["source"].isin(table.loc[table["role"] != "tuned", "source"])]
    if len(lo):
        right = lo["left_out_right"].sum() / lo["left_out_stated"].sum()
        spur = lo["left_out_spurious"].sum() / max(lo["left_out_unstated"].sum(), 1)
        ok = right >= TARGET_RIGHT and spur <= TARGET_SPURIOUS
        print(
            f"Target left out (each source before rules were written for it): right "
            f"{_pct(right)} >= {TARGET_RIGHT:.0%} and spurious {_pct(spur)} <= "
            f"{TARGET_SPURIOUS:.0%}: {'met' if ok else 'NOT met'}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "per_source": table.to_dict("records"),
                    "pooled": summary,
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
