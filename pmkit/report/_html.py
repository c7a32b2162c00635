"""HTML building blocks of the report: escaping, number formats, tables, the page.

Every text that comes from postmortems (titles, team names, owners, risk
statements, file names, messages) goes through :func:`esc`; only
:class:`Markup` built here from already escaped parts is written as is.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = ["Markup", "esc", "figure", "page", "table"]

NA = "–"


class Markup(str):
    """HTML that is already safe (built from escaped parts); written unescaped."""


def esc(value: Any) -> Markup:
    """``value`` as escaped text; NA and None as a dash.

    >>> esc("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    if isinstance(value, Markup):
        return value
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return Markup(NA)
    return Markup(html.escape(str(value), quote=True))


def tag(name: str, body: Any, **attrs: Any) -> Markup:
    """``<name attrs>body</name>``; attribute values and a non-Markup body are escaped."""
    a = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{html.escape(str(v), quote=True)}"'
        for k, v in attrs.items()
        if v is not None
    )
    return Markup(f"<{name}{a}>{esc(body)}</{name}>")


def join(parts: Iterable[Any], sep: str = "") -> Markup:
    return Markup(sep.join(esc(p) for p in parts))


# -- numbers -------------------------------------------------------------------------------


def duration(value: Any) -> str:
    """A timedelta as words: "45 s", "12 min", "3.5 h", "2.0 days"; NA as a dash.

    >>> duration(pd.Timedelta(minutes=210)), duration(pd.NaT)
    ('3.5 h', '–')
    """
    if value is None or pd.isna(value):
        return NA
    s = pd.Timedelta(value).total_seconds()
    if abs(s) < 90:
        return f"{s:.0f} s"
    if abs(s) < 90 * 60:
        return f"{s / 60:.0f} min"
    if abs(s) < 48 * 3600:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


def interval(low: Any, high: Any, fmt: Callable[[Any], str] = duration) -> str:
    """``"12 min – 40 min"`` or a dash when either end is missing."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return NA
    return f"{fmt(low)} – {fmt(high)}"


def pct(value: Any) -> str:
    """A 0..1 share as a percentage; NA as a dash.

    >>> pct(0.3333), pct(float("nan"))
    ('33%', '–')
    """
    if value is None or pd.isna(value) or (isinstance(value, float) and math.isnan(value)):
        return NA
    return f"{float(value) * 100:.0f}%"


def text(value: Any) -> str:
    """Any cell value as text; NA and None as a dash."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return NA
    return str(value)


def count(value: Any) -> str:
    return NA if value is None or pd.isna(value) else f"{int(value)}"


def when(value: Any, tz: str, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    """A timestamp shown in zone ``tz``."""
    if value is None or pd.isna(value):
        return NA
    return pd.Timestamp(value).tz_convert(tz).strftime(fmt)


def day(value: Any, tz: str) -> str:
    return when(value, tz, "%Y-%m-%d")


# -- tables and figures --------------------------------------------------------------------

Column = tuple[str, str, Callable[[Any], Any]]


def table(
    df: pd.DataFrame,
    columns: Sequence[Column],
    *,
    name: str,
    empty: str = "nothing to list",
    numeric: Sequence[str] = (),
) -> Markup:
    """An HTML table of ``df``: ``columns`` are (column, header, formatter) triples.

    A formatter returns text (escaped here) or :class:`Markup`. ``numeric``
    columns are right-aligned. The table carries ``data-table=name`` and
    ``data-rows`` for tests.
    """
    if not len(df):
        return tag("p", empty, class_="empty", data_table=name, data_rows=0)
    head = join(tag("th", h, class_="num" if c in numeric else None) for c, h, _ in columns)
    rows = []
    for rec in df.to_dict("records"):
        cells = join(
            tag("td", f(rec.get(c)), class_="num" if c in numeric else None) for c, _, f in columns
        )
        rows.append(tag("tr", cells))
    body = Markup(f"<thead><tr>{head}</tr></thead><tbody>{join(rows)}</tbody>")
    return tag("table", body, data_table=name, data_rows=len(df))


def figure(fig: go.Figure, name: str, caption: Markup | str = "") -> Markup:
    """A figure as a div plus its ``Plotly.newPlot`` call; plotly.js is in the page head."""
    height = fig.layout.height or 420
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"fig-{name}",
        default_width="100%",
        default_height=f"{int(height)}px",
        config={"displaylogo": False, "responsive": True},
    )
    cap = tag("figcaption", caption) if caption else Markup("")
    return Markup(f'<figure class="chart" data-figure="{esc(name)}">{div}{cap}</figure>')


# -- the page ------------------------------------------------------------------------------

CSS = """
:root { --ink: #1b1f24; --muted: #59636e; --rule: #d0d7de; --accent: #0b5cad;
        --bad: #b42318; --good: #1a7f37; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink);
       max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; }
header.top { border-bottom: 3px solid var(--ink); margin-bottom: 8px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-bottom: 4px;
     border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p, li { max-width: 90ch; }
.sub { color: var(--muted); margin: 0 0 12px; }
nav.toc { font-size: 14px; margin: 8px 0 6px; display: flex; flex-wrap: wrap; gap: 2px 16px; }
nav.toc a { color: var(--accent); text-decoration: none; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px;
         margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px;
        background: var(--soft); }
.card .label { font-size: 13px; color: var(--muted); }
.card .value { font-size: 26px; font-weight: bold; }
.card .ci, .card .prev { font-size: 13px; color: var(--muted); }
.card.alert .value { color: var(--bad); }
ul.verdicts li { margin-bottom: 6px; }
.verdict-changed { color: var(--bad); font-weight: bold; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td { overflow-wrap: break-word; }
ul.incidents { margin: 0; padding-left: 0; list-style: none; }
ul.incidents li { margin-bottom: 4px; }
table[data-table=themes] td:last-child { width: 36%; }
table[data-table=themes] td:first-child { width: 14%; }
table[data-table=themes] td:nth-child(6) { width: 22%; }
table[data-table=teams] { font-size: 12.5px; }
figure.chart { margin: 12px 0 20px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-size: 13px; color: var(--muted); margin-top: 2px; }
.empty { color: var(--muted); font-style: italic; }
table[data-table^=evidence] { font-size: 12.5px; }
table[data-table^=evidence] td:first-child { width: 19%; }
.ev-line, .ev-source { color: var(--muted); white-space: nowrap; }
.ev-source { display: block; font-size: 12px; overflow-wrap: anywhere; white-space: normal; }
.ev-text { display: block; color: var(--muted); font-size: 12px; }
.ev-inferred, .ev-ambiguous { font-size: 11.5px; border-radius: 3px; padding: 0 4px;
                               white-space: nowrap; }
.ev-inferred { background: #ddf4ff; }
.ev-ambiguous { background: #fff8c5; }
.note { border-left: 4px solid #d4a72c; background: #fff8c5; padding: 6px 12px; margin: 8px 0; }
details { margin: 8px 0; }
details summary { cursor: pointer; color: var(--accent); }
code, pre { font-family: "Liberation Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--soft); padding: 10px; overflow-x: auto; white-space: pre-wrap; }
ol.files { font-size: 12.5px; columns: 2; }
dl.defs dt { font-weight: 600; margin-top: 6px; }
dl.defs dd { margin-left: 18px; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 11pt; max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
  table, .cards { break-inside: auto; }
  tr, .card { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  details > summary { display: none; }
  .modebar-container { display: none !important; }
}
"""

# Opened <details> print their content; figures re-fit the printed page width.
PRINT_JS = """
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  document.querySelectorAll('.js-plotly-plot').forEach(function (gd) { Plotly.Plots.resize(gd); });
});
"""


def page(*, title: str, plotlyjs: str, body: Markup) -> str:
    """The whole document: plotly.js once in the head, then the body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="pmkit">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n"
        f'<script type="text/javascript" id="plotlyjs">{plotlyjs}</script>\n'
        f"<script>{PRINT_JS}</script>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
