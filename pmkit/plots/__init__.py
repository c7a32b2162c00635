"""Plotly figure builders: a DataFrame from the analysis layer in, a ``go.Figure`` out.

Nothing here computes a statistic. Each function draws what
:mod:`pmkit.metrics`, :mod:`pmkit.themes` or :mod:`pmkit.actions` returned:
medians and intervals come from :func:`pmkit.summarize`, curves from
:func:`pmkit.survival`, theme sizes and trends from :func:`pmkit.risk_themes`.
Column arguments are names of columns (as in plotly express); a wrong one
raises :class:`pmkit.UsageError` listing the columns there are.

Colours are fixed per phase, detection source, action state and severity
(:data:`PALETTE`), and teams keep their colour across figures when the same
``colors=`` mapping (see :func:`team_colors`) is passed to each. Timestamps are
stored in UTC and shown in the ``tz=`` the caller chooses.

>>> import pmkit
>>> from pmkit import plots
>>> pm = pmkit.testing.make_postmortems(60, seed=0)
>>> lat = pmkit.latencies(pm)
>>> summary = pmkit.summarize(lat, by="quarter", durations="time_to_detect")
>>> fig = plots.median_trend(summary)
>>> fig.data[-1].name, fig.layout.yaxis.type
('time_to_detect', 'log')
"""

from __future__ import annotations

from pmkit.plots._common import (
    _EMPTY_TEXT as _EMPTY_TEXT,
)
from pmkit.plots._common import (
    PALETTE as PALETTE,
)
from pmkit.plots._common import (
    PHASES as PHASES,
)
from pmkit.plots._common import (
    duration_text as duration_text,
)
from pmkit.plots._common import (
    team_colors as team_colors,
)
from pmkit.plots._latency import (
    latency_distribution as latency_distribution,
)
from pmkit.plots._latency import (
    median_trend as median_trend,
)
from pmkit.plots._themes import (
    follow_through as follow_through,
)
from pmkit.plots._themes import (
    risk_theme_map as risk_theme_map,
)
from pmkit.plots._views import (
    detection_share as detection_share,
)
from pmkit.plots._views import (
    phase_timeline as phase_timeline,
)
from pmkit.plots._views import (
    survival_curves as survival_curves,
)

__all__ = [
    "PALETTE",
    "PHASES",
    "detection_share",
    "duration_text",
    "follow_through",
    "latency_distribution",
    "median_trend",
    "phase_timeline",
    "risk_theme_map",
    "survival_curves",
    "team_colors",
]
