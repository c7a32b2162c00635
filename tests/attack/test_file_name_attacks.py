"""File names that are not UTF-8 (old Linux shares): the load, the snapshot, the report
and the command line take them (issue 22)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import pmkit
from pmkit import report
from pmkit.cli import main as cli

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="Linux file systems take any bytes in a name"
)

DOC = (
    b"# Cafe\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 alert fired\n"
    b"- 10:30 rolled back\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = os.fsencode(tmp_path / "pm")
    os.makedirs(root)
    with open(root + b"/2024-05-01-caf\xe9.md", "wb") as f:  # Latin-1 e-acute
        f.write(DOC)
    with open(root + b"/2024-05-02-\xff\xfe.md", "wb") as f:
        f.write(DOC.replace(b"2024-05-01", b"2024-05-02"))
    with open(root + b"/README\xe9.md", "wb") as f:
        f.write(b"# not a postmortem\n")
    with open(root + b"/ok.md", "wb") as f:
        f.write(DOC)
    return tmp_path / "pm"


def test_files_with_names_that_are_not_utf8_load_with_a_warning(folder: Path) -> None:
    pm = pmkit.load(folder)
    assert len(pm) == 4  # the README-like file is an incident too: its name is not README.md
    ids = sorted(pm.incidents["incident_id"])
    assert "2024-05-01-caf\\xe9" in ids and "2024-05-02-\\xff\\xfe" in ids
    warned = pm.problems[pm.problems["code"] == "file.name_encoding"]
    assert len(warned) == 3
    assert all("\\x" in s for s in warned["source"])
    for table in pm.tables.values():  # every text is valid UTF-8
        for col in table.select_dtypes(include="string"):
            for v in table[col].dropna():
                v.encode("utf-8")
    assert (
        pm.incidents.set_index("incident_id").loc["2024-05-01-caf\\xe9", "detected_at"]
        == (pm.incidents.set_index("incident_id").loc["ok", "detected_at"])
    )


def test_their_snapshot_report_and_command_line_work(folder: Path, tmp_path: Path) -> None:
    pm = pmkit.load(folder)
    pm.to_parquet(tmp_path / "snap")
    back = pmkit.read_parquet(tmp_path / "snap")
    assert sorted(back.incidents["incident_id"]) == sorted(pm.incidents["incident_id"])
    assert any("\\xe9" in i for i in back.inputs)
    out = tmp_path / "r.html"
    report.quarterly(pm, "2024Q2", as_of="2024-07-01T00:00Z").write_html(out)
    assert "caf\\xe9" in out.read_text(encoding="utf-8")
    assert cli(["load", str(folder)]) == 0
    assert cli(["report", str(folder), "--quarter", "2024Q2", "-o", str(tmp_path / "r2.html")]) == 0
