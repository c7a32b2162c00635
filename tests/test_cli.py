"""The command line, through ``main([...])``: exit codes, stdout and stderr."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = "2026-11-28T00:00Z"
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "pm"
    assert main(["-q", "synth", "-n", "40", "-o", str(out), "--seed", "3"]) == 0
    return out


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_synth(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "synth", "-n", "5", "-o", str(tmp_path / "s"))
    assert code == 0
    assert out == f"wrote 5 postmortems to {tmp_path / 's'}/\n"
    assert len(list((tmp_path / "s").rglob("*.md"))) == 5
    code, out, err = run(capsys, "synth", "-n", "0", "-o", str(tmp_path / "z"))
    assert (code, out) == (1, "")
    assert err == "pmkit: error: -n must be at least 1, got 0\n"


def test_load_with_snapshot(
    capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "load", str(corpus), "-o", str(tmp_path / "snap"))
    assert code == 0
    assert out.startswith("40 incidents, ")
    assert f"snapshot written to {tmp_path / 'snap'}/" in out
    assert "reading postmortems from" in err and "reading" not in out
    assert len(pmkit.read_parquet(tmp_path / "snap")) == 40
    # a snapshot folder is accepted wherever PATHS are
    code, out, err = run(capsys, "-q", "load", str(tmp_path / "snap"))
    assert code == 0 and out.startswith("40 incidents, ") and err == ""


def test_bad_path_is_one_line_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    for cmd in ("load", "report", "latencies", "themes", "check", "run"):
        code, out, err = run(capsys, "-q", cmd, str(missing))
        assert code == 1, cmd
        assert out == "", cmd
        assert err.count("\n") == 1 and err.startswith("pmkit: error: "), (cmd, err)
        assert f"{missing} does not exist" in err
        assert "Traceback" not in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--debug", "-q", "load", str(tmp_path / "nope"))
    assert code == 1
    assert "Traceback (most recent call last)" in err
    assert err.rstrip().splitlines()[-1].startswith("pmkit: error: ")
    # --debug and -q also work after the subcommand
    code, _, err = run(capsys, "load", str(tmp_path / "nope"), "--debug", "-q")
    assert code == 1 and "Traceback" in err and "reading" not in err


def test_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for cmd in ("load", "report", "latencies", "check"):
        code, out, err = run(capsys, "-q", cmd, str(tmp_path / "empty"))
        assert (code, out) == (1, ""), cmd
        assert err == (
            f"pmkit: error: no postmortems found in {tmp_path / 'empty'}; pass folders of .md "
            "postmortems, files, globs or a snapshot folder written by pmkit load -o\n"
        )


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    for argv in (
        [],
        ["frobnicate"],
        ["report"],
        ["report", str(corpus), "--quarter"],
        ["latencies", str(corpus), "--format", "xml"],
        ["themes", str(corpus), "--n-themes", "many"],
        ["synth", "-n", "3"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert out == "" and "usage: pmkit" in err, argv
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "report" in out and "Exit codes" in out


def test_latencies_table_csv_json(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, err = run(capsys, "latencies", str(corpus), "--by", "quarter,team")
    assert code == 0
    assert out.split()[:4] == ["quarter", "team", "duration", "n"]
    assert "reading postmortems" in err

    code, out, err = run(
        capsys, "latencies", str(corpus), "--by", "quarter,team", "--format", "csv"
    )
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns[:4]) == ["quarter", "team", "duration", "n"]
    assert "median_seconds" in df.columns and "median_ci_low_seconds" in df.columns
    lat = pmkit.latencies(pmkit.load(corpus))
    expect = pmkit.summarize(lat, by=["quarter", "team"])
    assert len(df) == len(expect)
    assert df["n"].sum() == expect["n"].sum()
    assert "reading postmortems" in err  # progress stays on stderr

    code, out, _ = run(
        capsys, "-q", "latencies", str(corpus), "--durations", "time_to_detect", "--format", "json"
    )
    assert code == 0
    records = json.loads(out)
    assert {r["duration"] for r in records} == {"time_to_detect"}
    assert sum(r["n"] + r["n_excluded"] for r in records) == 40
    assert all(isinstance(r["median_seconds"], float | None) for r in records)


def test_latencies_stated_only_leaves_out_inferred_milestones(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    args = ["-q", "latencies", str(corpus), "--durations", "time_to_acknowledge"]
    code, out, _ = run(capsys, *args, "--format", "json")
    assert code == 0
    every = sum(r["n"] for r in json.loads(out))
    code, out, _ = run(capsys, *args, "--stated-only", "--format", "json")
    assert code == 0
    stated = sum(r["n"] for r in json.loads(out))
    pm = pmkit.load(corpus, progress=False)
    assert (pm.incidents["acknowledged_from"] == "inferred").any()  # no line states some
    assert every == int(pmkit.latencies(pm, "time_to_acknowledge")["time_to_acknowledge"].count())
    lat = pmkit.latencies(pm, "time_to_acknowledge", inferred=False)
    assert stated == int(lat["time_to_acknowledge"].count()) < every


def test_latencies_unknown_column_is_exit_1(
    capsys: pytest.CaptureFixture[str], corpus: Path
) -> None:
    code, out, err = run(capsys, "-q", "latencies", str(corpus), "--by", "nope")
    assert (code, out) == (1, "")
    assert err.startswith("pmkit: error: by='nope' is not the name of a column;")
    code, out, err = run(capsys, "-q", "latencies", str(corpus), "--durations", "time_to_lunch")
    assert code == 1 and "unknown duration(s) 'time_to_lunch'" in err


def test_themes(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, err = run(capsys, "-q", "themes", str(corpus), "--n-themes", "3")
    assert code == 0 and err == ""
    assert out.split()[:3] == ["theme_id", "label", "n_incidents"]
    code, out, _ = run(capsys, "-q", "themes", str(corpus), "--n-themes", "3", "--format", "json")
    themes = json.loads(out)
    assert len(themes) == 3
    assert {"label", "representative", "first_seen"} <= set(themes[0])


def test_check(capsys: pytest.CaptureFixture[str], corpus: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "-q", "check", str(corpus))
    found = pmkit.quality.check(pmkit.load(corpus))
    n_err = int((found["severity"] == "error").sum())
    assert code == (1 if n_err else 0)
    assert len(out.splitlines()) == len(found)
    if n_err:
        assert err.startswith(f"pmkit: check failed: {n_err} errors in ")
    code, out, _ = run(capsys, "-q", "check", str(corpus), "--format", "csv")
    assert len(pd.read_csv(io.StringIO(out))) == len(found)
    # a complete postmortem passes
    doc = tmp_path / "good" / "2026-07-01-ok.md"
    doc.parent.mkdir()
    doc.write_text(
        "---\nid: OK-1\ntitle: Fine\ndate: 2026-07-01\ntimezone: UTC\nteam: core\n---\n\n"
        "## Summary\n\nAll good.\n\n## Timeline\n\n- 10:00 [start] errors\n"
        "- 10:05 [detected] alert\n- 10:06 [acknowledged] paged\n- 10:20 [mitigated] rollback\n"
        "- 11:00 [resolved] done\n\n"
        "## Detect\n\n- alert sooner\n\n## React\n\n- page faster\n\n## Quick Fix\n\n"
        "- rollback\n\n## Prevent\n\n- tests\n\n## Other Areas of Risk\n\n- same in billing\n\n"
        "## Next Steps\n\n- [ ] add test (prevent) — @ann, due 2026-08-01\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(doc.parent))
    assert "error:" not in out
    assert code == 0, (out, err)
    assert "check passed: 0 errors" in err


def test_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    code, out, err = run(
        capsys, "report", str(SAMPLE), "--quarter", "2026Q3", "--as-of", AS_OF, "-o", str(target)
    )
    assert code == 0
    assert out == f"{target}\n"
    assert "building the quarterly review of 2026Q3" in err
    page = target.read_text(encoding="utf-8")
    assert "<h1>Quarterly review 2026Q3</h1>" in page
    assert 'data-section="inputs"' in page


def test_report_default_quarter(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # the sample's latest timestamp is in 2026Q3, so without --as-of 2026Q2 is the last full one
    code, _, _ = run(capsys, "-q", "report", str(SAMPLE), "-o", str(tmp_path / "a.html"))
    assert code == 0 and "Quarterly review 2026Q2" in (tmp_path / "a.html").read_text()
    code, _, _ = run(
        capsys, "-q", "report", str(SAMPLE), "--as-of", AS_OF, "-o", str(tmp_path / "b.html")
    )
    assert code == 0 and "Quarterly review 2026Q3" in (tmp_path / "b.html").read_text()


def test_report_quarter_without_incidents(capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    code, out, err = run(capsys, "-q", "report", str(corpus), "--quarter", "2024Q1")
    assert (code, out) == (1, "")
    assert err.startswith("pmkit: error: quarter 2024Q1 has no incidents; quarters with incidents ")
    assert err.count("\n") == 1
    code, _, err = run(capsys, "-q", "report", str(corpus), "--quarter", "third")
    assert code == 1 and "quarter must look like '2026Q3', got 'third'" in err
    code, _, err = run(capsys, "-q", "report", str(corpus), "--as-of", "2026-11-28")
    assert code == 1 and "as_of must be tz-aware" in err


def test_report_escapes_a_hostile_title(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # the Markdown reader already strips tags; a snapshot can hold any text
    from test_report import poisoned

    pm = poisoned()
    assert EVIL in set(pm.incidents["title"].dropna())
    pm.to_parquet(tmp_path / "snap")
    out_html = tmp_path / "r.html"
    code, _, err = run(
        capsys,
        "-q",
        "report",
        str(tmp_path / "snap"),
        "--quarter",
        "2026Q3",
        "--as-of",
        AS_OF,
        "-o",
        str(out_html),
    )
    assert code == 0, err
    page = out_html.read_text(encoding="utf-8")
    assert EVIL not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4


def test_unwritable_output_is_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run(
        capsys,
        "-q",
        "report",
        str(SAMPLE),
        "--quarter",
        "2026Q3",
        "-o",
        str(blocker / "review.html"),
    )
    assert (code, out) == (1, "")
    assert err.startswith("pmkit: error: ") and err.count("\n") == 1


def test_run_writes_snapshot_and_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "run", str(SAMPLE), "-o", str(tmp_path / "out"), "--as-of", AS_OF)
    assert code == 0, err
    assert out.startswith(f"Loaded {len(pmkit.load(SAMPLE))} incidents")
    assert "quarter  incidents median detect median react" in out
    assert f"Quarterly review of 2026Q3 written to {tmp_path / 'out' / 'review-2026Q3.html'}" in out
    assert (tmp_path / "out" / "review-2026Q3.html").is_file()
    assert len(pmkit.read_parquet(tmp_path / "out" / "snapshot")) == len(pmkit.load(SAMPLE))
    assert "building the quarterly review" in err
