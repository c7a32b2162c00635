"""Latencies with honest statistics: durations, summaries, comparisons, survival.

A duration is a named pair of milestone columns (:data:`DURATIONS`).
:func:`latencies` measures every duration of every incident, with NA and an
``exclusion_reason`` wherever a milestone is missing or out of order;
:func:`summarize` reports per group ``n``, how many were left out, the median
with an exact distribution-free interval, p75, p90 and the mean;
:func:`compare` says in words whether a change between two periods or groups
is larger than chance; :func:`survival` draws Kaplan–Meier curves where
still-open incidents are censored, not dropped.

>>> from pmkit.metrics import latencies, summarize
>>> from pmkit.testing import make_postmortems
>>> lat = latencies(make_postmortems(80, seed=3))
>>> s = summarize(lat, by="team", durations="time_to_detect")
>>> bool(((s["n"] + s["n_excluded"]).sum() == len(lat)))
True
"""

from pmkit.metrics._compare import Comparison, compare, format_duration
from pmkit.metrics._detection import detection_share
from pmkit.metrics._durations import CLOSED_STATUSES, DURATIONS, Duration, latencies
from pmkit.metrics._mix import MixShift, mix_shift
from pmkit.metrics._summary import summarize
from pmkit.metrics._survival import survival

__all__ = [
    "CLOSED_STATUSES",
    "DURATIONS",
    "Comparison",
    "Duration",
    "MixShift",
    "compare",
    "detection_share",
    "format_duration",
    "latencies",
    "mix_shift",
    "summarize",
    "survival",
]
