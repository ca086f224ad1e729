"""Every figure of a yearly report, registered once, controlled once, printed anywhere.

The sections of a report are drafted against a `Ledger`: each figure is entered under a
key that names the fact it states (the same fact in two tables has one key), with the
number of companies it rests on, and each additive relation between figures is
recorded. `Ledger.control` runs the disclosure rule (`disclosure.control`) over the
whole report at once, so that a figure withheld in one table cannot be read in another
or worked out from another table's totals. Then the drafts are rendered into the
`document` dataclasses: the parties' and the government's versions print "fewer than
k" or "not shown"; the internal version prints every exact figure and names, in a note
under each table, what the other versions hold back.

Paragraphs never carry figures: every figure stands in a table or a chart, where it
is controlled.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from monitoring import charts

from . import disclosure
from .document import Cell, Chart, Section, Table

Key = Hashable
INTEGER, DECIMAL, EURO, PERCENT = "integer", "decimal", "euro", "percent"


@dataclass(frozen=True)
class Entry:
    value: int | Decimal | None
    companies: int | None
    style: str = INTEGER
    # What the parties' and the government's versions print instead of the value: a
    # figure another disclosure control already banded (the ketenkaart's release).
    public_text: str | None = None
    # False for a figure no table prints (`Ledger.subset`'s rest).
    printed: bool = True


class Ledger:
    def __init__(self) -> None:
        self.entries: dict[Key, Entry] = {}
        self.relations: list[disclosure.Relation] = []
        self._relation_keys: set[tuple[Key, tuple[Key, ...]]] = set()
        self.derived: dict[Key, tuple[Key, ...]] = {}

    def add(
        self,
        key: Key,
        value: int | Decimal | Fraction | None,
        companies: int | None = None,
        style: str = INTEGER,
        public_text: str | None = None,
        *,
        printed: bool = True,
    ) -> Key:
        """Enter a figure; `companies` is None for a figure that is not about
        companies' confidential data. Entering the same fact twice is allowed when
        it states the same."""
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Decimal) and style in (DECIMAL, PERCENT):
            value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        entry = Entry(value, companies, style, public_text, printed)
        known = self.entries.get(key)
        if known is not None and known != entry:
            raise ValueError(f"The figure {key!r} is entered twice, differently")
        self.entries[key] = entry
        return key

    def relate(self, total: Key, parts: Sequence[Key]) -> None:
        """`total` is the sum of `parts` (in the report's own figures)."""
        signature = (total, tuple(parts))
        if signature not in self._relation_keys:
            self._relation_keys.add(signature)
            self.relations.append(disclosure.Relation(total, tuple(parts)))

    def subset(self, part: Key, whole: Key) -> None:
        """`part` counts some of the companies `whole` counts (plans with actions among
        the plans received). The rest, `whole - part`, is a figure too, though no table
        prints it: a reader gets it by subtraction. It is entered, resting on the
        companies it counts, with the relation `whole = part + rest`, so that a rest of
        fewer than k companies withholds the part (or the whole)."""
        p, w = self.entries[part], self.entries[whole]
        if p.value is None or w.value is None or w.value < p.value:
            return
        if p.companies is not None and w.companies is not None:
            companies: int | None = max(w.companies - p.companies, 0)
        elif p.companies is not None:  # a public count of companies as the whole
            companies = int(w.value - p.value)
        else:
            companies = None
        rest = self.add(
            ("rest", part, whole), w.value - p.value, companies, printed=False
        )
        self.relate(whole, [part, rest])

    def derive(self, key: Key, sources: Sequence[Key]) -> None:
        """`key` is computed from `sources` (a growth from two totals): it is withheld
        whenever one of them is."""
        self.derived[key] = tuple(sources)

    def control(self, k: int) -> disclosure.Outcome:
        outcome = disclosure.control(
            [
                disclosure.Figure(key, entry.value, entry.companies, entry.printed)
                for key, entry in self.entries.items()
            ],
            self.relations,
            k=k,
        )
        statuses = dict(outcome.statuses)
        for key, sources in self.derived.items():
            if statuses[key] is disclosure.Status.SHOWN and any(
                statuses[source] is not disclosure.Status.SHOWN for source in sources
            ):
                statuses[key] = disclosure.Status.SECONDARY
        return disclosure.Outcome(k=k, statuses=statuses)


def format_value(value: int | Decimal | None, style: str) -> str:
    if value is None:
        return "-"
    if style == EURO:
        return "€ " + number_format(value, decimal_pos=2, force_grouping=True)
    if style == DECIMAL:
        return number_format(value, decimal_pos=1)
    if style == PERCENT:
        return number_format(value, decimal_pos=1) + " %"
    return number_format(value, force_grouping=True)


@dataclass
class TableDraft:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, tuple[Key | None, ...]]] = field(default_factory=list)
    note: str = ""
    # Rows in descending order of this column (0 is the first figure), the rows with
    # a withheld figure there last, in their own order: the position of a withheld
    # figure between two shown ones would bound it.
    sort_by: int | None = None

    def row(self, label: str, *keys: Key | None) -> None:
        if len(keys) != len(self.columns) - 1:
            raise ValueError(f"{self.key}: {label} has {len(keys)} figures")
        self.rows.append((label, keys))


@dataclass
class ChartDraft:
    """A bar chart: one bar per (label, figure key, colour)."""

    title: str
    bars: list[tuple[str, Key, str]] = field(default_factory=list)


@dataclass
class SvgChart:
    """A chart whose figures were controlled elsewhere (the ketenkaart's map)."""

    title: str
    svg: str
    summary: str = ""


@dataclass
class SectionDraft:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[TableDraft] = field(default_factory=list)
    charts: list[ChartDraft | SvgChart] = field(default_factory=list)


class Printer:
    """Renders drafts with the outcome of disclosure control; `exact` for the
    secretariat's version."""

    def __init__(
        self, ledger: Ledger, outcome: disclosure.Outcome, *, exact: bool
    ) -> None:
        self.ledger = ledger
        self.outcome = outcome
        self.exact = exact

    def cell(self, key: Key | None) -> Cell:
        if key is None:
            return Cell("")
        entry = self.ledger.entries[key]
        status = self.outcome.status(key)
        if self.exact:
            return Cell(format_value(entry.value, entry.style), entry.value)
        if status is disclosure.Status.SHOWN:
            if entry.public_text is not None:
                return Cell(entry.public_text)
            return Cell(format_value(entry.value, entry.style), entry.value)
        if status is disclosure.Status.PRIMARY:
            return Cell(
                _("fewer than %(k)s") % {"k": self.outcome.k}, None, withheld=True
            )
        return Cell(_("not shown"), None, withheld=True)

    def table(self, draft: TableDraft) -> Table:
        notes = [draft.note] if draft.note else []
        if self.exact:
            held = self._held_back(draft)
            if held:
                notes.append(
                    _(
                        "Held back in the parties' and the government's versions: %(list)s."
                    )
                    % {"list": "; ".join(held)}
                )
        elif any(
            key is not None and not self.outcome.shown(key)
            for _label, keys in draft.rows
            for key in keys
        ):
            notes.append(withheld_note(self.outcome.k))
        rows = [
            (label, tuple(self.cell(key) for key in keys)) for label, keys in draft.rows
        ]
        if draft.sort_by is not None:
            column = draft.sort_by

            def order(index: int) -> tuple[int, Decimal, int]:
                value = rows[index][1][column].value
                if value is None or self._withheld(draft.rows[index][1][column]):
                    return (1, Decimal(0), index)
                return (0, -Decimal(value), index)

            rows = [rows[index] for index in sorted(range(len(rows)), key=order)]
        return Table(
            key=draft.key,
            title=draft.title,
            columns=draft.columns,
            rows=tuple(rows),
            note=" ".join(notes),
        )

    def _withheld(self, key: Key | None) -> bool:
        return key is not None and not self.outcome.shown(key)

    def _held_back(self, draft: TableDraft) -> list[str]:
        held = []
        for label, keys in draft.rows:
            for column, key in zip(draft.columns[1:], keys, strict=True):
                if key is None:
                    continue
                status = self.outcome.status(key)
                if status is disclosure.Status.PRIMARY:
                    reason = _("fewer than %(k)s companies") % {"k": self.outcome.k}
                elif status is disclosure.Status.SECONDARY:
                    reason = _("would reveal another figure by subtraction")
                else:
                    continue
                held.append(f"{label} / {column} ({reason})")
        return held

    def chart(self, draft: ChartDraft | SvgChart) -> Chart:
        if isinstance(draft, SvgChart):
            return Chart(title=draft.title, svg=draft.svg, summary=draft.summary)
        items = []
        for label, key, colour in draft.bars:
            cell = self.cell(key)
            items.append(
                charts.BarItem(
                    label,
                    cell.value if cell.value is not None else 0,
                    colour,
                    cell.text,
                )
            )
        chart = charts.bar_chart(items, label_width=220)
        svg = render_to_string(
            "convenant/reports/charts/bar.html", {"chart": chart, "title": draft.title}
        )
        return Chart(title=draft.title, svg=svg.strip(), summary=chart.summary)

    def section(self, draft: SectionDraft) -> Section:
        return Section(
            key=draft.key,
            title=draft.title,
            paragraphs=tuple(draft.paragraphs),
            tables=tuple(self.table(table) for table in draft.tables),
            charts=tuple(self.chart(chart) for chart in draft.charts),
        )


def withheld_note(k: int) -> str:
    return _(
        "A figure resting on fewer than %(k)s companies is not shown, and neither is "
        "a figure from which it could be worked out by subtraction."
    ) % {"k": k}
