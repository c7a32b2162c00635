"""Parquet snapshots are replaced atomically: a writer killed mid-write leaves the old one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit.io import parquet
from pmkit.testing import make_postmortems

# The child rewrites the snapshot forever, alternating a large version 1 with
# version 2, and prints "go" once its first write has begun.
CHILD = textwrap.dedent(
    """
    import sys
    from pmkit.io import parquet
    from pmkit.testing import make_postmortems

    if sys.argv[2] == "rename":
        parquet._exchange = lambda a, b: False  # the two-rename fallback
    big = make_postmortems(6000, seed=1)
    print("go", flush=True)
    k = 0
    while True:
        k += 1
        parquet.write_tables(big.tables, sys.argv[1], meta={"version": 1 + k % 2})
    """
)


def _counts(directory: Path) -> dict[str, int]:
    tables, _ = parquet.read_tables(directory)
    return {name: len(df) for name, df in tables.items()}


@pytest.mark.parametrize("mode", ["exchange", "rename"])
def test_sigkill_mid_write_leaves_a_whole_snapshot(tmp_path: Path, mode: str) -> None:
    target = tmp_path / "snap"
    old = make_postmortems(30, seed=0)
    old.to_parquet(target)
    expected_old = pmkit.read_parquet(target)
    big_counts = {name: len(df) for name, df in make_postmortems(6000, seed=1).tables.items()}
    env = {**os.environ, "PYTHONPATH": str(Path(pmkit.__file__).parent.parent)}
    kills_mid_write = 0
    for attempt in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(target), mode],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"go"
        # wait for a write to begin, then kill at a different moment of it each time
        deadline = time.monotonic() + 60
        while not any(tmp_path.glob(".snap.tmp-*")) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.03 * attempt)
        mid = any(tmp_path.glob(".snap.tmp-*"))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        kills_mid_write += mid
        counts = _counts(target)  # readable, whole: either the old or a new snapshot
        manifest = json.loads((target / "pmkit.json").read_text())
        assert counts == manifest["tables"]
        if manifest["meta"].get("version") is None:
            got = pmkit.read_parquet(target)
            for name in got.tables:
                pd.testing.assert_frame_equal(got.tables[name], expected_old.tables[name])
        else:
            assert counts == big_counts
    assert kills_mid_write >= 1
    # the next write sweeps the temporary folders the killed writers left
    old.to_parquet(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_previous_snapshot_left_aside_after_the_swap_is_swept(tmp_path: Path) -> None:
    # killed after the new snapshot was renamed into place, before the old one was removed
    target = tmp_path / "snap"
    make_postmortems(10, seed=0).to_parquet(target)
    make_postmortems(5, seed=1).to_parquet(tmp_path / ".snap.old-999999999")
    make_postmortems(3, seed=2).to_parquet(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]
    assert len(pmkit.read_parquet(target)) == 3


def test_snapshot_left_aside_between_two_renames_is_put_back(tmp_path: Path) -> None:
    target = tmp_path / "snap"
    pm = make_postmortems(10, seed=0)
    pm.to_parquet(target)
    target.rename(tmp_path / ".snap.old-4242")  # killed right after the first rename
    back = pmkit.read_parquet(target)
    assert len(back) == 10 and (target / "pmkit.json").is_file()
    assert not (tmp_path / ".snap.old-4242").exists()


def test_failed_write_removes_its_temporary_folder(tmp_path: Path) -> None:
    target = tmp_path / "snap"
    pm = make_postmortems(10, seed=0)
    pm.to_parquet(target)
    broken = dict(pm.tables)
    broken["incidents"] = broken["incidents"].assign(started_at="not a time")
    with pytest.raises(pmkit.SchemaError):
        parquet.write_tables(broken, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]
    assert len(pmkit.read_parquet(target)) == 10
