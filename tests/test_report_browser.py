"""The quarterly report opened in headless Chromium with the network blocked.

Fails (never skips) when Playwright or /usr/bin/chromium is missing. The
full-page screenshot goes to /tmp/pmkit-report.png (look at it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, require_browser

from pmkit import report
from pmkit.collection import Postmortems

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/pmkit-report.png")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    sync_playwright = require_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _open(chromium: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = chromium.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, dialogs


def test_report_renders_offline(chromium: Any, sample: Postmortems, tmp_path: Path) -> None:
    r = report.quarterly(sample, "2026Q3", as_of="2026-11-28T00:00Z")
    path = r.write_html(tmp_path / "review.html")
    page, errors, _ = _open(chromium, path)
    n = len(r.figures)
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}", timeout=30_000
    )
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
               id: gd.id, traces: gd._fullData.length,
               points: gd._fullData.reduce((k, t) => k + ((t.x || t.z || []).length || 0), 0)}))"""
    )
    assert sorted(d["id"] for d in drawn) == sorted(f"fig-{name}" for name in r.figures)
    for d in drawn:
        assert d["traces"] > 0 and d["points"] > 0, d
    # the plotted medians are the report's numbers
    ys = page.locator("#fig-distribution_time_to_detect").evaluate(
        "gd => gd._fullData.filter(t => t.type === 'box').map(t => t.name)"
    )
    assert ys == r.facts["quarters_shown"]
    assert page.evaluate("typeof Plotly") == "object"
    assert page.locator("section[data-section]").count() == 11
    assert page.locator("[data-card]").count() == 7
    assert errors == []
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 100_000
    page.close()


def test_hostile_text_stays_text(chromium: Any, tmp_path: Path) -> None:
    from test_report import EVIL, poisoned

    r = report.quarterly(poisoned(), "2026Q3", as_of="2026-11-28T00:00Z")
    path = r.write_html(tmp_path / "evil.html")
    page, errors, dialogs = _open(chromium, path)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
    assert dialogs == []
    assert errors == []
    shown = page.locator("body").inner_text()
    assert shown.count(EVIL) >= 3  # title, risk statement and owner read as text
    scripts = page.evaluate(
        "() => [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length"
    )
    assert scripts == 0
    page.close()


def test_print_layout_keeps_every_figure(
    chromium: Any, sample: Postmortems, tmp_path: Path
) -> None:
    r = report.quarterly(sample, "2026Q3", as_of="2026-11-28T00:00Z")
    path = r.write_html(tmp_path / "review.html")
    page, errors, _ = _open(chromium, path)
    page.emulate_media(media="print")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6")
    assert page.locator("nav.toc").is_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    assert errors == []
    page.close()
