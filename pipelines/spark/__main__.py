"""`python -m pipelines.spark parity`: build the dbt project on DuckDB and on Spark from the same raw
data and compare every table; exit status 1 when a stage fails or a table differs.

    python -m pipelines.spark parity --scale 0.05          # what make test runs
    python -m pipelines.spark parity --scale 14 --keep     # any scale; keeps the work folder
    python -m pipelines.spark parity --landing data/landing --work /tmp/parity   # real exports
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.spark.parity import main_parity


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.spark", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    parity = sub.add_parser("parity", help="DuckDB and Spark builds from the same raw data, compared")
    parity.add_argument("--scale", type=float, default=0.05, help="simulator scale (1 = Fushun); default 0.05")
    parity.add_argument("--years", default="2020-2025")
    parity.add_argument("--seed", type=int, default=7)
    parity.add_argument("--landing", type=Path, help="use these exports instead of simulating")
    parity.add_argument("--work", type=Path, help="work folder (default: a new temporary folder, removed afterwards)")
    parity.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return main_parity(args.scale, args.years, args.seed, args.work, args.keep, args.landing)


if __name__ == "__main__":
    sys.exit(main())
