"""Drive Debian's headless Chromium with playwright (never a downloaded browser), for page tests.

Usage in a test::

    from tests.browser import require_chromium, browser_page

    @pytest.mark.browser
    def test_page(tmp_path):
        require_chromium()
        with browser_page(tmp_path) as s:
            s.open(path_to_html)
            s.wait_for("window.graphriskMap && window.graphriskMap.stabilized")
            assert not s.errors and s.requests == [s.url]

``require_chromium()`` fails the test when ``CI=true`` and the browser (or
playwright) is missing, and skips it otherwise. A session records console
errors and warnings, page errors (uncaught exceptions), dialogs (dismissed at
once: ``alert()`` from injected markup shows up here) and every network
request, and uses a new, empty user-data-dir.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GRAPHRISK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
                 "--metrics-recording-only", "--disable-domain-reliability"]
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "outputs" / "screenshots"


def chromium_problem() -> str | None:
    """Why the browser cannot be driven here, or None when it can."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found (install Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (python) is not installed"
    return None


def require_chromium() -> None:
    """Fail (CI=true) or skip (elsewhere) the calling test when headless Chromium is unavailable."""
    problem = chromium_problem()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"browser test cannot run in CI: {problem}")
    pytest.skip(problem)


@dataclass
class BrowserSession:
    page: object
    console: list = field(default_factory=list)  # (type, text) of every console message
    errors: list = field(default_factory=list)  # console errors and uncaught page errors
    dialogs: list = field(default_factory=list)  # (type, message) of alert/confirm/prompt
    requests: list = field(default_factory=list)  # every URL the page asked for
    url: str | None = None

    def open(self, path_or_url, wait_until: str = "load", timeout_ms: int = 60_000) -> None:
        """Open a local file (as file://) or a URL, and wait for its load event."""
        s = str(path_or_url)
        self.url = s if "://" in s else Path(s).resolve().as_uri()
        self.page.goto(self.url, wait_until=wait_until, timeout=timeout_ms)

    def wait_for(self, expression: str, timeout_ms: int = 60_000, poll_ms: int = 50):
        """Poll a JS expression until truthy and return its value.

        Each poll is a plain ``evaluate`` (no in-page ``eval``), so it works on
        pages whose Content-Security-Policy forbids eval, as graphrisk's do.
        """
        import time

        end = time.monotonic() + timeout_ms / 1000
        while True:
            value = self.page.evaluate(expression)
            if value:
                return value
            if time.monotonic() > end:
                raise TimeoutError(f"timed out after {timeout_ms} ms waiting for: {expression}")
            self.page.wait_for_timeout(poll_ms)

    def screenshot(self, name: str, folder: Path | None = None, full_page: bool = False) -> Path:
        """Write a PNG (default folder outputs/screenshots/) and return its path."""
        folder = Path(folder) if folder else SCREENSHOT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        p = folder / (name if name.endswith(".png") else name + ".png")
        self.page.screenshot(path=str(p), full_page=full_page)
        return p

    def outside_requests(self) -> list[str]:
        """Requests other than the page itself (data: URLs count too: a page must not need them)."""
        return [u for u in self.requests if u != self.url]


@contextmanager
def browser_page(viewport: tuple[int, int] = (1400, 900), timeout_ms: int = 60_000):
    """A fresh headless Chromium page in a new empty profile; closed and removed afterwards."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="graphrisk-chromium-")
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=False,
                service_workers="block", locale="zh-CN")
            try:
                page = ctx.pages[0] if ctx.pages else ctx.new_page()
                page.set_default_timeout(timeout_ms)
                s = BrowserSession(page=page)

                def on_console(msg):
                    s.console.append((msg.type, msg.text))
                    if msg.type == "error":
                        s.errors.append(f"console: {msg.text}")

                def on_dialog(dialog):
                    s.dialogs.append((dialog.type, dialog.message))
                    dialog.dismiss()

                page.on("console", on_console)
                page.on("pageerror", lambda exc: s.errors.append(f"pageerror: {exc}"))
                page.on("dialog", on_dialog)
                ctx.on("request", lambda req: s.requests.append(req.url))
                yield s
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
