"""In a real browser: the explorer notebook in JupyterLab, and a quarterly-review HTML file.

These tests fail (never skip) when Playwright or Chromium is missing: .ci/run
installs Chromium with apt-get. Screenshots go to $PMKIT_SCREENSHOTS
(default /tmp/pmkit-screenshots).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    VIEWPORT,
    Lab,
    jupyterlab,
    require_browser,
)

import pmkit
from pmkit import widgets

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

# plotly.js data of the latency figure: number of incidents drawn (boxes only)
DRAWN = """gd => gd._fullData.filter(t => t.type === 'box')
                  .reduce((n, t) => n + (t.y ? t.y.length : 0), 0)"""


@pytest.fixture(scope="module")
def headless() -> Iterator[Any]:
    sync_playwright = require_browser()
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    (root / "data").mkdir()
    sample = ROOT / "data" / "sample"
    if not sample.is_dir():
        pytest.fail(f"{sample} is missing; regenerate it with python -m pmkit.synth")
    (root / "data" / "sample").symlink_to(sample)
    with jupyterlab(root, tmp_path_factory.mktemp("lab-state")) as server:
        yield server


def _run_all(page: Any, lab: Lab, notebook: str) -> None:
    """Run > Run All Cells once the kernel is really ready; retry if no prompt moved."""
    lab.wait_kernel_idle(notebook)
    started = """() => [...document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt')]
                     .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""
    for _ in range(3):
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        try:
            page.wait_for_function(started, timeout=5_000)
            return
        except Exception:  # playwright's TimeoutError: try the menu again
            continue
    raise AssertionError("Run All Cells did not start the notebook")


def test_explorer_filter_changes_plot_and_count(headless: Any, lab: Lab) -> None:
    from playwright.sync_api import expect

    notebook = "notebooks/01_explore.ipynb"
    page = headless.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{lab.url}/lab/workspaces/{uuid.uuid4().hex}/tree/{notebook}?token={lab.token}")
        _run_all(page, lab, "01_explore.ipynb")
        count = page.locator("div.pmkit-count[data-shown]")
        expect(count).to_have_count(1, timeout=60_000)
        shown_before = int(count.get_attribute("data-shown") or -1)
        assert shown_before == 150
        plot = page.locator(".pmkit-fig-latency .js-plotly-plot")
        expect(plot).to_have_count(1)
        drawn_before = plot.evaluate(DRAWN)
        assert drawn_before > 0

        team = page.locator(".pmkit-team select")
        expect(team).to_be_visible()
        options = team.locator("option").all_text_contents()
        team.select_option(label=options[1])
        expect(
            page.locator(f"div.pmkit-count[data-shown]:not([data-shown='{shown_before}'])")
        ).to_have_count(1)
        shown_after = int(
            page.locator("div.pmkit-count[data-shown]").get_attribute("data-shown") or -1
        )
        assert 0 < shown_after < shown_before
        expect(page.locator(".pmkit-fig-latency .js-plotly-plot")).to_have_count(1)
        page.wait_for_function(
            f"() => {{ const gd = document.querySelector('.pmkit-fig-latency .js-plotly-plot');"
            f" return gd && ({DRAWN})(gd) !== {drawn_before}; }}"
        )
        drawn_after = page.locator(".pmkit-fig-latency .js-plotly-plot").evaluate(DRAWN)
        assert 0 < drawn_after < drawn_before
        page.locator(".pmkit-fig-latency").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "explorer-filtered.png"))
        assert not errors, errors
    finally:
        page.close()


def test_quarterly_review_html_renders_offline(
    headless: Any, sample: pmkit.Postmortems, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    review = widgets.quarterly_review(sample, path=tmp_path / "review.html")
    path = review.write_report()
    page = headless.new_page(viewport=VIEWPORT)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    try:
        page.goto(path.resolve().as_uri())
        plot = page.locator(".js-plotly-plot")
        expect(plot).to_have_count(len(review.figures))
        expect(plot.first.locator(".main-svg").first).to_be_visible()
        assert len(review.figures) == 3
        boxes = plot.first.evaluate("gd => gd._fullData.filter(t => t.type === 'box').length")
        assert boxes == 2  # the quarter and the one before
        assert page.locator(".pmkit-verdicts li").count() == len(widgets.REVIEW_DURATIONS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "quarterly-review.png"), full_page=True)
        assert not problems, problems
    finally:
        page.close()
