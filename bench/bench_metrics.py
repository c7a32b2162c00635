"""Benchmark: latencies and per-quarter x team summaries of 100k incidents.

Incidents are built with numpy (skewed lognormal milestones, ~10% missing
detections, ~5% still open, ~1% out-of-order mitigations, 16 teams over eight
quarters) and conformed to the incidents schema. The script times

- :func:`pmkit.metrics.latencies` with all default durations,
- :func:`pmkit.metrics.summarize` by quarter x team with the exact
  order-statistic interval of the median (the default),
- the same summary with a 1000-resample percentile bootstrap (the baseline),
  measured in the same run,

and prints each figure next to its target (issue 3): latencies under 0.5 s,
summarize with intervals under 1 s. Fast steps report the best of 3 runs.
Building the milestones from ``events`` is the loader's job, not timed here.

Run: ``.venv/bin/python bench/bench_metrics.py [n]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from _timing import best_of

from pmkit import schema
from pmkit.metrics import latencies, summarize

TARGET_LATENCIES = 0.5
TARGET_SUMMARIZE = 1.0


def make_incidents(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic incidents as a schema-conformant table."""
    rng = np.random.default_rng(seed)
    t0 = np.datetime64("2024-10-01T00:00", "us").astype(np.int64)
    span = 2 * 365 * 86400 * 10**6
    minute = 60 * 10**6
    started = t0 + rng.integers(0, span, n)

    def after(base: np.ndarray, median_min: float, sigma: float) -> np.ndarray:
        return base + (rng.lognormal(np.log(median_min), sigma, n) * minute).astype(np.int64)

    detected = after(started, 8, 0.9)
    acknowledged = after(detected, 5, 0.7)
    mitigated = after(detected, 40, 0.8)
    resolved = after(mitigated, 120, 1.0)
    communicated = after(detected, 20, 0.8)
    nat = np.iinfo(np.int64).min
    detected[rng.random(n) < 0.10] = nat
    open_ = rng.random(n) < 0.05
    resolved[open_] = nat
    communicated[rng.random(n) < 0.4] = nat
    backwards = rng.random(n) < 0.01
    mitigated[backwards] = started[backwards] - 5 * minute

    def ts(values: np.ndarray) -> pd.Series:
        return pd.Series(values.view("datetime64[us]")).dt.tz_localize("UTC")

    teams = np.array([f"team{i:02d}" for i in range(16)], dtype=object)
    return schema.conform(
        {
            "incident_id": pd.array([f"PM-{i:06d}" for i in range(n)], dtype=schema.STRING),
            "team": teams[rng.integers(0, 16, n)],
            "service": teams[rng.integers(0, 16, n)],
            "severity": np.array(["SEV1", "SEV2", "SEV3", "SEV4"], dtype=object)[
                rng.integers(0, 4, n)
            ],
            "status": np.where(open_, "open", "resolved"),
            "detection_source": np.array(["monitoring", "customer", "unknown"], dtype=object)[
                rng.integers(0, 3, n)
            ],
            "occurred_at": ts(started),
            "started_at": ts(started),
            "detected_at": ts(detected),
            "acknowledged_at": ts(acknowledged),
            "mitigated_at": ts(mitigated),
            "resolved_at": ts(resolved),
            "communicated_at": ts(communicated),
        },
        "incidents",
    )


def main(n: int = 100_000) -> None:
    t = time.perf_counter()
    inc = make_incidents(n)
    print(f"built {n:,} incidents in {time.perf_counter() - t:.2f} s")

    t_lat, lat = best_of(3, lambda: latencies(inc))
    by = ["quarter", "team"]
    t_exact, exact = best_of(3, lambda: summarize(lat, by=by))
    t = time.perf_counter()
    boot = summarize(lat, by=by, ci="bootstrap", n_boot=1000, random_state=0)
    t_boot = time.perf_counter() - t

    groups = exact[by].drop_duplicates().shape[0]
    durations = exact["duration"].nunique()

    def ok(seconds: float, target: float) -> str:
        return "ok" if seconds < target else "MISSED"

    print(
        f"latencies, {durations} durations:           {t_lat:6.3f} s  "
        f"(target < {TARGET_LATENCIES} s: {ok(t_lat, TARGET_LATENCIES)})"
    )
    print(
        f"summarize quarter x team, exact CI:  {t_exact:6.3f} s  "
        f"(target < {TARGET_SUMMARIZE} s: {ok(t_exact, TARGET_SUMMARIZE)}; "
        f"{groups} groups x {durations} durations)"
    )
    print(f"summarize quarter x team, bootstrap: {t_boot:6.3f} s  (1000 resamples, baseline)")
    print(f"exact CI is {t_boot / t_exact:.0f}x faster than the bootstrap baseline")
    width_exact = (exact["median_ci_high"] - exact["median_ci_low"]).median()
    width_boot = (boot["median_ci_high"] - boot["median_ci_low"]).median()
    print(f"median interval width: exact {width_exact}, bootstrap {width_boot}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
