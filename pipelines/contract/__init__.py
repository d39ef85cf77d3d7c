"""The platform export contract, loaded from platform_export.yaml (the single definition).

Everything that needs to know what an export file looks like (the simulator that writes them, the
ingestion that validates them, the dbt sources, the docs) reads it through this module.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

CONTRACT_PATH = Path(__file__).with_name("platform_export.yaml")

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space fold to their ASCII forms.
# The same fold is applied in SQL (ingest) and in Python (enum keys), so both use these strings.
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF_WIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
_FOLD = str.maketrans(FULL_WIDTH, HALF_WIDTH)

TYPES = {"text", "code", "uscc", "date", "int", "decimal", "bool", "enum", "list"}
# Where a date may lie (platform_export.yaml explains each); checked per row at ingest.
DATE_RANGES = ("event", "past", "planned", "any")


def fold(value: str) -> str:
    """Full-width to half-width; the display form of a cleaned value."""
    return value.translate(_FOLD)


def label_key(value: str) -> str:
    """Matching key for headers and enumeration labels: folded, no whitespace, upper case."""
    return re.sub(r"\s+", "", fold(value)).upper()


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    pattern: str | None = None
    enum: str | None = None
    range: str | None = None  # DATE_RANGES for a date, 'year' for an int year, else None

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.synonyms)


@dataclass(frozen=True)
class Entity:
    name: str
    title: str
    file_label: str
    table: str
    natural_key: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


@dataclass(frozen=True)
class Limits:
    """What one export file may hold at most (the `limits:` section; see platform_export.yaml)."""
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_xlsx_unpacked_bytes: int
    max_xlsx_shared_strings_bytes: int
    max_xlsx_cells: int
    duplicate_rows_shown: int


@dataclass(frozen=True)
class Contract:
    version: int
    platform: str
    batch_folder_pattern: str
    file_extensions: tuple[str, ...]
    csv_encodings: tuple[str, ...]
    earliest_date: date
    enums: dict[str, dict[str, tuple[str, ...]]]
    limits: Limits
    entities: tuple[Entity, ...] = field(default_factory=tuple)

    def entity(self, name: str) -> Entity:
        for ent in self.entities:
            if ent.name == name:
                return ent
        raise KeyError(f"no entity {name!r} in the contract")

    def enum_lookup(self, enum_name: str) -> dict[str, str]:
        """label_key(variant or canonical label) -> canonical label."""
        lookup: dict[str, str] = {}
        for canonical, variants in self.enums[enum_name].items():
            for form in (canonical, *variants):
                lookup[label_key(form)] = canonical
        return lookup

    def entity_for_file(self, file_name: str) -> Entity | None:
        """The entity whose file label starts the file name (longest label wins)."""
        stem = label_key(Path(file_name).stem)
        hits = [e for e in self.entities if stem.startswith(label_key(e.file_label))]
        return max(hits, key=lambda e: len(e.file_label), default=None)


def _column(raw: dict) -> Column:
    col = Column(
        name=raw["name"],
        header=raw["header"],
        type=raw["type"],
        required=bool(raw.get("required", False)),
        synonyms=tuple(raw.get("synonyms", ())),
        pattern=raw.get("pattern"),
        enum=raw.get("enum"),
        range=raw.get("range", "event" if raw["type"] == "date" else None),
    )
    if col.type not in TYPES:
        raise ValueError(f"column {col.name}: unknown type {col.type}")
    if col.type in ("enum", "list") and not col.enum:
        raise ValueError(f"column {col.name}: type {col.type} needs an enum")
    allowed = DATE_RANGES if col.type == "date" else ("year",) if col.type == "int" else ()
    if col.range is not None and col.range not in allowed:
        raise ValueError(f"column {col.name}: range {col.range} is not one of {allowed} for type {col.type}")
    return col


@lru_cache(maxsize=1)
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    enums = {
        name: {str(label): tuple(str(v) for v in variants or ()) for label, variants in labels.items()}
        for name, labels in raw["enums"].items()
    }
    entities = tuple(
        Entity(
            name=e["name"],
            title=e["title"],
            file_label=e["file_label"],
            table=e["table"],
            natural_key=tuple(e["natural_key"]),
            columns=tuple(_column(c) for c in e["columns"]),
        )
        for e in raw["entities"]
    )
    contract = Contract(
        version=raw["version"],
        platform=raw["platform"],
        batch_folder_pattern=raw["batch_folder_pattern"],
        file_extensions=tuple(raw["file_extensions"]),
        csv_encodings=tuple(raw["csv_encodings"]),
        earliest_date=raw["earliest_date"],
        enums=enums,
        limits=Limits(**{k: int(v) for k, v in raw["limits"].items()}),
        entities=entities,
    )
    _check(contract)
    return contract


def _check(contract: Contract) -> None:
    """Internal consistency: keys exist, enums exist, headers unambiguous within an entity."""
    for ent in contract.entities:
        names = [c.name for c in ent.columns]
        for key in ent.natural_key:
            if key not in names:
                raise ValueError(f"{ent.name}: natural key {key} is not a column")
        seen: dict[str, str] = {}
        for col in ent.columns:
            if col.enum and col.enum not in contract.enums:
                raise ValueError(f"{ent.name}.{col.name}: unknown enum {col.enum}")
            for header in col.headers:
                k = label_key(header)
                if k in seen and seen[k] != col.name:
                    raise ValueError(f"{ent.name}: header {header} names both {seen[k]} and {col.name}")
                seen[k] = col.name
    for enum_name in contract.enums:
        keys: dict[str, str] = {}
        for canonical, variants in contract.enums[enum_name].items():
            for form in (canonical, *variants):
                k = label_key(form)
                if keys.get(k, canonical) != canonical:
                    raise ValueError(f"enum {enum_name}: {form} maps to two labels")
                keys[k] = canonical
