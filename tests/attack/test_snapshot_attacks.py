"""Snapshots under attack: nothing a user owns is deleted, a read never mixes two
snapshots, tampering is caught, concurrent writers take turns (issues 22, 23)."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import stat
import sys
from pathlib import Path

import pytest

import pmkit
from pmkit.cli import main as cli
from pmkit.errors import ParseError, PmkitError

DOC = (
    "# Outage {n}\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 [start] errors\n"
    "- 10:07 alert fired\n- 10:30 rolled back\n"
)


def _pm(n: int, tmp: Path) -> pmkit.Postmortems:
    d = tmp / f"src{n}"
    d.mkdir(exist_ok=True)
    for i in range(n):
        (d / f"2024-05-01-x{i}.md").write_text(DOC.format(n=i), encoding="utf-8")
    return pmkit.load(d)


def test_a_folder_of_postmortems_is_never_replaced(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "2024-05-01-x.md").write_text(DOC.format(n=1), encoding="utf-8")
    (victim / "notes").mkdir()
    (victim / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    pm = pmkit.load(victim)
    with pytest.raises(PmkitError, match=r"not a pmkit snapshot .*refusing to replace it"):
        pm.to_parquet(victim)
    assert (victim / "2024-05-01-x.md").is_file() and (victim / "notes" / "keep.txt").is_file()
    # the command line: one line on stderr, a non-zero exit, nothing deleted
    assert cli(["load", str(victim), "-o", str(victim)]) == 1
    assert sorted(p.name for p in victim.iterdir()) == ["2024-05-01-x.md", "notes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim"]  # no temp entries


def test_a_regular_file_is_never_replaced(tmp_path: Path) -> None:
    f = tmp_path / "report.txt"
    f.write_text("precious", encoding="utf-8")
    with pytest.raises(PmkitError, match="is not a folder"):
        pmkit.Postmortems().to_parquet(f)
    assert f.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_an_empty_folder_becomes_a_snapshot_and_a_snapshot_is_replaced(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    pm = _pm(2, tmp_path)
    pm.to_parquet(snap)
    assert len(pmkit.read_parquet(snap)) == 2
    _pm(3, tmp_path).to_parquet(snap)
    assert len(pmkit.read_parquet(snap)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap", "src2", "src3"]


def test_a_symlinked_snapshot_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real"
    _pm(1, tmp_path).to_parquet(real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    _pm(2, tmp_path).to_parquet(link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert len(pmkit.read_parquet(real)) == 2
    # a link to a folder that is not a snapshot is refused
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text("x", encoding="utf-8")
    bad = tmp_path / "bad"
    bad.symlink_to(other, target_is_directory=True)
    with pytest.raises(PmkitError, match=r"symlink .* not a pmkit snapshot"):
        _pm(1, tmp_path).to_parquet(bad)
    assert (other / "x.md").is_file()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_snapshot_has_the_users_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        _pm(1, tmp_path).to_parquet(tmp_path / "snap")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "snap").stat().st_mode) == 0o755
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "snap").iterdir()}
    assert modes == {0o644}


def test_every_flipped_byte_of_a_table_is_caught(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    _pm(3, tmp_path).to_parquet(snap)
    path = snap / "events.parquet"
    original = path.read_bytes()
    caught = 0
    positions = range(0, len(original), max(1, len(original) // 60))
    for pos in positions:
        data = bytearray(original)
        data[pos] ^= 0x01
        path.write_bytes(bytes(data))
        with pytest.raises(ParseError, match="checksum does not match"):
            pmkit.read_parquet(snap)
        caught += 1
    path.write_bytes(original)
    assert caught == len(positions) >= 50
    assert len(pmkit.read_parquet(snap)) == 3
    # a table swapped in from another snapshot is caught too
    other = tmp_path / "other"
    _pm(2, tmp_path).to_parquet(other)
    (snap / "events.parquet").write_bytes((other / "events.parquet").read_bytes())
    with pytest.raises(ParseError, match="checksum does not match"):
        pmkit.read_parquet(snap)


def _writer(target: str, n: int, rounds: int, src: str) -> None:
    pm = pmkit.read_parquet(src)
    for _ in range(rounds):
        pm.to_parquet(target)


def _counts(snap: Path) -> tuple[int, int, int]:
    pm = pmkit.read_parquet(snap)
    return len(pm.incidents), len(pm.events), len(pm.problems)


@pytest.mark.skipif(sys.platform != "linux", reason="fork and renameat2")
def test_concurrent_writers_take_turns_and_readers_see_one_whole_snapshot(
    tmp_path: Path,
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    _pm(1, tmp_path).to_parquet(one)
    _pm(4, tmp_path).to_parquet(two)
    versions = {_counts(one), _counts(two)}
    assert len(versions) == 2
    target = tmp_path / "snap"
    _pm(1, tmp_path).to_parquet(target)
    ctx = mp.get_context("fork")
    writers = [
        ctx.Process(target=_writer, args=(str(target), n, 25, str(src)))
        for n, src in ((1, one), (4, two))
    ]
    for w in writers:
        w.start()
    reads = 0
    try:
        while any(w.is_alive() for w in writers):
            assert _counts(target) in versions  # never tables of two snapshots
            reads += 1
    finally:
        for w in writers:
            w.join(60)
    assert [w.exitcode for w in writers] == [0, 0]  # neither writer failed
    assert reads >= 5
    assert _counts(target) in versions
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["one", "snap", "src1", "src4", "two"]
    manifest = json.loads((target / "pmkit.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {f"{t}.parquet" for t in pmkit.schema.TABLES}
