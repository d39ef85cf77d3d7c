"""Record versions waiting for their monthly export batch.

Generators describe a record once, with the dates at which it changes ("published on", "closed on",
"corrected on", "restated unchanged on"). The ledger turns that into versions: a record appears in
the batch of the month it came into being, and again in the batch of each later month in which it
changed or was restated. Within one month only the latest version of a natural key is kept, so a file
never holds the same key twice. Versions dated after the last exported month are dropped: the
platform has not seen them yet.
"""
from __future__ import annotations

from collections import defaultdict

from .clock import month_bounds, month_of
from .vocab import CONTRACT


class Ledger:
    def __init__(self, first_month: int, last_month: int):
        self.first_month = first_month
        self.last_month = last_month
        self.horizon = month_bounds(last_month)[1]
        self._columns = {e.name: tuple(c.name for c in e.columns) for e in CONTRACT.entities}
        self._index = {e: {c: i for i, c in enumerate(cols)} for e, cols in self._columns.items()}
        self._key_pos = {
            e.name: tuple(self._index[e.name][k] for k in e.natural_key) for e in CONTRACT.entities
        }
        self._pending: dict[int, dict[str, dict[tuple, tuple]]] = defaultdict(lambda: defaultdict(dict))
        self._month_cache: dict[int, int] = {}
        self._seq = 0

    def emit(self, entity: str, asof: int, record: dict, changes=()) -> None:
        """A record as of `asof`, and its later changes [(date, {column: value}), ...].

        A change dated on or before `asof` is already part of the first version. A change with an
        empty update re-exports the record unchanged.
        """
        index = self._index[entity]
        unknown = record.keys() - index.keys()
        if unknown:
            raise KeyError(f"{entity}: no columns {sorted(unknown)} in the contract")
        row = [None] * len(index)
        for name, value in record.items():
            row[index[name]] = value
        later = []
        for when, update in sorted(changes, key=lambda c: c[0]):
            if when <= asof:
                for name, value in update.items():
                    row[index[name]] = value
            else:
                later.append((when, update))
        self._put(entity, asof, tuple(row))
        for when, update in later:
            for name, value in update.items():
                row[index[name]] = value
            self._put(entity, when, tuple(row))

    def _put(self, entity: str, asof: int, row: tuple) -> None:
        if asof > self.horizon:
            return
        month = self._month_cache.get(asof)
        if month is None:
            month = self._month_cache[asof] = max(month_of(asof), self.first_month)
        key = tuple(row[i] for i in self._key_pos[entity])
        self._seq += 1
        slot = self._pending[month][entity]
        prev = slot.get(key)
        if prev is None or (asof, self._seq) >= prev[:2]:
            slot[key] = (asof, self._seq, row)

    def pop(self, month: int) -> dict[str, list[tuple]]:
        """The month's records per entity, in the order they came into being."""
        entities = self._pending.pop(month, {})
        return {
            name: [row for _, _, row in sorted(slot.values(), key=lambda v: (v[0], v[1]))]
            for name, slot in entities.items()
        }

    def columns(self, entity: str) -> tuple[str, ...]:
        return self._columns[entity]
