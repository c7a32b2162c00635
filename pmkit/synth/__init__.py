"""Realistic synthetic postmortems, generated from a seed.

:func:`generate` builds ``n`` blameless postmortems as Markdown documents, in
four of the ways teams actually write them, and a ``truth`` table saying what
each document states. :func:`write` puts them on disk; ``python -m pmkit.synth
-n 150 -o data/sample --seed 0`` regenerates the bundled sample.

Styles (chosen per document with fixed weights, recorded in ``truth.style``):

``canvas``
    pmkit's own template: YAML front matter, tagged timeline bullets
    (``- 09:12 [start] ...``) in a stated zone, the eight canvas sections and
    ``- [ ] text (prevent) — @owner, due 2026-12-01, PAY-123`` next steps.
``dfds``
    H1 title, Summary, a ``| Time | Event |`` table "All times in UTC." with
    full ``YYYY-MM-DD HH:MM`` times and untagged wording, Contributing Factors,
    Lessons Learned, Other Areas of Risk, an ``| Action | Owner | Due | Status |``
    table and Stats.
``rust``
    TOML ``+++`` front matter, prose, ``## Timeline of events`` with a date
    preamble and ``- 01:39: text`` bullets in UTC.
``prose``
    No front matter, 12-hour US times "(all times PT)" under weekday date
    sub-headings, Root cause and ``## Follow-ups`` with ``owner:``/``due:``.

The numbers are shaped like real incident data: lognormal, heavy-tailed
latencies; customer-detected incidents detected much later than alerted ones;
one team (payments) detecting faster quarter after quarter and another
(search) slower; a few incidents still open; actions overdue relative to
:data:`AS_OF`. Risk statements come from twelve recurring themes, each
written several ways, so the same weakness recurs in different words.

Examples
--------
>>> corpus = generate(3, seed=1)
>>> len(corpus.documents), len(corpus.truth)
(3, 3)
>>> corpus.truth.columns[:4].tolist()
['incident_id', 'style', 'file', 'team']
>>> generate(3, seed=1).documents == corpus.documents
True
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Everything pmkit.synth offered before it became a package stays importable from
# here (tests use several private tables); noqa marks names kept only for that.
from ._incidents import (
    _ALL_SERVICES,  # noqa: F401
    _CANVAS_ZONES,
    _DETECT_MEDIAN,  # noqa: F401
    _DETECT_SIGMA,  # noqa: F401
    _DETECT_TREND,  # noqa: F401
    _EPOCH,  # noqa: F401
    _FULL_NAMES,  # noqa: F401
    _HOUR_WEIGHTS,  # noqa: F401
    _SEVERITIES,  # noqa: F401
    _SEVERITY_WEIGHTS,  # noqa: F401
    _SOURCE_WEIGHTS,  # noqa: F401
    _SOURCES,  # noqa: F401
    _STEP_WORDS,  # noqa: F401
    _TEAM_NAMES,  # noqa: F401
    _TEAM_WEIGHTS,  # noqa: F401
    _TEAMS,  # noqa: F401
    AS_OF,
    STYLES,
    _Action,  # noqa: F401
    _Doc,
    _draw,
    _duration_words,  # noqa: F401
    _Line,  # noqa: F401
    _quarter_starts,  # noqa: F401
    _utc,
)
from ._phrases import (
    _ACK_LINES,  # noqa: F401
    _DETECT_LINES,  # noqa: F401
    _IMPACT,  # noqa: F401
    _LATE_NOTES,  # noqa: F401
    _LESSONS,  # noqa: F401
    _NOTES,  # noqa: F401
    _RESOLVE_LINES,  # noqa: F401
    _THEME_IDS,  # noqa: F401
    THEMES,
    _cap,  # noqa: F401
    _fill,  # noqa: F401
    _slots,  # noqa: F401
    _Theme,  # noqa: F401
)
from ._styles import (
    _ambiguous,  # noqa: F401
    _canvas,
    _clock_lines,  # noqa: F401
    _dfds,
    _meta_block,  # noqa: F401
    _prose,
    _rust,
)

__all__ = ["AS_OF", "STYLES", "THEMES", "Corpus", "generate", "main", "write"]

_STR = pd.StringDtype("pyarrow")
_TS = "datetime64[us, UTC]"
_MILESTONES = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


@dataclass(frozen=True)
class Corpus:
    """Generated postmortems and what each of them states.

    Attributes
    ----------
    documents : list of (str, str)
        ``(relative file name, Markdown text)``, in chronological order.
    truth : pandas.DataFrame
        One row per document: ``incident_id``, ``style``, ``file``, ``team``,
        ``service``, ``severity``, ``detection_source``, ``status``,
        ``started_at``, ``detected_at``, ``acknowledged_at``, ``mitigated_at``,
        ``resolved_at`` (UTC, ``NaT`` where the document does not state it),
        ``n_actions``, ``n_actions_done`` and ``risk_theme`` (the theme of the
        document's "other areas of risk" statements, ``<NA>`` without any).
    """

    documents: list[tuple[str, str]]
    truth: pd.DataFrame


# --------------------------------------------------------------------------- public API


def generate(
    n: int, *, seed: int = 0, start: str = "2025-01-01", end: str = "2026-09-30"
) -> Corpus:
    """Generate ``n`` synthetic postmortems.

    Parameters
    ----------
    n : int
        Number of documents.
    seed : int, default 0
        The same seed gives byte-identical documents.
    start, end : str, default "2025-01-01", "2026-09-30"
        Incidents start on days in this range (inclusive).

    Returns
    -------
    Corpus
        ``documents`` in chronological order and the ``truth`` table (columns
        listed on :class:`Corpus`).

    Examples
    --------
    >>> c = generate(20, seed=3)
    >>> c.documents[0][0]
    '2025/2025-...md'
    >>> bool((c.truth["detected_at"] >= c.truth["started_at"]).all())
    True
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    draws = _draw(int(n), rng, start, end)
    style_names = tuple(STYLES)

    documents: list[tuple[str, str]] = []
    names: set[str] = set()
    per_year: dict[int, int] = {}
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "incident_id", "style", "file", "team", "service", "severity",
            "detection_source", "status", *_MILESTONES,
            "n_actions", "n_actions_done", "risk_theme",
        )
    }  # fmt: skip
    for i in range(int(n)):
        doc = _Doc(i, draws, rnd)
        style = style_names[int(draws["style"][i])]
        started = _utc(int(draws["started"][i]))
        year = started.year
        per_year[year] = per_year.get(year, 0) + 1
        stem = f"{started.date().isoformat()}-{doc.team}-{doc.slug}"
        name = f"{year}/{stem}.md"
        k = 2
        while name in names:
            name = f"{year}/{stem}-{k}.md"
            k += 1
        names.add(name)
        if style == "canvas":
            incident_id = f"PM-{year}-{per_year[year]:03d}"
            zone_name = _CANVAS_ZONES[int(draws["zone"][i])]
            text = _canvas(doc, incident_id, zone_name)
        else:
            incident_id = name[5:-3]
            text = {"dfds": _dfds, "rust": _rust, "prose": _prose}[style](doc)
        documents.append((name, text))
        cols["incident_id"].append(incident_id)
        cols["style"].append(style)
        cols["file"].append(name)
        cols["team"].append(doc.team)
        cols["service"].append(doc.service)
        cols["severity"].append(doc.severity)
        cols["detection_source"].append(doc.source)
        cols["status"].append("open" if doc.is_open else "resolved")
        for m in _MILESTONES:
            cols[m].append(doc.times[m])
        cols["n_actions"].append(len(doc.actions))
        cols["n_actions_done"].append(sum(a.done for a in doc.actions))
        cols["risk_theme"].append(doc.theme_id if doc.risks else None)
    return Corpus(documents=documents, truth=_truth(cols))


def _truth(cols: dict[str, list[object]]) -> pd.DataFrame:
    data: dict[str, object] = {}
    for k, v in cols.items():
        if k in _MILESTONES:
            missing = np.array([x is None for x in v], dtype=bool)
            micros = np.array([0 if x is None else x for x in v], dtype=np.int64) * 60_000_000
            ts = pd.Series(pd.to_datetime(micros, unit="us", utc=True), dtype=_TS)
            data[k] = ts.mask(missing)
        elif k.startswith("n_"):
            data[k] = pd.Series(v, dtype="int64")
        else:
            data[k] = pd.Series(v, dtype=_STR)
    return pd.DataFrame(data)


def write(n: int, out: str | os.PathLike[str], *, seed: int = 0) -> Corpus:
    """Generate ``n`` postmortems and write them under ``out``.

    Files already in ``out`` with the same names are overwritten; others are
    left alone.

    Parameters
    ----------
    n : int
        Number of documents.
    out : str or path-like
        Folder to write into (created if needed).
    seed : int, default 0
        The same seed writes byte-identical files.

    Returns
    -------
    Corpus
        What was written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     c = write(5, tmp, seed=2)
    ...     len(list(pathlib.Path(tmp).rglob("*.md")))
    5
    """
    corpus = generate(n, seed=seed)
    root = Path(out)
    made: set[Path] = set()
    for name, text in corpus.documents:
        path = root / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return corpus


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m pmkit.synth -n 150 -o data/sample --seed 0``."""
    p = argparse.ArgumentParser(
        prog="python -m pmkit.synth", description="Write synthetic postmortems as Markdown."
    )
    p.add_argument("-n", type=int, default=150, help="number of postmortems (default 150)")
    p.add_argument("-o", "--output", required=True, help="folder to write into")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args(None if argv is None else list(argv))
    if args.n < 0:
        p.error(f"-n must be >= 0, got {args.n}")
    corpus = write(args.n, args.output, seed=args.seed)
    print(f"wrote {len(corpus.documents)} postmortems to {args.output}/", file=sys.stdout)
    return 0
