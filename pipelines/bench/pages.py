"""python -m pipelines.bench.pages [--serving PATH] [--repeat 5] [--width 1400] [--out docs/benchmarks.md]

How long each dashboard page takes to become interactive in headless Chromium, against the anchor of
a one-line Streamlit page served and measured the same way in the same run (machines here differ by
2x from day to day; the ratio holds). "Interactive" is Streamlit's own signal: the app root's script
state is back to notRunning after the page's first run, with the page's title drawn. Each load is a
new browser context (a new session: nothing cached in the browser, the server's caches as a user
meets them after the first visitor).

Prints a Markdown table (median and worst of --repeat loads, ratio of the median to the anchor's
median) and, with --out, writes it into that file between the BEGIN/END markers of this section.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from pipelines.settings import REPO_ROOT, paths

PAGES = ("overview", "ranking", "county", "department", "publication", "joint", "sampling", "reports", "status")
GOAL_RATIO = 3.0
ANCHOR_APP = 'import streamlit as st\nst.title("基准页")\n'
INTERACTIVE = """() => { const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stMain"] h1'); }"""
BEGIN, END = "<!-- BEGIN dashboard pages -->", "<!-- END dashboard pages -->"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: Path, env: dict[str, str], timeout: float = 90.0):
    """`streamlit run script` on a free loopback port, from the repository root (its config.toml);
    yields the URL once /_stcore/health answers ok, and stops it (its whole process group) after.
    The tests' dashboard server is this one (tests/browser.py)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                output = proc.stdout.read().decode(errors="replace")[-2000:] if proc.stdout else ""
                raise RuntimeError(f"streamlit exited with {proc.returncode} before it was healthy: {output}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"streamlit not healthy after {timeout:.0f} s") from None
                time.sleep(0.2)  # polling interval of the health check
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def time_load(browser, url: str, width: int, timeout_ms: int = 120_000) -> float:
    """Seconds from navigation to interactive, in a fresh browser context (a new session)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(INTERACTIVE, timeout=timeout_ms, polling=50)
        return time.perf_counter() - start
    finally:
        context.close()


@contextlib.contextmanager
def publishable(serving: Path):
    """A serving path of its own for the run, pointing at `serving`'s file, and a `publish()` that
    points it, as the pipeline's atomic swap does, at a new version file with the same tables (a hard
    link, else a copy): what a server meets after a monthly publish."""
    source = serving.resolve(strict=True)
    staging = Path(tempfile.mkdtemp(prefix=".bench-pages-", dir=source.parent))
    try:
        versions = [staging / "v1.duckdb", staging / "v2.duckdb"]
        for version in versions:
            try:
                os.link(source, version)
            except OSError:
                shutil.copy2(source, version)
        link = staging / "warehouse.duckdb"
        link.symlink_to(versions[0])

        def publish() -> None:
            (staging / "next").symlink_to(versions[1])
            os.replace(staging / "next", link)

        yield link, publish
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def measure(serving: Path, repeat: int, width: int, settle: float) -> dict[str, list[float]]:
    """{"anchor": [...], page: [...], "start": {...}, "publish": {...}}: seconds per load; pages and
    anchor interleaved, so a slow moment of the machine falls on both. "start": each page's first visit
    after the server starts; "publish": its first visit `settle` seconds after a publish."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"anchor": [], **{p: [] for p in PAGES}}
    start: dict[str, float] = {}
    published: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, publishable(serving) as (link, publish):
        anchor = Path(tmp) / "anchor.py"
        anchor.write_text(ANCHOR_APP, encoding="utf-8")
        env = {"SSSG_SERVING_PATH": str(link)}
        with streamlit_server(REPO_ROOT / "dashboard" / "app.py", env) as app, \
                streamlit_server(anchor, env) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                start["anchor"] = time_load(browser, base, width)
                for page in PAGES:  # the first visitor after the server starts fills its caches
                    start[page] = time_load(browser, f"{app}/{page}", width)
                for _ in range(repeat):
                    for page in PAGES:
                        times["anchor"].append(time_load(browser, base, width))
                        times[page].append(time_load(browser, f"{app}/{page}", width))
                publish()
                time.sleep(settle)  # a reader comes some time after a publish, not within the second
                published["anchor"] = time_load(browser, base, width)
                for page in PAGES:
                    published[page] = time_load(browser, f"{app}/{page}", width)
            finally:
                browser.close()
    return {**times, "start": start, "publish": published}  # type: ignore[dict-item]


def table(times: dict, serving: Path, width: int) -> str:
    anchor = statistics.median(times["anchor"])
    size = serving.stat().st_size / 1e6 if serving.exists() else float("nan")
    lines = [
        f"Serving file `{serving.name}` ({size:,.0f} MB), Chromium {width} px wide, {len(times['anchor'])} loads of "
        f"the anchor interleaved with the pages; each load a new session. Goal: every page within "
        f"{GOAL_RATIO:g}x the anchor.",
        "",
        "| page | median s | worst s | × anchor (median) | goal met | first visit after the server starts s "
        "| first visit after a publish s | × anchor |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
        f"| anchor: one-line Streamlit page | {anchor:.2f} | {max(times['anchor']):.2f} | 1.0 | | "
        f"{times['start']['anchor']:.2f} | {times['publish']['anchor']:.2f} | 1.0 |",
    ]
    for page in PAGES:
        median = statistics.median(times[page])
        ratio = median / anchor
        lines.append(f"| {page} | {median:.2f} | {max(times[page]):.2f} | {ratio:.1f} | "
                     f"{'yes' if ratio <= GOAL_RATIO else 'no'} | {times['start'][page]:.2f} | "
                     f"{times['publish'][page]:.2f} | {times['publish'][page] / times['publish']['anchor']:.1f} |")
    return "\n".join(lines)


def write_section(out: Path, body: str) -> None:
    """Replace the section between the markers in `out` (appended when the file has none)."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    section = f"{BEGIN}\n{body}\n{END}"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n## Dashboard pages in Chromium\n\n" + section + "\n"
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving", type=Path, default=None, help="the serving file (default: the project's)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds between the simulated publish and the first visits after it")
    parser.add_argument("--out", type=Path, default=None, help="write the table into this Markdown file")
    args = parser.parse_args(argv)
    serving = (args.serving or paths().serving).resolve()
    if not serving.exists():
        print(f"no serving file at {serving}: build one first (make pipeline, or SSSG_DATA_DIR=... "
              f"SIM_SCALE=14 make pipeline)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: install Debian's chromium (make test installs it)", file=sys.stderr)
        return 2
    body = table(measure(serving, max(1, args.repeat), args.width, args.settle), serving, args.width)
    print(body)
    if args.out:
        write_section(args.out, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
