"""The notebooks run top to bottom on the sample data, and are committed without outputs."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import pytest
from jupyter_client.channels import AsyncZMQSocketChannel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = (
    "01_explore.ipynb",
    "02_quarterly_review.ipynb",
    "03_risk_themes.ipynb",
    "04_follow_through.ipynb",
)
#: The notebooks run on data/sample; PMKIT_NOTEBOOK_DATA runs them on another folder.
DATA = Path(os.environ.get("PMKIT_NOTEBOOK_DATA", ROOT / "data" / "sample"))
#: Longest wait in one poll of a kernel channel (see sliced_get_msg).
SLICE = 0.5

# Cells appended to a notebook to drive its widgets kernel-side: set a control,
# then (in a later cell, once the widget's outputs are in) check what changed.
INTERACTIONS: dict[str, list[str]] = {
    "01_explore.ipynb": [
        "before = dict(explorer.counts)\n"
        "team = explorer.controls['team'].options[1]\n"
        "explorer.controls['team'].value = team",
        "assert explorer.counts['shown'] < before['shown'], (before, explorer.counts)\n"
        "assert set(explorer.frames['incidents']['team']) == {team}\n"
        "print('explorer ok', explorer.counts)",
    ],
    "02_quarterly_review.ipynb": [
        "first = review.controls['quarter'].options[1]\nreview.controls['quarter'].value = first",
        "two = set(review.controls['quarter'].options[:2])\n"
        "assert set(review.frames['medians']['quarter']) <= two\n"
        "review.controls['write'].click()\n"
        "import pathlib\nassert pathlib.Path(REPORT).stat().st_size > 1_000_000\n"
        "print('review ok', REPORT)",
    ],
    "04_follow_through.ipynb": [
        "from pmkit.progress import progress\n"
        "for _ in progress(range(3), desc='checking'):\n    pass",
        "print('progress ok')",
    ],
}


def sliced_get_msg(original: Any) -> Any:
    """Wrap ``AsyncZMQSocketChannel.get_msg`` to wait in short slices.

    With ipywidgets in a notebook, a wake-up on the shell channel is sometimes
    lost (nbclient issue #312) and a cell then waits its whole timeout although
    the kernel has replied. Polling in 0.5 s slices until the caller's timeout
    is spent makes a lost wake-up cost at most one slice.
    """

    async def get_msg(self: Any, timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE if deadline is None else max(0.0, min(SLICE, deadline - time.monotonic()))
            try:
                return await original(self, left)  # type: ignore[no-any-return]
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg


@pytest.fixture(scope="module")
def sliced_channels() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AsyncZMQSocketChannel, "get_msg", sliced_get_msg(AsyncZMQSocketChannel.get_msg))
        yield


def _parametrise(nb: Any, values: dict[str, str]) -> None:
    """Insert a cell overriding the parameters right after the ``parameters`` cell."""
    index = next(
        i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    )
    src = "\n".join(f"{k} = {v!r}" for k, v in values.items())
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(src))


def _errors(nb: Any) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out['ename']}: {out['evalue']}")
            if out.get("name") == "stderr" and "Traceback" in out.get("text", ""):
                found.append(f"cell {i}: traceback on stderr: {out['text'][:500]}")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(
    name: str, tmp_path: Path, sliced_channels: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not DATA.is_dir():
        pytest.fail(f"{DATA} is missing; regenerate the sample with python -m pmkit.synth")
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    _parametrise(nb, {"PATH": str(DATA), "REPORT": str(tmp_path / "review.html")})
    for src in INTERACTIONS.get(name, []):
        nb.cells.append(nbformat.v4.new_code_cell(src))
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    started = time.monotonic()
    client.execute()
    took = time.monotonic() - started
    assert not _errors(nb), _errors(nb)
    assert took < 110, f"{name} took {took:.0f} s: a cell probably hit the timeout"
    if name in INTERACTIONS:
        last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
        assert " ok" in last
    if name == "04_follow_through.ipynb":  # the progress bar draws HTML in a kernel
        bar = nb.cells[-2].outputs[0]["data"]["text/html"]
        assert "pmkit-progress" in bar and "3/3" in bar
    shown = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") != "stream"]
    assert shown, "the notebook displayed nothing"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert any("parameters" in c.metadata.get("tags", []) for c in code)
    # thin notebooks: calls into pmkit, no function or class definitions
    assert not [c.source for c in code if "def " in c.source or "class " in c.source]
    assert "import pmkit" in "".join(c.source for c in code)
