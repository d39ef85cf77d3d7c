"""`python -m pipelines.ingest`: load the landing folder into the warehouse and print what happened.

The same code the Dagster ingest asset runs; for operators and debugging.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipelines.ingest.load import ingest_landing
from pipelines.ingest.parquet import export_raw_parquet
from pipelines.settings import paths, raw_parquet_dir


def main(argv: list[str] | None = None) -> int:
    where = paths()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path, default=where.landing)
    parser.add_argument("--warehouse", type=Path, default=where.warehouse)
    parser.add_argument("--parquet", type=Path, default=raw_parquet_dir(), metavar="DIR",
                        help="also write the raw tables as Parquet partitioned by month under DIR "
                             "(for Spark; default $SSSG_RAW_PARQUET_DIR, unset = not written)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    outcomes = ingest_landing(args.landing, args.warehouse)
    new = [o for o in outcomes if o.status != "unchanged"]
    for o in new:
        print(f"{o.status:8} {o.batch_id}/{o.file_name}: read {o.rows_read}, loaded {o.rows_loaded}, "
              f"rejected {o.rows_rejected}{'  ' + o.message if o.message else ''}")
    print(f"{len(new)} new files ({sum(o.status == 'rejected' for o in new)} refused), "
          f"{len(outcomes) - len(new)} already loaded")
    if args.parquet:
        exports = export_raw_parquet(args.warehouse, args.parquet)
        print(f"raw Parquet in {args.parquet}: {sum(e.months_written for e in exports)} table-months written "
              f"({sum(e.rows_written for e in exports)} rows), {sum(e.months_total for e in exports)} in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
