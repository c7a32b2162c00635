"""pmkit: learn from many blameless postmortems at once.

Load postmortems into five tidy tables, measure detect / react / mitigate /
resolve times with intervals that say how sure they are, and find the risks
that keep coming back.

>>> import pmkit
>>> pm = pmkit.testing.make_postmortems(30, seed=0)
>>> lat = pmkit.latencies(pm)
>>> list(pmkit.summarize(lat, durations="time_to_detect").columns[:4])
['duration', 'n', 'n_excluded', 'median']
"""

import importlib
from typing import Any

from pmkit import testing
from pmkit.actions import ActionHealth, TrackerMerge, action_health, overdue, unowned
from pmkit.blame import find_blame
from pmkit.collection import Postmortems, read_parquet
from pmkit.errors import ParseError, PmkitError, SchemaError, UsageError
from pmkit.loading import load
from pmkit.metrics import (
    DURATIONS,
    Comparison,
    Duration,
    MixShift,
    compare,
    detection_share,
    latencies,
    mix_shift,
    summarize,
    survival,
)
from pmkit.owners import owner_aliases, with_owners
from pmkit.quality import check, completeness
from pmkit.themes import RiskThemes, cluster_statements, recurrences, risk_themes

__version__ = "0.1.0"

#: Submodules imported on first use, so ``import pmkit`` stays light (no plotly,
#: no ipywidgets until a figure or dashboard is asked for).
_LAZY = ("plots", "progress", "report", "widgets")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"pmkit.{name}")
    raise AttributeError(f"module 'pmkit' has no attribute {name!r}")


__all__ = [
    "DURATIONS",
    "ActionHealth",
    "Comparison",
    "Duration",
    "MixShift",
    "ParseError",
    "PmkitError",
    "Postmortems",
    "RiskThemes",
    "SchemaError",
    "TrackerMerge",
    "UsageError",
    "__version__",
    "action_health",
    "check",
    "cluster_statements",
    "compare",
    "completeness",
    "detection_share",
    "find_blame",
    "latencies",
    "load",
    "mix_shift",
    "overdue",
    "owner_aliases",
    "read_parquet",
    "recurrences",
    "risk_themes",
    "summarize",
    "survival",
    "testing",
    "unowned",
    "with_owners",
]
