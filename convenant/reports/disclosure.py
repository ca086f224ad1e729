"""Disclosure control of the yearly report: the one rule every table and chart of the
parties' and the government's versions passes through (docs/decisions/0006).

A report figure about companies is shown only when it rests on at least k companies
(the ketenkaart's k, default 3), and never beside figures from which a withheld one
could be worked out by subtraction.

The input
    `Figure`: a key, its exact value and the number of companies it rests on (None for
    a figure that is not about companies' confidential data, such as the number of
    parties, which the agreement publishes). An average or a percentage rests on the n
    companies it is computed over; a number of locations on the companies that
    reported them.
    `Relation`: an additive relation, `total = sum(parts)`: a row of a table with its
    row total, a column with its column total, row totals with the grand total.
    Relations may nest and overlap; a figure may take part in any number of them.
    A figure that no table prints but a reader could work out (`printed=False`, the
    rest of a count beside a part of it) takes part in exactly one relation; it is
    controlled like any other, and otherwise it is simply unknown to the reader.

The rule
    1. Primary: a figure resting on 1 to k-1 companies is withheld ("fewer than k").
    2. Secondary: every relation is an equation. When exactly one of its members (the
       total or a part) is unknown to the reader and that one is withheld, the others
       would give it away, so one more member is withheld: the shown part with the
       smallest non-zero value (ties: fewest companies, then the order the figures
       were given in); when there is none, the total when it is shown; when that is
       withheld too, the first shown zero part.
       This is repeated over every relation until nothing changes: a withheld total is
       a part of the relation above it, so the rule carries through nested tables.
    3. Zeros. A figure resting on no company singles out nobody and is shown. Because
       it takes part in subtractions like any other figure, it can be chosen as a
       secondary, but last: withholding a known-to-be-small zero protects little, so a
       non-zero part or the total goes first.

What follows
    - No shown figure rests on 1..k-1 companies.
    - No relation has a withheld figure as its only unknown member: no withheld
      figure equals a shown total minus shown parts, nor a sum of shown parts. (The
      rule prevents working out a figure exactly; like any cell suppression it may
      still let a reader bound a sum of withheld figures.)
    - A table in which every figure rests on 0 or at least k companies is shown whole.
    - The result depends on the figures and relations only, and controlling an already
      controlled table again withholds nothing more.

Pure Python, no Django import.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Key = Hashable
Value = int | Decimal | Fraction | float


class Status(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # rests on fewer than k companies
    SECONDARY = "secondary"  # would give a primary away by subtraction
    HIDDEN = "hidden"  # not printed, and safe to be unknown


SENSITIVE = frozenset({Status.PRIMARY, Status.SECONDARY})


@dataclass(frozen=True)
class Figure:
    key: Key
    value: Value | None
    companies: int | None = None
    # False for a figure no table prints but a reader could work out: the rest of a
    # count beside a part of it (plans without actions = plans - plans with actions).
    printed: bool = True

    def __post_init__(self) -> None:
        if self.companies is not None and self.companies < 0:
            raise ValueError(f"{self.key!r}: a figure rests on 0 or more companies")


@dataclass(frozen=True)
class Relation:
    """`total` is the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Outcome:
    k: int
    statuses: Mapping[Key, Status]

    def status(self, key: Key) -> Status:
        return self.statuses[key]

    def shown(self, key: Key) -> bool:
        return self.statuses[key] is Status.SHOWN

    def withheld(self) -> dict[Key, Status]:
        """The figures held back, primary or secondary (not the unprinted ones)."""
        return {
            key: status for key, status in self.statuses.items() if status in SENSITIVE
        }


def is_primary(companies: int | None, k: int) -> bool:
    return companies is not None and 0 < companies < k


def control(
    figures: Iterable[Figure], relations: Iterable[Relation] = (), *, k: int
) -> Outcome:
    """What may be shown of `figures` under threshold `k` (see the module's text).
    Raises ValueError for k below 1, a repeated key, or a relation naming a figure
    that was not given."""
    if k < 1:
        raise ValueError("k must be at least 1")
    ordered: list[Figure] = []
    by_key: dict[Key, Figure] = {}
    for figure in figures:
        if figure.key in by_key:
            raise ValueError(f"The figure {figure.key!r} is given twice")
        by_key[figure.key] = figure
        ordered.append(figure)
    position = {figure.key: index for index, figure in enumerate(ordered)}
    checked: list[Relation] = []
    unprinted_in: dict[Key, int] = {}
    for relation in relations:
        for key in relation.members():
            if key not in by_key:
                raise ValueError(f"The relation names an unknown figure {key!r}")
        members = dict.fromkeys(relation.members())
        if len(members) < 2 or relation.total in relation.parts:
            raise ValueError(f"A relation needs a total and other parts: {relation}")
        checked.append(relation)
        for key in members:
            if not by_key[key].printed:
                unprinted_in[key] = unprinted_in.get(key, 0) + 1
                if unprinted_in[key] > 1:
                    raise ValueError(
                        f"The unprinted figure {key!r} is in more than one relation"
                    )

    statuses = {figure.key: _initial(figure, k) for figure in ordered}
    changed = True
    while changed:
        changed = False
        for relation in checked:
            unknown = [
                key for key in relation.members() if statuses[key] is not Status.SHOWN
            ]
            if len(unknown) != 1 or statuses[unknown[0]] not in SENSITIVE:
                continue
            partner = _partner(relation, statuses, by_key, position)
            if partner is not None:
                statuses[partner] = Status.SECONDARY
                changed = True
    return Outcome(k=k, statuses=statuses)


def _initial(figure: Figure, k: int) -> Status:
    if is_primary(figure.companies, k):
        return Status.PRIMARY
    return Status.SHOWN if figure.printed else Status.HIDDEN


def _magnitude(value: Value | None) -> Fraction:
    """The size of a figure, exactly, whatever its type (None counts as zero)."""
    return abs(Fraction(value)) if value is not None else Fraction(0)


def _partner(
    relation: Relation,
    statuses: Mapping[Key, Status],
    by_key: Mapping[Key, Figure],
    position: Mapping[Key, int],
) -> Key | None:
    """The member to withhold beside the one withheld member of `relation`."""
    shown_parts = [
        key for key in dict.fromkeys(relation.parts) if statuses[key] is Status.SHOWN
    ]
    non_zero = [key for key in shown_parts if _magnitude(by_key[key].value) != 0]
    if non_zero:
        return min(
            non_zero,
            key=lambda key: (
                _magnitude(by_key[key].value),
                by_key[key].companies or 0,
                position[key],
            ),
        )
    if statuses[relation.total] is Status.SHOWN:
        return relation.total
    if shown_parts:
        return min(shown_parts, key=lambda key: position[key])
    return None


# --- Tables ----------------------------------------------------------------------------


def sum_relations(
    rows: Sequence[Sequence[Key]],
    *,
    row_totals: Sequence[Key] | None = None,
    column_totals: Sequence[Key] | None = None,
    grand_total: Key | None = None,
) -> list[Relation]:
    """The relations of a table of `rows` of part keys with, optionally, a total per
    row, a total per column and a grand total over both."""
    relations: list[Relation] = []
    if row_totals is not None:
        relations += [
            Relation(total, tuple(row))
            for total, row in zip(row_totals, rows, strict=True)
        ]
    if column_totals is not None:
        columns = list(zip(*rows, strict=True)) if rows else []
        relations += [
            Relation(total, tuple(column))
            for total, column in zip(column_totals, columns, strict=True)
        ]
    if grand_total is not None:
        if row_totals is not None:
            relations.append(Relation(grand_total, tuple(row_totals)))
        if column_totals is not None:
            relations.append(Relation(grand_total, tuple(column_totals)))
    return relations
