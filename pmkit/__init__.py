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

from pmkit import testing
from pmkit.collection import Postmortems, read_parquet
from pmkit.errors import ParseError, PmkitError, SchemaError, UsageError
from pmkit.loading import load
from pmkit.metrics import (
    DURATIONS,
    Comparison,
    Duration,
    compare,
    latencies,
    summarize,
    survival,
)
from pmkit.themes import RiskThemes, cluster_statements, recurrences, risk_themes

__version__ = "0.1.0"

__all__ = [
    "DURATIONS",
    "Comparison",
    "Duration",
    "ParseError",
    "PmkitError",
    "Postmortems",
    "RiskThemes",
    "SchemaError",
    "UsageError",
    "__version__",
    "cluster_statements",
    "compare",
    "latencies",
    "load",
    "read_parquet",
    "recurrences",
    "risk_themes",
    "summarize",
    "survival",
    "testing",
]
