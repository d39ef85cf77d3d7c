"""python -m pipelines.reports --kind monthly --period 2025-12   (annual: --period 2025; 'latest' works too)"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pipelines.reports.charts import RendererMissing
from pipelines.reports.generate import TZ, generate
from pipelines.reports.periods import previous_month, previous_year
from pipelines.settings import paths
from serving import labels, snapshot


def data_date(serving: Path | None) -> dt.date | None:
    """The date the published data reaches (its as-of date, dim_settings), or None without a publish."""
    path = serving or paths().serving
    if not path.is_file():
        return None
    with snapshot.pinned(path):
        return labels.settings().as_of_date


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipelines.reports", description="生成监管工作月报 / 年度考核报告")
    ap.add_argument("--kind", choices=["monthly", "annual"], required=True)
    ap.add_argument("--period", default="latest",
                    help="YYYY-MM (monthly) or YYYY (annual); 'latest' = the last complete month / year "
                         "of the data (before its latest export batch; today when nothing is published)")
    ap.add_argument("--serving", type=Path, help="serving artefact (default: SSSG_SERVING_PATH)")
    ap.add_argument("--out", type=Path, help="reports root (default: <data dir>/reports)")
    ap.add_argument("--no-charts", action="store_true")
    a = ap.parse_args(argv)
    period = a.period
    if period == "latest":
        ref = data_date(a.serving) or dt.datetime.now(TZ).date()
        period = previous_month(ref) if a.kind == "monthly" else previous_year(ref)
    try:
        man = generate(a.kind, period, a.serving, a.out, charts=not a.no_charts)
    except RendererMissing as exc:
        print(f"报告未生成 / report not produced: {exc}", file=sys.stderr)
        return 2
    print(f"{a.kind} {period}: {man['folder']}")
    for f in man["files"]:
        print(f"  {f['name']}  {f['bytes']:,} bytes  sha256 {f['sha256'][:12]}")
    for m in man.get("missing", []):
        print(f"  数据缺失: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
