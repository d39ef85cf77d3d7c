"""Charts for the PDF: plotly figures exported to PNG by kaleido (it drives Chromium).

One Chromium per process, started on the first chart (about 0.12 s per image afterwards instead of
1.6 s), on an event loop of our own: every call to it has a timeout, so a browser that is missing,
does not start or hangs fails the report within seconds instead of leaving the process waiting
(kaleido's own sync server waits forever when its browser never starts). What the report needs from
the system is checked first (`missing_system_parts`), with the package that brings each part.
A single chart that fails to render is left out with a note, never a blank image.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import shutil
import subprocess
import threading

import plotly.graph_objects as go

from serving import formatters as fmt
from serving.chart_text import plain_figure

log = logging.getLogger(__name__)
FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
START_TIMEOUT_SECONDS = 30.0  # Chromium starts in about 1.5 s here
IMAGE_TIMEOUT_SECONDS = 60.0  # one chart takes about 0.12 s
INSTALL = "sudo apt-get install -y --no-install-recommends {}  (make run installs it on Debian)"


class RendererMissing(RuntimeError):
    """The system lacks what the report's charts or PDF need; the message says what and how to install it."""


def _browser() -> str | None:
    from choreographer.browsers.chromium import Chromium

    path = Chromium.find_browser(skip_local=False)  # BROWSER_PATH, else PATH, else the usual places
    return path if path and os.access(path, os.X_OK) else None


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    return "Noto Sans CJK" in listed.stdout


def _pango_problem() -> str | None:
    try:
        import weasyprint  # noqa: F401 (it loads Pango when imported)
    except OSError as exc:
        return str(exc)
    return None


def missing_system_parts(charts: bool = True) -> list[str]:
    """Each part of the system a report needs and lacks, with how to install it; empty when ready."""
    missing = []
    if charts and _browser() is None:
        missing.append("Chromium (kaleido draws the report's charts with it; set BROWSER_PATH if it is "
                       "installed elsewhere): " + INSTALL.format("chromium"))
    if not _has_cjk_font():
        missing.append("the Noto Sans CJK font (Chinese text in the PDF and charts): " + INSTALL.format("fonts-noto-cjk"))
    if (problem := _pango_problem()) is not None:
        missing.append(f"Pango (WeasyPrint prints the PDF with it; {problem}): " + INSTALL.format("libpangoft2-1.0-0"))
    return missing


def require_system_parts(charts: bool = True) -> None:
    """Raise RendererMissing naming every missing part, before any work is done."""
    if missing := missing_system_parts(charts):
        raise RendererMissing("the report cannot be produced; missing: " + "; ".join(missing))


class _Renderer:
    """kaleido on an event loop in a thread of its own; each call waits at most its timeout."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="kaleido-loop", daemon=True).start()
        self._kaleido = None

    def _call(self, coroutine, timeout: float, what: str):
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{what} took longer than {timeout:.0f} s") from None

    def start(self) -> None:
        async def open_kaleido():
            import kaleido

            return await kaleido.Kaleido(timeout=IMAGE_TIMEOUT_SECONDS).__aenter__()

        try:
            self._kaleido = self._call(open_kaleido(), START_TIMEOUT_SECONDS, "starting Chromium for the charts")
        except Exception as exc:  # noqa: BLE001 (any failure to start: the report cannot have its charts)
            raise RendererMissing(f"Chromium did not start for the report's charts ({type(exc).__name__}: "
                                  f"{exc}); check it runs: {_browser() or 'chromium'} --headless --version") from exc

    def png(self, fig: go.Figure, width: int, height: int) -> bytes:
        opts = {"format": "png", "width": width, "height": height, "scale": 2}
        return self._call(self._kaleido.calc_fig(fig, opts=opts), IMAGE_TIMEOUT_SECONDS, "a chart")

    def close(self) -> None:
        if self._kaleido is not None:
            try:
                self._call(self._kaleido.__aexit__(None, None, None), 10.0, "stopping Chromium")
            except Exception as exc:  # noqa: BLE001 (at exit: nothing more to do than say so)
                log.warning("Chromium for the charts did not stop cleanly: %s", exc)
        self._loop.call_soon_threadsafe(self._loop.stop)


_lock = threading.Lock()
_renderer: _Renderer | None = None


def _started() -> _Renderer:
    global _renderer
    with _lock:
        if _renderer is None:
            require_system_parts(charts=True)
            renderer = _Renderer()
            renderer.start()
            atexit.register(renderer.close)
            _renderer = renderer
        return _renderer


def to_png(fig: go.Figure, width: int = 900, height: int = 420) -> bytes | None:
    """The chart as PNG; None (a note in the log) when this one chart fails. RendererMissing when
    Chromium is missing or does not start: the report fails rather than go out without its charts."""
    plain_figure(fig)  # unit names come from the exports: drawn as written, never as markup
    fig.update_layout(font={"family": FONT, "size": 14}, template="simple_white",
                      margin={"l": 60, "r": 30, "t": 60, "b": 60}, paper_bgcolor="white")
    renderer = _started()
    try:
        return renderer.png(fig, width, height)
    except Exception as exc:  # noqa: BLE001 (this chart only: the report goes out with a note in its place)
        log.warning("chart not rendered: %s", exc)
        return None


def bar_rates(labels: list[str], rates: list, title: str, target: float | None = None) -> bytes | None:
    vals = [None if r is None or r != r else r * 100 for r in rates]
    # Values inside the bars (outside only when a bar is too short), clear of the target line.
    fig = go.Figure(go.Bar(x=labels, y=vals, marker_color="#1f4e79", text=[None if r is None or r != r else fmt.percent(r)
                           for r in rates], textposition="auto", insidetextanchor="end",
                           insidetextfont={"color": "white"}))
    for label, v in zip(labels, vals):
        if v is None:  # no bar to write in
            fig.add_annotation(x=label, y=0, text=fmt.not_applicable("zh"), showarrow=False, yanchor="bottom")
    if target is not None:
        # A paper-referenced shape: kaleido's plotly.js drops add_hline's "x domain" line (only its
        # label was drawn). Opacity 1 because the template fades shapes.
        y = target * 100
        fig.add_shape(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y, layer="above",
                      opacity=1, line={"color": "#c00000", "dash": "dash", "width": 2})
        fig.add_annotation(xref="paper", x=0, yref="y", y=y, text=f"目标 {fmt.percent(target)}", showarrow=False,
                           xanchor="left", yanchor="bottom", font={"color": "#c00000"})
    fig.update_layout(title=title, yaxis={"title": "%", "range": [0, 110]})
    return to_png(fig)


def bar_scores(labels: list[str], scores: list, title: str) -> bytes | None:
    fig = go.Figure(go.Bar(x=labels, y=scores, marker_color="#1f4e79",
                           text=[fmt.score(s) for s in scores], textposition="outside"))
    fig.update_layout(title=title, yaxis={"title": "得分", "range": [0, 105]})
    return to_png(fig)


def lines(series: dict[str, tuple[list, list]], title: str, ytitle: str) -> bytes | None:
    fig = go.Figure()
    for name, (xs, ys) in series.items():
        fig.add_trace(go.Scatter(x=[str(x) for x in xs], y=ys, mode="lines+markers", name=name))
    fig.update_layout(title=title, yaxis={"title": ytitle}, xaxis={"type": "category"},
                      legend={"orientation": "h", "y": -0.15})
    return to_png(fig, height=460)
