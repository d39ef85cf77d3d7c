"""A real dashboard server and a headless Debian Chromium for tests (health-polled, no sleeps)."""
from __future__ import annotations

import contextlib
from pathlib import Path

from pipelines.bench.pages import CHROMIUM, CHROMIUM_ARGS, streamlit_server

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"


def dashboard_server(env: dict[str, str], timeout: float = 60.0):
    """`streamlit run dashboard/app.py` on a free localhost port; yields its URL once healthy."""
    return streamlit_server(REPO_ROOT / "dashboard" / "app.py", env, timeout=timeout)


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 900):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


# Streamlit's own signal that a run of the page's script is over (the app root's script state)
SCRIPT_DONE = """() => document.querySelector('[data-testid="stApp"]')
                        ?.getAttribute('data-test-script-state') === 'notRunning'"""


def wait_for_app(page, text: str, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has rendered `text` and finished running the script."""
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout_ms)
    page.wait_for_function(SCRIPT_DONE, timeout=timeout_ms)
