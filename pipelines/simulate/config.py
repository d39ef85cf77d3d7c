"""Simulation settings (volumes, mixes, behaviour over the years) and the random streams.

Every number that shapes the data is here, with the domain brief's ranges as defaults. Each stream of
random numbers is its own numpy Generator seeded from (seed, stream name, year, ...), so the output
is byte-identical for the same arguments and one part can change without reshuffling the others.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

BATCH_SUFFIX = "抚顺市双随机监管数据导出"


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """A Generator for one named stream (e.g. "objects", year)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode()), *map(int, keys)]))


def _by_year(values: dict[int, float]):
    def get(year: int) -> float:
        known = sorted(values)
        if year <= known[0]:
            return values[known[0]]
        if year >= known[-1]:
            return values[known[-1]]
        return values[year]

    return get


@dataclass(frozen=True)
class SimConfig:
    years: tuple[int, ...]
    seed: int = 7
    scale: float = 1.0

    # --- registers
    objects: int = 160_000  # market entities at the start (x scale)
    object_type_mix: tuple[float, ...] = (0.257, 0.714, 0.021, 0.003, 0.005)  # E I C F N
    credit_mix: tuple[float, ...] = (0.45, 0.40, 0.10, 0.035)  # A B C D (of classified objects)
    unclassified_share: float = 0.02
    registrations_per_year: float = 0.10  # new objects / register
    exits_per_year: float = 0.075  # cancelled, revoked or moved out / register
    reclassified_per_year: float = 0.20
    inspectors_city: int = 20  # per city department (x scale)
    inspectors_county: tuple[int, int] = (6, 10)  # per county department (x scale)
    inspector_leave_rate: float = 0.07
    inspector_join_rate: float = 0.09

    # --- plans and tasks
    tasks_per_year: int = 250  # city-wide (x scale); 2020 started mid-year
    draws_per_year: int = 6000  # object inspections (x scale)
    joint_share: float = 0.25
    surprise_share: float = 0.05
    directed_share: float = 0.35
    full_coverage_task_share: float = 0.06
    class_weights: tuple[float, ...] = (0.2, 8.0, 60.0, 1500.0)  # draw weight per class, credit-linked tasks

    # --- publication deadlines in working days (seed section 三(八))
    deadlines: dict[str, int] = field(
        default_factory=lambda: {"plan": 10, "task": 10, "draw": 10, "result": 10, "decision": 7}
    )

    # --- behaviour over the years
    temporary_share: dict[int, float] = field(
        default_factory=lambda: {2020: 0.26, 2021: 0.21, 2022: 0.18, 2023: 0.16, 2024: 0.15, 2025: 0.14}
    )
    credit_linked_share: dict[int, float] = field(
        default_factory=lambda: {2020: 0.62, 2021: 0.76, 2022: 0.8, 2023: 0.83, 2024: 0.85, 2025: 0.86}
    )
    late_share: dict[int, float] = field(
        default_factory=lambda: {2020: 0.24, 2021: 0.14, 2022: 0.08, 2023: 0.04, 2024: 0.035, 2025: 0.03}
    )
    never_published_share: dict[int, float] = field(
        default_factory=lambda: {2020: 0.03, 2021: 0.018, 2022: 0.01, 2023: 0.006, 2024: 0.005, 2025: 0.004}
    )
    missing_result_share: dict[int, float] = field(
        default_factory=lambda: {2020: 0.05, 2021: 0.035, 2022: 0.025, 2023: 0.018, 2024: 0.015, 2025: 0.012}
    )
    late_result_share: dict[int, float] = field(
        default_factory=lambda: {2020: 0.14, 2021: 0.09, 2022: 0.06, 2023: 0.04, 2024: 0.035, 2025: 0.03}
    )
    published_before_event_share: float = 0.003
    chronic_late_depts: int = 3  # city departments chronically late (their county counterparts too)
    chronic_late_counties: int = 2
    chronic_factor: float = 3.0
    holiday_factor: float = 2.5

    # --- results (ok, unpublished, false_info, unreachable, other, corrected, no_activity, closed,
    #     uncooperative; "gone" comes from the register)
    result_mix: tuple[float, ...] = (0.795, 0.055, 0.022, 0.055, 0.017, 0.045, 0.006, 0.0025, 0.0035)
    exempt_share: float = 0.015

    # --- the mess layer
    invalid_share: float = 0.003
    restate_share: float = 0.02  # records re-exported unchanged in a later batch
    xlsx_share: float = 0.22
    xlsx_full_share_rows: int = 1_500  # bigger files are XLSX proportionally less often
    xlsx_max_rows: int = 5_000  # bigger extracts come as CSV
    constant_memory_rows: int = 2_000

    def at(self, table: dict[int, float], year: int) -> float:
        return _by_year(table)(year)

    @property
    def first_year(self) -> int:
        return self.years[0]

    @property
    def last_year(self) -> int:
        return self.years[-1]
