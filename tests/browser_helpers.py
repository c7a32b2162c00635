"""Headless Chromium and a throw-away JupyterLab server for the browser tests.

See ../shared/recipes/browser-testing.md: Debian's /usr/bin/chromium driven by
Playwright (``playwright install`` cannot download a browser here), every
external host unresolvable so a CDN asset fails at once, and a JupyterLab
server on a free port with its own token and state folders, stopped through
its own process group.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("PMKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1400, "height": 1000}
SCREENSHOTS = Path(os.environ.get("PMKIT_SCREENSHOTS", "/tmp/pmkit-screenshots"))


def require_browser() -> Any:
    """Playwright's sync API, failing (never skipping) when it or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        pytest.fail(f"playwright is not installed ({err}); pip install -e '.[dev]'")
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing; apt-get install -y --no-install-recommends "
            "chromium fonts-liberation"
        )
    return sync_playwright


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    url: str
    token: str
    root: Path

    def api(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=5) as r:
            return json.loads(r.read() or b"null")

    def wait_kernel_idle(self, notebook: str, timeout: float = 60) -> None:
        """Until the notebook's kernel is idle with a connection (the toolbar lies earlier)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for s in self.api("/api/sessions"):
                k = s.get("kernel") or {}
                if (
                    s.get("path", "").endswith(notebook)
                    and k.get("execution_state") == "idle"
                    and k.get("connections", 0) >= 1
                ):
                    return
            time.sleep(0.3)
        raise TimeoutError(f"the kernel of {notebook} was not idle after {timeout} s")


@contextmanager
def jupyterlab(root: Path, state: Path, timeout: float = 60) -> Iterator[Lab]:
    """Run JupyterLab on 127.0.0.1 serving ``root``; state folders under ``state``."""
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):  # fmt: skip
        d = state / var.lower()
        d.mkdir(parents=True, exist_ok=True)
        env[var] = str(d)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    labconfig = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.news_url=None", "--allow-root",
    ]  # fmt: skip
    log = (state / "jupyterlab.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    lab = Lab(f"http://127.0.0.1:{port}", token, root)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(state / 'jupyterlab.log').read_text()}")
            try:
                lab.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"JupyterLab did not answer within {timeout} s") from None
                time.sleep(0.2)
        yield lab
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    pgid = os.getpgid(proc.pid)
    os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=5)
