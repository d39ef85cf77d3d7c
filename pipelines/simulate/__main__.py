"""python -m pipelines.simulate --years 2020-2025 --seed 7 --scale 1 --out data/landing"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipelines.workcalendar import CalendarNotCovered

from .config import SimConfig
from .run import simulate


def parse_years(text: str) -> tuple[int, ...]:
    """'2020-2025' or '2021'."""
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
        else:
            a = b = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2020-2025 or 2021, got {text!r}") from None
    if a > b:
        raise argparse.ArgumentTypeError(f"first year {a} is after last year {b}")
    return tuple(range(a, b + 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m pipelines.simulate",
        description="Simulate the Liaoning 互联网+监管 platform's monthly 双随机、一公开 exports for Fushun.",
    )
    ap.add_argument("--years", type=parse_years, default=parse_years("2020-2025"),
                    help="consecutive years to simulate, e.g. 2020-2025 (default) or 2021")
    ap.add_argument("--seed", type=int, default=7, help="random seed (same seed and arguments, same bytes)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies objects, inspectors per department, tasks and draws (14 ~ Liaoning)")
    ap.add_argument("--out", type=Path, default=Path("data/landing"), help="landing folder for the batches")
    ap.add_argument("--overwrite", action="store_true",
                    help="replace earlier simulator output in --out (batch folders and .simulator only)")
    ap.add_argument("--invalid-share", type=float, default=None,
                    help="share of rows made invalid on purpose (default 0.003)")
    ap.add_argument("--quiet", action="store_true", help="print only the summary")
    args = ap.parse_args(argv)
    if args.scale <= 0:
        ap.error("--scale must be positive")
    kwargs = {"years": args.years, "seed": args.seed, "scale": args.scale}
    if args.invalid_share is not None:
        kwargs["invalid_share"] = args.invalid_share
    cfg = SimConfig(**kwargs)
    started = time.perf_counter()
    try:
        params = simulate(cfg, args.out, overwrite=args.overwrite, log=None if args.quiet else print)
    except (CalendarNotCovered, FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    print(f"{params['batches']} batches {params['first_batch']} .. {params['last_batch']} in {args.out} "
          f"({took:.1f} s)")
    for entity, n in params["rows"].items():
        print(f"  {entity:16s} {n:>10,d} rows  {params['invalid_rows'][entity]:>5d} invalid")
    print(f"  files: {params['files_by_format']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
