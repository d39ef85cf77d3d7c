"""A simulator of the Liaoning 互联网+监管 platform's monthly 双随机、一公开 exports for Fushun.

It writes the same export files a bureau would receive (see pipelines/contract/platform_export.yaml),
one batch folder per month, with the real-world variety the ingestion must accept and a recorded
handful of invalid rows. `python -m pipelines.simulate --help` for the command line.

Modules: config (settings, random streams), vocab (contract labels), clock (working days,
publication behaviour), uscc, refdata (Fushun's departments, items, names), registers (departments,
items, inspectors), objects (the market-entity register), plans (plans and tasks), inspections
(draws to blacklist), ledger (record versions per month), mess (file variety, invalid rows),
writers (CSV/XLSX), run (orchestration).
"""
from .config import SimConfig
from .run import simulate

__all__ = ["SimConfig", "simulate"]
