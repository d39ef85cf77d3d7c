"""`python -m pipelines.ingest`: load the landing folder into the warehouse and print what happened.

The same code the Dagster ingest asset runs; for operators and debugging.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipelines.ingest.load import ingest_landing
from pipelines.settings import paths


def main(argv: list[str] | None = None) -> int:
    where = paths()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path, default=where.landing)
    parser.add_argument("--warehouse", type=Path, default=where.warehouse)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    outcomes = ingest_landing(args.landing, args.warehouse)
    new = [o for o in outcomes if o.status != "unchanged"]
    for o in new:
        print(f"{o.status:8} {o.batch_id}/{o.file_name}: read {o.rows_read}, loaded {o.rows_loaded}, "
              f"rejected {o.rows_rejected}{'  ' + o.message if o.message else ''}")
    print(f"{len(new)} new files ({sum(o.status == 'rejected' for o in new)} refused), "
          f"{len(outcomes) - len(new)} already loaded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
