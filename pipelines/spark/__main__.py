"""`python -m pipelines.spark parity`: build the dbt project on DuckDB and on Spark from the same raw
data and compare every table; exit status 1 when a stage fails or a table differs.

    python -m pipelines.spark parity --scale 0.05 --connect   # what make test runs (a local Connect server)
    python -m pipelines.spark parity --scale 0.05          # Spark in this process's JVM (method: session)
    python -m pipelines.spark parity --scale 14 --keep     # any scale; keeps the work folder
    python -m pipelines.spark parity --landing data/landing --work /tmp/parity   # real exports
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.spark.connect import local_connect_server
from pipelines.spark.parity import main_parity


def serve_connect(state: Path, port: int) -> int:
    import time

    with local_connect_server(state, port) as remote:
        print(f"Spark Connect server up: export SPARK_REMOTE={remote}  (log: {state / 'connect-server.log'}; Ctrl-C stops it)",
              flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


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
    parity.add_argument("--connect", action="store_true",
                        help="run every Spark stage through a local Spark Connect server (the cluster path)")
    server = sub.add_parser("connect-server", help="a local Spark Connect server until Ctrl-C (SPARK_REMOTE for it is printed)")
    server.add_argument("--dir", type=Path, required=True, help="its state: metastore, warehouse, scratch")
    server.add_argument("--port", type=int, default=15002)
    args = parser.parse_args(argv)
    if args.command == "connect-server":
        return serve_connect(args.dir.resolve(), args.port)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return main_parity(args.scale, args.years, args.seed, args.work, args.keep, args.landing, args.connect)


if __name__ == "__main__":
    sys.exit(main())
