"""The simulator's words for the contract's enumeration labels.

The contract holds every Chinese enumeration label. The simulator binds its own English role names
to those labels by their order in the contract YAML (so no label is written twice); if the contract
gains or loses a label, the binding fails loudly here and must be extended, rather than silently
producing labels that no longer exist. Adding a new *variant* to a label needs no change here.
"""
from __future__ import annotations

from types import SimpleNamespace

from pipelines.contract import Contract, Entity, load_contract

ROLES: dict[str, tuple[str, ...]] = {
    "bool": ("yes", "no"),
    "region_kind": ("city", "district", "county", "autonomous_county", "zone"),
    "dept_level": ("city", "county"),
    "object_type": ("E", "I", "C", "F", "N"),  # 企业, 个体工商户, 农民专业合作社, 外企代表机构, 非营利主体
    "object_status": ("active", "revoked", "cancelled", "moved_out"),
    "credit_class": ("A", "B", "C", "D"),
    "item_category": ("general", "key"),
    "inspection_method": ("onsite", "written", "adopt", "testing", "online", "third_party"),
    "task_source": ("plan", "higher", "emergency"),
    "task_scope": ("single", "joint"),
    "directed": ("directed", "undirected"),
    "dept_role": ("lead", "partner"),
    "draw_mode": ("random", "full", "assigned"),
    "match_mode": ("random", "assigned"),
    "result_category": (
        "ok", "unpublished", "false_info", "unreachable", "other", "corrected", "no_activity", "closed",
        "uncooperative", "gone",
    ),
    "nondisclosure": ("state", "trade", "privacy"),
    "follow_up": ("none", "ongoing", "closed"),
    "decision_type": ("order", "coercion", "penalty"),
}


class ContractDrift(RuntimeError):
    """The contract's enumerations no longer match what the simulator knows how to produce."""


def bind(contract: Contract) -> SimpleNamespace:
    """A namespace per enum: V.result_category.ok -> the contract's canonical label."""
    out = {}
    for enum_name, roles in ROLES.items():
        if enum_name not in contract.enums:
            raise ContractDrift(f"the contract has no enum {enum_name!r}; the simulator needs it")
        labels = list(contract.enums[enum_name])
        if len(labels) != len(roles):
            raise ContractDrift(
                f"enum {enum_name} has {len(labels)} labels in the contract but the simulator binds "
                f"{len(roles)} roles {roles}; extend ROLES in pipelines/simulate/vocab.py"
            )
        out[enum_name] = SimpleNamespace(**dict(zip(roles, labels)))
    return SimpleNamespace(**out)


CONTRACT: Contract = load_contract()
V = bind(CONTRACT)


def entity(name: str) -> Entity:
    return CONTRACT.entity(name)


def col_index(entity_name: str) -> dict[str, int]:
    """Column name -> position in the entity's record tuples (contract column order)."""
    return {c.name: i for i, c in enumerate(CONTRACT.entity(entity_name).columns)}
