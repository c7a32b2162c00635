"""The public surface: ``pmkit.__all__`` is exactly what is importable and documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pmkit
from pmkit.loading import find_files


def test_all_names_exist_and_are_documented() -> None:
    for name in pmkit.__all__:
        obj = getattr(pmkit, name)
        if name.startswith("__") or name.isupper():
            continue
        assert obj.__doc__, f"pmkit.{name} has no docstring"


def test_no_public_name_is_missing_from_all() -> None:
    public = {
        n
        for n, v in vars(pmkit).items()
        if not n.startswith("_") and getattr(v, "__module__", "").startswith("pmkit")
    }
    assert public <= set(pmkit.__all__), sorted(public - set(pmkit.__all__))


def test_importing_pmkit_stays_light() -> None:
    """Library code never imports widgets, plotting or Jupyter on import."""
    code = (
        "import sys, pmkit; "
        "print(sorted(m for m in ('ipywidgets', 'plotly', 'IPython', 'pmkit.widgets') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_figure_and_dashboard_modules_load_on_first_use() -> None:
    code = "import sys, pmkit; pmkit.plots; print('plotly' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = pmkit.nope  # type: ignore[attr-defined]


def test_sources_are_the_paths_find_files_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # load() walks folders with path strings; they must read as the Path objects
    # of find_files do, "./" and trailing slashes normalised away
    (tmp_path / "sub").mkdir()
    for name in ("2024-05-01-a.md", "sub/2024-05-02-b.md"):
        (tmp_path / name).write_text("# Outage\n\nAll times UTC.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for root in (".", "./", "./sub/", str(tmp_path) + "/./sub", "*.md", ["sub", "./sub/"]):
        pm = pmkit.load(root, progress=False)
        want = [str(p) for p in find_files(root)]
        assert list(pm.incidents["source"]) == want == list(pm.inputs)
        assert not any(s.startswith("./") for s in want)
