"""Hostile and broken input: a load never crashes, hangs, loses a record or runs code.

The committed corpus ``tests/data/bad/`` holds the small nasty inputs (one file
per case, expected ``problems`` codes in :data:`EXPECTED`); large ones (50 MB
documents, 100k-line timelines, megabyte lines) are generated in ``tmp_path``.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit import classify, timeparse
from pmkit.errors import ParseError
from pmkit.io import READERS, Reader, register
from pmkit.io.markdown import read_markdown

BAD = Path(__file__).parent / "data" / "bad"
PACKAGE = Path(pmkit.__file__).parent

#: file -> (gives an incident?, problem codes it must report). Other codes may
#: appear too (date.missing, milestone.inferred, ...); these are the point of the case.
EXPECTED: dict[str, tuple[bool, set[str]]] = {
    "empty.md": (False, {"file.empty"}),
    "whitespace-only.md": (False, {"file.empty"}),
    "binary.md": (False, {"file.binary"}),
    "utf16-no-bom.md": (False, {"file.binary"}),
    "latin1.md": (True, {"file.encoding"}),
    "utf16-le-bom.md": (True, set()),
    "utf16-be-bom.md": (True, set()),
    "mixed-line-endings.md": (True, set()),
    "nul-after-8k.md": (True, set()),
    "frontmatter-list.md": (True, {"frontmatter.not_mapping"}),
    "frontmatter-scalar.md": (True, {"frontmatter.not_mapping"}),
    "frontmatter-unclosed.md": (True, {"frontmatter.unclosed"}),
    "frontmatter-bad-toml.md": (True, {"frontmatter.invalid"}),
    "yaml-billion-laughs.md": (True, {"frontmatter.invalid"}),
    "yaml-python-tag.md": (True, {"frontmatter.invalid"}),
    "yaml-custom-tag.md": (True, {"frontmatter.invalid"}),
    "yaml-deep-nesting.md": (True, {"frontmatter.invalid"}),
    "deep-nested-list.md": (True, set()),
    "date-31-february.md": (True, {"time.invalid"}),
    "date-year-0.md": (True, {"time.invalid"}),
    "date-out-of-range.md": (True, {"time.invalid"}),
    "time-25-61.md": (True, {"time.invalid"}),
    "zone-unknown.md": (True, {"time.no_zone"}),
    "zone-unknown-frontmatter.md": (True, {"time.unknown_zone", "time.no_zone"}),
    "dup-id-a.md": (True, {"id.duplicate"}),
    "dup-id-b.md": (True, {"id.duplicate"}),
    "script-tags.md": (True, set()),
    "html-comment-unclosed.md": (True, set()),
    "fence-unclosed.md": (True, set()),
    "only-headings.md": (True, {"date.missing"}),
    "placeholder-times.md": (True, {"time.placeholder"}),
    "truncated.json": (False, {"json.invalid"}),
    "truncated-pagerduty.json": (False, {"json.invalid"}),
    "not-json.json": (False, {"table.unreadable"}),
}


def _string_columns(pm: pmkit.Postmortems) -> list[tuple[str, str, pd.Series]]:
    return [
        (name, col, df[col].dropna().astype(str))
        for name, df in pm.tables.items()
        for col in df.columns
        if df[col].dtype == "string" or df[col].dtype == object
    ]


def _accounted(pm: pmkit.Postmortems) -> tuple[set[str], set[str], set[str]]:
    """(files with an incident, files reported unreadable, files with neither)."""
    read = set(pm.incidents["source"].dropna())
    errors = pm.problems[pm.problems["level"] == "error"]
    unreadable = set(errors["source"].dropna()) - read
    return read, unreadable, set(pm.inputs) - read - unreadable


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> pmkit.Postmortems:
    here = tmp_path_factory.mktemp("cwd")
    cwd = Path.cwd()
    os.chdir(here)  # a constructed !!python/object would write PWNED here
    try:
        return pmkit.load(BAD)
    finally:
        os.chdir(cwd)
        assert not (here / "PWNED").exists()


def test_corpus_lists_every_bad_file() -> None:
    assert sorted(p.name for p in BAD.iterdir() if p.name != "README.md") == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_incident_or_problem(bad: pmkit.Postmortems, name: str) -> None:
    source = str(BAD / name)
    has_incident, codes = EXPECTED[name]
    assert (source in set(bad.incidents["source"])) is has_incident
    got = set(bad.problems.loc[bad.problems["source"] == source, "code"])
    assert codes <= got, f"{name}: expected {codes}, got {got}"
    if not has_incident:
        assert "error" in set(bad.problems.loc[bad.problems["source"] == source, "level"])


def test_documents_in_equal_incidents_plus_unreadable(bad: pmkit.Postmortems) -> None:
    _, unreadable, lost = _accounted(bad)
    assert not lost
    assert len(bad.inputs) == len(bad) + len(unreadable) == len(EXPECTED)


def test_no_reader_failure_on_the_bad_corpus(bad: pmkit.Postmortems) -> None:
    assert "reader.failed" not in set(bad.problems["code"])


def test_duplicate_ids_are_both_kept_and_reported(bad: pmkit.Postmortems) -> None:
    dup = bad.incidents[bad.incidents["incident_id"] == "INC-42"]
    assert sorted(Path(s).name for s in dup["source"]) == ["dup-id-a.md", "dup-id-b.md"]
    rows = bad.problems[bad.problems["code"] == "id.duplicate"]
    assert rows["message"].str.contains("also used by").all()


def test_no_script_tag_survives_in_any_text_column(bad: pmkit.Postmortems) -> None:
    for name, col, values in _string_columns(bad):
        leaked = values[values.str.contains("<script", case=False, regex=False)]
        assert leaked.empty, f"{name}.{col}: {leaked.tolist()[:3]}"
    script = bad.incidents[bad.incidents["source"].str.endswith("script-tags.md")].iloc[0]
    assert script["title"] == "alert('title')Checkout down"
    assert script["team"] == "payments"


def test_yaml_tags_construct_nothing(bad: pmkit.Postmortems) -> None:
    row = bad.incidents[bad.incidents["source"].str.endswith("yaml-python-tag.md")].iloc[0]
    assert row["title"] == "Outage"  # the Markdown title; the tagged value was refused
    msg = bad.problems[bad.problems["source"].str.endswith("yaml-python-tag.md")]["message"]
    assert msg.str.contains("python/object").any()


def test_impossible_dates_and_times_are_reported_with_their_line(bad: pmkit.Postmortems) -> None:
    p = bad.problems
    feb = p[p["source"].str.endswith("date-31-february.md") & (p["code"] == "time.invalid")]
    assert feb["line"].tolist() == [7]
    clock = p[p["source"].str.endswith("time-25-61.md") & (p["code"] == "time.invalid")]
    assert clock["line"].tolist() == [8, 9]
    ev = bad.events[bad.events["source"].str.endswith("date-31-february.md")]
    assert ev["at"].isna().tolist() == [True, False]  # kept, without a time


def test_strict_raises_the_first_error_with_file_and_line() -> None:
    with pytest.raises(ParseError, match=r"time-25-61\.md:8: '25:61' is not a valid time") as e:
        pmkit.load(BAD / "time-25-61.md", strict=True)
    assert e.value.line == 8 and e.value.code == "time.invalid"
    assert e.value.source == str(BAD / "time-25-61.md")
    with pytest.raises(ParseError, match=r"empty\.md: file is empty") as e:
        pmkit.load(BAD / "empty.md", strict=True)
    assert e.value.line is None


@pytest.mark.parametrize("workers", [1, 2])
def test_strict_stops_reading_soon_after_the_first_error(tmp_path: Path, workers: int) -> None:
    (tmp_path / "0000-bad.md").write_text("# Bad\n\n## Timeline\n\nAll times UTC.\n\n- 25:61 x\n")
    for i in range(1, 4500):
        (tmp_path / f"{i:04d}-ok.md").write_text("# Fine\n")
    seen: list[int] = []
    with pytest.raises(ParseError, match=r"0000-bad\.md:7: '25:61'"):
        pmkit.load(tmp_path, strict=True, workers=workers, progress=lambda d, t: seen.append(d))
    # raised after the first chunk, not after reading all 4,500 files
    assert seen and max(seen) <= 100


def test_symlink_loops_are_walked_once(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "2024-01-01-x.md").write_text("# X\n")
    (tmp_path / "a" / "b" / "loop").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "self").symlink_to(".")
    (tmp_path / "a" / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "a" / "ping.md").symlink_to(tmp_path / "a" / "pong.md")
    (tmp_path / "a" / "pong.md").symlink_to(tmp_path / "a" / "ping.md")
    pm = pmkit.load(tmp_path)
    assert len(pm) == 1
    unreadable = pm.problems[pm.problems["code"] == "file.unreadable"]
    assert sorted(Path(s).name for s in unreadable["source"]) == [
        "dangling.md",
        "ping.md",
        "pong.md",
    ]


def test_fifo_named_md_is_reported_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "2024-01-01-x.md").write_text("# X\n")
    pm = pmkit.load(tmp_path)  # reading the FIFO would block forever
    assert len(pm) == 1
    row = pm.problems[pm.problems["code"] == "file.unreadable"].iloc[0]
    assert row["source"].endswith("pipe.md") and "not a regular file" in row["message"]


def test_a_crashing_reader_costs_one_file_not_the_load(tmp_path: Path) -> None:
    def read(path: Path, text: str, out: pmkit.io.Parsed, options: object) -> None:
        out.add("incidents", incident_id="half", source=str(path))  # taken back
        raise RuntimeError("boom\nsecond line")

    def read_bad_rows(path: Path, text: str, out: pmkit.io.Parsed, options: object) -> None:
        out.add("incidents", incident_id="x", source=str(path), started_at="not a time")

    saved = list(READERS)
    register(Reader("crash", (".crash",), lambda n, h: True, read))
    register(Reader("badrows", (".badrows",), lambda n, h: True, read_bad_rows))
    try:
        (tmp_path / "a.crash").write_text("x")
        (tmp_path / "b.badrows").write_text("x")
        (tmp_path / "2024-01-01-ok.md").write_text("# fine\n")
        pm = pmkit.load(tmp_path)
    finally:
        READERS[:] = saved
    assert pm.incidents["incident_id"].tolist() == ["2024-01-01-ok"]
    failed = pm.problems[pm.problems["code"] == "reader.failed"]
    assert [Path(s).name for s in failed["source"]] == ["a.crash", "b.badrows"]
    assert (
        failed["message"]
        .iloc[0]
        .startswith(
            "the crash reader failed on this file (RuntimeError: boom); the file is skipped"
        )
    )
    assert failed["message"].iloc[1].startswith("checking the rows read failed on this file")


# --------------------------------------------------------------------------- size


def _timeline(n: int) -> str:
    lines = (
        f"- {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} alert fired on host-{i} @ana"
        for i in range(n)
    )
    return "# Long\n\n## Timeline\n\nAll times UTC.\n\n" + "\n".join(lines) + "\n"


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    """Fastest of ``repeat`` runs; each run repeats ``fn`` until it takes 20 ms."""
    best = float("inf")
    for _ in range(repeat):
        n, t = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - t
            if elapsed > 0.02:
                break
        best = min(best, elapsed / n)
    return best


def _growth(small: Callable[[], object], large: Callable[[], object], tries: int = 3) -> float:
    """Time of ``large`` over time of ``small``; the best of a few tries, as a
    busy machine only ever makes one of the two slower, never the ratio smaller."""
    ratios = []
    for _ in range(tries):
        ratios.append(_best(large, 1) / _best(small, 3))
        if ratios[-1] < 15:
            break
    return min(ratios)


def test_50mb_document_is_reported_and_skipped_over_max_bytes(tmp_path: Path) -> None:
    big = tmp_path / "2024-01-01-big.md"
    with big.open("w") as f:
        f.write("# Big\n\n## Summary\n\n")
        line = "word " * 20 + "\n"
        f.write(line * (50 * 1024 * 1024 // len(line)))
    (tmp_path / "2024-01-02-small.md").write_text("# Small\n")
    t = time.perf_counter()
    pm = pmkit.load(tmp_path)
    assert time.perf_counter() - t < 5  # not read into memory
    assert pm.incidents["incident_id"].tolist() == ["2024-01-02-small"]
    row = pm.problems[pm.problems["code"] == "file.too_large"].iloc[0]
    assert row["level"] == "error" and "raise max_bytes=" in row["message"]


def test_large_document_under_max_bytes_reads_in_linear_time(tmp_path: Path) -> None:
    small, large = tmp_path / "2024-01-01-s.md", tmp_path / "2024-01-01-l.md"
    small.write_text(_timeline(5_000))
    large.write_text(_timeline(50_000))  # about 3 MB
    ratio = _growth(lambda: pmkit.load(small), lambda: pmkit.load(large, max_bytes=2**26))
    assert ratio < 20, ratio


def test_100k_line_timeline_is_linear() -> None:
    text10, text100 = _timeline(10_000), _timeline(100_000)
    out = read_markdown(text100, source="2024-01-01-x.md")
    assert len(out.tables["events"]["at"]) == 100_000
    ratio = _growth(
        lambda: read_markdown(text10, source="2024-01-01-x.md"),
        lambda: read_markdown(text100, source="2024-01-01-x.md"),
    )
    assert ratio < 20, ratio


# --------------------------------------------------------------------------- regexes

#: Units repeated into adversarial lines: runs of what the patterns look for,
#: ending where a match would fail.
UNITS = [
    "# ",
    "1:",
    "11:11 ",
    "1 ",
    "<a",
    "<",
    "[a](",
    "[",
    "*_",
    "`",
    "@a.",
    "|-",
    "T+1",
    "Jan 1 ",
    "2024-01-",
    "all times ",
    "UTC+1",
    "a/",
    "owner: ",
    "due ",
    "AB-1",
    "http://",
    "~",
    " \t",
    "**",
    "ab ",
]

FUNCTIONS: dict[str, Callable[[str], object]] = {
    "read_markdown:heading": lambda s: read_markdown("# " + s, source="x.md"),
    "read_markdown:timeline": lambda s: read_markdown(
        "# X\n\n## Timeline\n\nAll times UTC.\n\n- 2024-01-01 10:00 " + s, source="x.md"
    ),
    "read_markdown:summary": lambda s: read_markdown("# X\n\n## Summary\n\n" + s, source="x.md"),
    "read_markdown:actions": lambda s: read_markdown("# X\n\n## Next Steps\n\n- " + s, source="x"),
    "read_markdown:table": lambda s: read_markdown("## Timeline\n\n| " + s + " |", source="x"),
    "read_markdown:frontmatter": lambda s: read_markdown(
        "---\ntitle: " + s + "\n---\n", source="x"
    ),
    "find_time": timeparse.find_time,
    "find_date": timeparse.find_date,
    "find_zone_statement": timeparse.find_zone_statement,
    "find_bad_time": timeparse.find_bad_time,
    "is_placeholder": timeparse.is_placeholder,
    "classify_event": classify.classify_event,
    "event_marker": classify.event_marker,
    "detection_source": classify.detection_source,
    "heading_section": classify.heading_section,
    "normalize_severity": classify.normalize_severity,
    "normalize_action_status": classify.normalize_action_status,
}


@pytest.mark.parametrize("fn", sorted(FUNCTIONS))
def test_parsing_time_is_linear_on_adversarial_lines(fn: str) -> None:
    f = FUNCTIONS[fn]
    worst: tuple[float, str] = (0.0, "")
    for unit in UNITS:
        for tail in ("", "x!"):
            s10 = unit * (10_000 // len(unit)) + tail
            s100 = unit * (100_000 // len(unit)) + tail
            t = time.perf_counter()
            f(s100)
            if time.perf_counter() - t < 0.05:
                # 100k characters in under 50 ms: a quadratic scan of them
                # would take seconds, so this one is linear
                continue
            ratio = _growth(lambda s=s10: f(s), lambda s=s100: f(s))
            worst = max(worst, (ratio, f"{unit!r}+{tail!r}"))
    assert worst[0] < 30, f"{fn}: 10x the input takes {worst[0]:.0f}x the time on {worst[1]}"


# --------------------------------------------------------------------------- code


def test_nothing_from_input_is_executed_or_unpickled() -> None:
    bad_calls = re.compile(
        r"\b(?:eval|exec|compile)\(|\bpickle\b|\bmarshal\b|\bshelve\b|__import__|"
        r"yaml\.(?:unsafe_load|full_load|load_all)\(|Loader=yaml\.(?:Full|Unsafe)?Loader\b|"
        r"subprocess|os\.system|\bdill\b|read_pickle|allow_pickle=True"
    )
    hits = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if bad_calls.search(code) and "re.compile(" not in code:
                hits.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
            if "yaml.load(" in code and "_YAML_LOADER" not in code and "SafeLoader" not in code:
                hits.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert hits == []


def test_yaml_loader_is_a_safe_one() -> None:
    import yaml

    from pmkit.io.markdown import _text

    assert issubclass(_text._YAML_LOADER, yaml.SafeLoader) or (
        _text._YAML_LOADER.__name__ == "CSafeLoader"
    )


# --------------------------------------------------------------------------- 10% corruption


def _damage(path: Path, how: str, rng: random.Random) -> None:
    data = path.read_bytes()
    if how == "random":
        path.write_bytes(rng.randbytes(max(1, len(data))))
    elif how == "half":
        path.write_bytes(data[: len(data) // 2])
    elif how == "nul":
        cut = rng.randrange(len(data))
        path.write_bytes(data[:cut] + b"\x00" * 64 + data[cut:])
    else:  # a few bytes left
        path.write_bytes(data[:3])


def test_ten_percent_corrupted_corpus(corpora_dir: Path, tmp_path: Path) -> None:
    before = pmkit.load(corpora_dir)
    copy = tmp_path / "corpora"
    shutil.copytree(corpora_dir, copy)
    files = sorted(Path(f) for f in before.inputs)
    rng = random.Random(9)
    damaged = set(rng.sample(files, max(1, len(files) // 10)))
    for i, f in enumerate(sorted(damaged)):
        _damage(copy / f.relative_to(corpora_dir), ("random", "half", "nul", "stub")[i % 4], rng)
    after = pmkit.load(copy)
    assert len(after.inputs) == len(before.inputs)

    def rows(pm: pmkit.Postmortems, root: Path, keep: set[str]) -> pd.DataFrame:
        inc = pm.incidents.assign(
            source=pm.incidents["source"].map(lambda s: str(Path(s).relative_to(root)))
        )
        inc = inc[inc["source"].isin(keep)].sort_values("source")
        return inc.reset_index(drop=True)

    intact = {str(f.relative_to(corpora_dir)) for f in files if f not in damaged}
    pd.testing.assert_frame_equal(rows(before, corpora_dir, intact), rows(after, copy, intact))
    read, unreadable, lost = _accounted(after)
    assert not lost
    assert len(after.inputs) == len(after) + len(unreadable)
    for f in damaged:
        src = str(copy / f.relative_to(corpora_dir))
        assert src in read or src in unreadable
    assert "reader.failed" not in set(after.problems["code"])
