"""The public surface: ``pmkit.__all__`` is exactly what is importable and documented."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pmkit


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
