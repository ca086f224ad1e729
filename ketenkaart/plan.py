"""What importing a file does to a company's list, worked out before anything is saved.

Pure Python over frozen dataclasses: duplicate rows in the file are merged, each row is
matched to a location of the list as it is (by the company's reference when the row has
one, else by normalised supplier name, country, activity and city), and the outcome is a
plan of locations to add, change, keep and remove. The plan's digest lets a confirmation
insist on doing exactly what the check showed.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

FIELDS = (
    "supplier_name",
    "address",
    "city",
    "region_code",
    "country",
    "activity",
    "materials",
    "tier",
    "relation",
    "external_id",
)


def fold(text: str) -> str:
    """Text compared without case, accents or repeated spaces."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True, slots=True)
class LocationRow:
    """A location as a file gives it, checked. `rows` are the spreadsheet rows it comes
    from: more than one when duplicate rows were merged into it."""

    rows: tuple[int, ...]
    supplier_name: str
    normalised_name: str
    address: str
    city: str
    region_code: str
    country: str
    activity: str
    materials: tuple[str, ...]
    tier: int
    relation: str
    external_id: str

    @property
    def row(self) -> int:
        return self.rows[0]

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIELDS)


@dataclass(frozen=True, slots=True)
class StoredLocation:
    """A location of the list as it is in the database."""

    id: int
    supplier_name: str
    normalised_name: str
    address: str
    city: str
    region_code: str
    country: str
    activity: str
    materials: tuple[str, ...]
    tier: int
    relation: str
    external_id: str

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in FIELDS)


@dataclass(frozen=True)
class Merge:
    """Rows of the file that describe one location: `rows[0]` is kept, with the
    materials of all of them."""

    rows: tuple[int, ...]
    supplier_name: str
    materials: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """Two rows that cannot both stand: `kind` is "reference_repeated" (two locations
    with the same external_id) or "reference_differs" (duplicates of one location that
    carry different external_ids)."""

    row: int
    first_row: int
    kind: str
    value: str


def location_key(row: LocationRow) -> tuple:
    """Rows with this key in common describe one location."""
    return (
        row.normalised_name,
        row.country,
        row.activity,
        fold(row.address),
        row.tier,
        row.relation,
    )


def merge_duplicates(
    rows: Iterable[LocationRow],
    order_materials: Callable[[Iterable[str]], tuple[str, ...]] = lambda m: tuple(
        sorted(set(m))
    ),
) -> tuple[list[LocationRow], list[Merge], list[Conflict]]:
    """One row per location: rows with the same normalised supplier name, country,
    activity, address, tier and relation become the first of them, with the materials
    of all. Rows that cannot stand are returned as conflicts and left out: a duplicate
    with another reference (external_id) than its first row, and a reference used for
    two different locations."""
    merged: dict[tuple, LocationRow] = {}
    conflicts: list[Conflict] = []
    for row in rows:
        key = location_key(row)
        first = merged.get(key)
        if first is None:
            merged[key] = row
            continue
        if (
            first.external_id
            and row.external_id
            and first.external_id != row.external_id
        ):
            conflicts.append(
                Conflict(row.row, first.row, "reference_differs", row.external_id)
            )
            continue
        merged[key] = LocationRow(
            rows=(*first.rows, *row.rows),
            supplier_name=first.supplier_name,
            normalised_name=first.normalised_name,
            address=first.address,
            city=first.city,
            region_code=first.region_code or row.region_code,
            country=first.country,
            activity=first.activity,
            materials=order_materials((*first.materials, *row.materials)),
            tier=first.tier,
            relation=first.relation,
            external_id=first.external_id or row.external_id,
        )
    kept: list[LocationRow] = []
    first_with_reference: dict[str, LocationRow] = {}
    for row in merged.values():
        if row.external_id:
            first = first_with_reference.setdefault(row.external_id, row)
            if first is not row:
                conflicts.append(
                    Conflict(row.row, first.row, "reference_repeated", row.external_id)
                )
                continue
        kept.append(row)
    merges = [
        Merge(rows=row.rows, supplier_name=row.supplier_name, materials=row.materials)
        for row in kept
        if len(row.rows) > 1
    ]
    return kept, merges, sorted(conflicts, key=lambda c: (c.row, c.kind))


@dataclass(frozen=True)
class Change:
    row: LocationRow
    stored: StoredLocation
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    add: tuple[LocationRow, ...]
    change: tuple[Change, ...]
    keep: tuple[tuple[LocationRow, StoredLocation], ...]
    remove: tuple[StoredLocation, ...]

    @property
    def changes_anything(self) -> bool:
        return bool(self.add or self.change or self.remove)

    @property
    def digest(self) -> str:
        """A fingerprint of what the plan does and of the list it was made against."""
        payload = {
            "add": [list(row.values()) for row in self.add],
            "change": [
                [
                    change.stored.id,
                    list(change.stored.values()),
                    list(change.row.values()),
                ]
                for change in self.change
            ],
            "keep": [[stored.id, list(stored.values())] for _row, stored in self.keep],
            "remove": [[stored.id, list(stored.values())] for stored in self.remove],
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _match_key(normalised_name: str, country: str, activity: str, city: str) -> tuple:
    return (normalised_name, country, activity, fold(city))


def plan_import(rows: Sequence[LocationRow], stored: Sequence[StoredLocation]) -> Plan:
    """Match every row to at most one stored location, each stored location to at most
    one row. A row with a reference (external_id) matches the location with that
    reference; without one, or when no location has it, the first unmatched location
    with the same normalised name, country, activity and city that does not carry
    another reference. Stored locations no row matched are removed: the file is the
    year's whole list."""
    by_reference = {s.external_id: s for s in stored if s.external_id}
    by_key: dict[tuple, deque[StoredLocation]] = defaultdict(deque)
    for location in sorted(stored, key=lambda s: s.id):
        by_key[
            _match_key(
                location.normalised_name,
                location.country,
                location.activity,
                location.city,
            )
        ].append(location)
    used: set[int] = set()
    add: list[LocationRow] = []
    change: list[Change] = []
    keep: list[tuple[LocationRow, StoredLocation]] = []
    for row in rows:
        match = None
        if row.external_id:
            candidate = by_reference.get(row.external_id)
            if candidate is not None and candidate.id not in used:
                match = candidate
        if match is None:
            candidates = by_key.get(
                _match_key(row.normalised_name, row.country, row.activity, row.city)
            )
            while candidates and candidates[0].id in used:
                candidates.popleft()
            for candidate in candidates or ():
                if candidate.id in used:
                    continue
                if (
                    row.external_id
                    and candidate.external_id
                    and candidate.external_id != row.external_id
                ):
                    continue
                match = candidate
                break
        if match is None:
            add.append(row)
            continue
        used.add(match.id)
        columns = tuple(
            name
            for name, new, old in zip(FIELDS, row.values(), match.values(), strict=True)
            if new != old
        )
        if columns:
            change.append(Change(row=row, stored=match, columns=columns))
        else:
            keep.append((row, match))
    remove = tuple(s for s in sorted(stored, key=lambda s: s.id) if s.id not in used)
    return Plan(add=tuple(add), change=tuple(change), keep=tuple(keep), remove=remove)
