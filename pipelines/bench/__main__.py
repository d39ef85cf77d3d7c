"""python -m pipelines.bench --scales 1,14 [--years 2020-2025] [--out docs/benchmarks.md] [--work DIR] [--repeat N]

Times every stage of the pipeline at each simulator scale, measures peak memory per stage, times the
dashboard loaders, runs the DuckDB anchors, prints a Markdown report and writes it to --out.
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from pipelines.bench import report
from pipelines.bench.stages import Options, run_scale
from pipelines.settings import REPO_ROOT, paths


PAGE_SECTION = "## Dashboard pages in Chromium"  # written by pipelines.bench.pages (make bench-pages)


def kept_page_section(out: Path) -> str:
    """The page-speed section of the report being replaced: make bench does not measure it."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    return "\n\n" + old[old.index(PAGE_SECTION):] if PAGE_SECTION in old else ""


def parse_scales(text: str) -> list[float]:
    try:
        scales = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"scales must look like 1,14 or 0.05, got {text!r}") from None
    if not scales or any(s <= 0 for s in scales):
        raise argparse.ArgumentTypeError("scales must be positive")
    return scales


def _unsafe_work(work_root: Path) -> str | None:
    """The bench's folders must not land where the project's own pipeline reads or writes."""
    where = paths()
    data = (REPO_ROOT / "data").resolve()
    if work_root in (data, where.data_dir.resolve()):
        return f"--work {work_root} is the project's data folder; use a sub-folder such as data/bench, or /tmp"
    for inside in (where.landing, data / "landing", where.serving.parent, data / "serving"):
        inside = inside.resolve()
        if work_root == inside or inside in work_root.parents:
            return f"--work {work_root} is inside {inside}, which the project's pipeline reads"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=parse_scales, default=parse_scales("1,14"), help="comma-separated (default 1,14)")
    ap.add_argument("--years", default="2020-2025", help="simulated years (default 2020-2025)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "benchmarks.md", help="Markdown report")
    ap.add_argument("--work", type=Path, default=None,
                    help="parent of the per-scale work folders (default: the system temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folders")
    ap.add_argument("--repeat", type=int, default=20, help="calls per dashboard loader (default 20)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds before a stage is killed (default none)")
    ap.add_argument("--fast", action="store_true",
                    help="smoke test: dbt build without its tests, reports without charts (numbers not comparable)")
    a = ap.parse_args(argv)
    if a.repeat < 1:
        ap.error("--repeat must be at least 1")
    work_root = (a.work or Path(tempfile.gettempdir()) / "sssg-bench").resolve()
    if unsafe := _unsafe_work(work_root):
        ap.error(unsafe)
    started = datetime.now()
    mach = report.machine()
    opt = Options(years=a.years, seed=a.seed, repeat=a.repeat, fast=a.fast, timeout=a.timeout)
    results = []
    for scale in a.scales:
        print(f"scale {scale:g}: years {a.years}, work folder under {work_root}", file=sys.stderr, flush=True)
        results.append(run_scale(scale, work_root, opt, keep=a.keep,
                                 log=lambda m: print(m, file=sys.stderr, flush=True)))
    command = "python -m pipelines.bench " + " ".join(shlex.quote(x) for x in (sys.argv[1:] if argv is None else argv))
    text = report.render(results, mach, command, started, os.getloadavg(), a.fast)
    print(text)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(text + kept_page_section(a.out), encoding="utf-8")
    print(f"written to {a.out}", file=sys.stderr)
    if a.keep:
        for r in results:
            print(f"kept scale {r.scale:g}: {r.work}", file=sys.stderr)
    return 0 if all(s.status != "failed" for r in results for s in r.stages.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
