"""The quarterly review as one self-contained HTML file.

:func:`quarterly` computes everything a quarterly review of detect / react /
mitigate times shows, from the analysis layer, into a :class:`Report`:
its ``frames`` (DataFrames) and ``figures`` (plotly figures) can be used from
a script, and :meth:`Report.write_html` writes the document: plotly.js
embedded once (it opens offline), every text from postmortems escaped, and a
print style sheet so it reads on paper.

>>> import pmkit
>>> from pmkit import report
>>> pm = pmkit.testing.make_postmortems(80, seed=1)
>>> r = report.quarterly(pm, "2026Q3", as_of="2026-11-28T00:00Z")
>>> r
<Report 2026Q3 vs 2026Q2: ... incidents, 11 sections, 6 figures>
>>> sorted(r.figures)[:2]
['detection', 'distribution_time_to_detect']
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.io._files import write_text_atomic
from pmkit.report._content import (
    HEADLINE_DURATIONS,
    build,
    latest_full_quarter,
    previous_quarter,
    quarter_bounds,
    resolve_as_of,
)

__all__ = [
    "HEADLINE_DURATIONS",
    "Report",
    "latest_full_quarter",
    "previous_quarter",
    "quarter_bounds",
    "quarterly",
]

#: Where :meth:`Report.write_images` looks for a Chrome when ``BROWSER_PATH`` is unset.
CHROME_CANDIDATES: tuple[str, ...] = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
)


@dataclass(repr=False)
class Report:
    """A quarterly review: frames, figures and facts; writes itself as HTML.

    Attributes
    ----------
    quarter, previous : str
        The reviewed quarter (``"2026Q3"``) and the one it is compared with
        (``None`` when there is none).
    as_of : Timestamp
        When statuses were observed (UTC); ``as_of_given`` says whether it was
        passed or taken from the data.
    tz : str
        Zone timestamps are shown in.
    frames : dict of str to DataFrame
        Every table the report shows, e.g. ``headline`` (summaries of both
        quarters), ``trend``, ``detection``, ``teams``, ``themes``,
        ``recurrences``, ``overdue``, ``completeness``, ``exclusions_quarter``,
        ``problems``.
    figures : dict of str to go.Figure
        Every chart, by the name used in the HTML (``data-figure``).
    facts : dict
        Verdicts (``facts["verdicts"]``: duration -> plain words), counts and notes.
    inputs : tuple of str
        The files the collection was read from.
    version : str
        The pmkit version that made the report.
    """

    quarter: str
    previous: str | None
    as_of: pd.Timestamp
    as_of_given: bool
    tz: str
    frames: dict[str, pd.DataFrame]
    figures: dict[str, go.Figure]
    facts: dict[str, Any]
    inputs: tuple[str, ...] = field(default=())
    version: str = ""

    @property
    def title(self) -> str:
        return f"Quarterly review {self.quarter}"

    @property
    def verdicts(self) -> dict[str, str]:
        """Duration -> the plain-words verdict of the change since ``previous``."""
        return dict(self.facts["verdicts"])

    def __repr__(self) -> str:
        from pmkit.report._render import SECTIONS

        vs = f" vs {self.previous}" if self.previous else ""
        return (
            f"<Report {self.quarter}{vs}: {self.facts['n_quarter']} incidents, "
            f"{len(SECTIONS)} sections, {len(self.figures)} figures>"
        )

    def script(self) -> str:
        """Python that rebuilds this report (and so every figure) from the same files."""
        files = list(self.inputs)
        where = (files[0] if len(files) == 1 else os.path.commonpath(files)) if files else "."
        return (
            "import pmkit\nfrom pmkit import report\n\n"
            f"pm = pmkit.load({where!r})  # {len(files)} files, listed above\n"
            f"r = report.quarterly(pm, {self.quarter!r}, previous={self.previous!r}, "
            f"tz={self.tz!r}, as_of={self.as_of.isoformat()!r})\n"
            "r.figures  # name -> plotly Figure; r.frames: name -> DataFrame\n"
            f"r.write_html('review-{self.quarter}.html')\n\n"
            "# or from a shell:\n"
            f"# pmkit report {where} --quarter {self.quarter} --as-of {self.as_of.isoformat()}"
            f" -o review-{self.quarter}.html"
        )

    def to_html(self) -> str:
        """The whole document as a string (plotly.js inline, once)."""
        from plotly.offline import get_plotlyjs

        from pmkit.report._html import page
        from pmkit.report._render import render_body

        return page(title=self.title, plotlyjs=get_plotlyjs(), body=render_body(self))

    def write_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the report to ``path`` atomically (a temporary file, then a rename).

        Returns
        -------
        Path
            The written file.
        """
        target = Path(path)
        if target.is_dir():
            raise UsageError(f"{target} is a folder; pass a file name such as review.html")
        return write_text_atomic(target, self.to_html())

    def write_images(
        self, directory: str | os.PathLike[str], *, format: str = "png", scale: float = 2.0
    ) -> list[Path]:
        """Each figure as an image file (``png``, ``svg`` or ``pdf``) through kaleido.

        Optional: needs ``pip install kaleido`` and a Chrome (``BROWSER_PATH``,
        or Debian's ``/usr/bin/chromium``). The HTML report never needs it.

        Raises
        ------
        UsageError
            kaleido is not installed, no Chrome is found, or an unknown format.
        """
        if format not in ("png", "svg", "pdf"):
            raise UsageError(f"format must be png, svg or pdf, got {format!r}")
        if importlib.util.find_spec("kaleido") is None:
            raise UsageError(
                "Report.write_images needs kaleido: pip install kaleido (the HTML report does "
                "not need it)"
            )
        chrome = find_chrome()
        if chrome is None:
            raise UsageError(
                "Report.write_images needs a Chrome for kaleido and none was found; set "
                "BROWSER_PATH or apt-get install chromium"
            )
        os.environ.setdefault("BROWSER_PATH", chrome)
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, fig in self.figures.items():
            target = out / f"{self.quarter}-{name}.{format}"
            fig.write_image(str(target), format=format, scale=scale, width=1100)
            written.append(target)
        return written

    def _repr_html_(self) -> str:
        from pmkit.report._render import headline

        return f"<div class='pmkit-report'>{headline(self)}</div>"


def find_chrome() -> str | None:
    """``BROWSER_PATH`` if set, else the first Chrome found on this machine."""
    given = os.environ.get("BROWSER_PATH")
    if given:
        return given if Path(given).is_file() else None
    for path in CHROME_CANDIDATES:
        if Path(path).is_file():
            return path
    found = shutil.which("chromium") or shutil.which("google-chrome")
    return found


def quarterly(
    pm: Postmortems,
    quarter: str | None = None,
    *,
    previous: str | None = None,
    tz: str = "UTC",
    as_of: Any = None,
) -> Report:
    """The quarterly review of ``quarter``, compared with the quarter before.

    Parameters
    ----------
    pm : Postmortems
        All postmortems (earlier quarters give the trends and the recurring themes).
    quarter : str, optional
        E.g. ``"2026Q3"`` (UTC calendar quarters of ``occurred_at``); default
        :func:`latest_full_quarter` as of ``as_of``.
    previous : str, optional
        The quarter to compare with; default the calendar quarter before
        ``quarter`` (no comparison when it has no incidents).
    tz : str, default "UTC"
        Zone dates and times are shown in.
    as_of : str or Timestamp, optional
        When action statuses were observed (overdue is due before ``as_of``);
        tz-aware. ``None`` is the latest timestamp in the data; the clock is
        never read.

    Returns
    -------
    Report
        ``frames``, ``figures``, ``facts`` (verdicts), ``write_html(path)``.

    Raises
    ------
    UsageError
        A malformed quarter, a quarter (or ``previous``) with no incidents,
        an unknown ``tz`` or a naive ``as_of``.
    """
    if not isinstance(pm, Postmortems):
        raise TypeError(f"pm must be a pmkit.Postmortems, got {type(pm).__name__}")
    if not len(pm):
        raise UsageError("the collection holds no postmortems: nothing to report")
    try:
        pd.Timestamp("2026-01-01", tz="UTC").tz_convert(tz)
    except Exception as err:  # pytz / zoneinfo raise different types for a bad name
        raise UsageError(
            f"unknown time zone {tz!r}; pass an IANA name such as 'Europe/Paris'"
        ) from err
    ts = resolve_as_of(pm, as_of)
    if quarter is None:
        quarter = latest_full_quarter(pm, as_of=ts)
    quarter_bounds(quarter)
    from pmkit.metrics import latencies

    labels = latencies(pm, ["time_to_detect"])["quarter"]
    present = sorted(str(q) for q in labels.dropna().unique())
    if quarter not in present:
        raise UsageError(
            f"quarter {quarter} has no incidents; quarters with incidents are "
            f"{', '.join(present) or 'none'}"
        )
    if previous is None:
        before = previous_quarter(quarter)
        prev: str | None = before if before in present else None
    else:
        quarter_bounds(previous)
        if previous not in present:
            raise UsageError(
                f"previous quarter {previous} has no incidents; quarters with incidents are "
                f"{', '.join(present)}"
            )
        if previous == quarter:
            raise UsageError(f"previous must differ from quarter, both are {quarter}")
        prev = previous
    frames, figures, facts = build(pm, quarter, prev, tz=tz, as_of=ts)
    import pmkit

    return Report(
        quarter=quarter,
        previous=prev,
        as_of=ts,
        as_of_given=as_of is not None,
        tz=tz,
        frames=frames,
        figures=figures,
        facts=facts,
        inputs=tuple(pm.inputs),
        version=pmkit.__version__,
    )
