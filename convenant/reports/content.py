"""What a year's report holds (art. 14, 33, 50, 63), for each audience.

Every year: who takes part (by kind and constituency, joined and left), the monitoring
round (companies assessed, signals, levels per step, scores, change since the round
before), the improvement talks, the plans of approach with the aggregated plan, the
risk analyses by theme, country and material, transparency (locations per tier and
their growth), the year's aggregated production-location list with its map, and the
collective needs that monitoring signals (modules, supplier reports). By year (art. 33):
year 1 reports the baseline (nulmeting); years 2 and 4 add the progress against the
baseline; year 3 is an interim report of the year's figures; year 5 adds an evaluation
over every year. The government's version adds the budget (art. 63); the secretariat's
own version prints every figure exactly and names what the others hold back.

The data are loaded in a fixed number of queries (sources.py) and aggregated here in
Python; every figure is entered in one `Ledger` and passes the disclosure rule
(disclosure.py) once for the whole report. Texts are translated in the active language.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from convenant.models import AgreementYear
from convenant.vocabulary import Activity, Material
from governance.models import (
    CONSTITUENCY_OF_KIND,
    Constituency,
    ContributionStatus,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)
from ketenkaart.tiers import TIER_GROUPS, tier_group, tier_group_label
from monitoring import charts
from monitoring.framework import Framework as ParsedFramework
from monitoring.models import (
    AssessmentStatus,
    RbcTheme,
    RoundKind,
    ScoreKind,
    Signal,
    TalkStatus,
)
from monitoring.selectors.overview import (
    NO_SIGNAL,
    SIGNALS,
    Judged,
    average_score,
    judged_from_rows,
    level_counts,
    progress_since,
    signal_counts,
    step_level_counts,
)

from . import sources as loading
from .document import (
    BASELINE,
    EVALUATION,
    GOVERNMENT,
    INTERIM,
    INTERNAL,
    PARTIES,
    PROGRESS,
    VERSIONS,
    ReportDocument,
)
from .ledger import (
    DECIMAL,
    EURO,
    PERCENT,
    ChartDraft,
    Ledger,
    Printer,
    SectionDraft,
    SvgChart,
    TableDraft,
    withheld_note,
)

Progress = Callable[[int, str], None]

KIND_OF_YEAR = {1: BASELINE, 2: PROGRESS, 3: INTERIM, 4: PROGRESS, 5: EVALUATION}
TAKING_PART = (Participation.PARTY, Participation.SUPPORTER)
SUBMITTED = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.IMPROVING,
    AssessmentStatus.FINAL,
)
TALK_SIGNALS = (Signal.ORANGE, Signal.RED)
BUDGET_VERSIONS = (GOVERNMENT, INTERNAL)


def kind_of(number: int) -> str:
    """What the report of agreement year `number` is about (art. 33); a year beyond
    the fifth, should the term be extended, reports like year 3."""
    return KIND_OF_YEAR.get(number, INTERIM)


def gather(
    *, year: AgreementYear, version: str = PARTIES, progress: Progress | None = None
) -> ReportDocument:
    """The report of agreement year `year` for `version`, every figure controlled for
    that audience. `progress(percent, step)` is called as parts are done. A fixed
    number of queries, whatever the number of companies."""
    if version not in VERSIONS:
        raise ValueError(f"Unknown version {version!r}")

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    step(5, _("Loading the year's data"))
    data = loading.load(year=year, budget=version in BUDGET_VERSIONS)
    report = _Report(year=year, data=data, version=version)
    sections: list[SectionDraft] = [report.introduction()]
    step(15, _("Participants"))
    sections.append(report.participants())
    step(30, _("Monitoring"))
    sections += report.monitoring()
    step(45, _("Improvement talks"))
    sections.append(report.talks())
    step(55, _("Plans of approach"))
    sections.append(report.plans())
    step(62, _("Risk analyses"))
    sections.append(report.risk_analyses())
    step(70, _("Transparency"))
    sections.append(report.transparency())
    step(78, _("Aggregated production-location list"))
    sections.append(report.location_list())
    step(85, _("Collective needs"))
    sections.append(report.collective_needs())
    if report.kind == EVALUATION:
        step(90, _("Evaluation"))
        sections.append(report.evaluation())
    if version in BUDGET_VERSIONS:
        step(94, _("Budget"))
        sections.append(report.budget())
    step(97, _("Disclosure control"))
    report.declare_subsets()
    outcome = report.ledger.control(data.k)
    printer = Printer(report.ledger, outcome, exact=version == INTERNAL)
    document = ReportDocument(
        title=_("%(agreement)s: yearly report, year %(number)s")
        % {"agreement": data.agreement.short_name, "number": year.number},
        year_number=year.number,
        year_label=year_label(year),
        version=version,
        kind=report.kind,
        k=data.k,
        sections=tuple(printer.section(section) for section in sections),
        generated_on=timezone.localdate(),
        notes=report.notes(),
    )
    step(100, _("Done"))
    return document


def year_label(year: AgreementYear) -> str:
    return _("Year %(number)s (%(starts)s - %(ends)s)") % {
        "number": year.number,
        "starts": date_format(year.starts_on, "j F Y"),
        "ends": date_format(year.ends_on, "j F Y"),
    }


def _label(choices: Iterable[tuple[str, object]], value: str) -> str:
    return str(dict(choices).get(value, value))


@dataclass(frozen=True)
class _Round:
    row: loading.RoundRow
    judged: tuple[Judged, ...]
    framework: ParsedFramework

    @property
    def pk(self) -> int:
        return self.row.pk


class _Report:
    def __init__(
        self, *, year: AgreementYear, data: loading.Sources, version: str
    ) -> None:
        self.year = year
        self.data = data
        self.version = version
        self.kind = kind_of(year.number)
        self.language = (get_language() or "en")[:2]
        self.ledger = Ledger()
        rows_by_round: dict[int, list[dict]] = defaultdict(list)
        for row in data.scores:
            rows_by_round[row["round_id"]].append(row)
        self.scores_by_round = rows_by_round
        self.rounds = [
            _Round(
                row=row,
                judged=tuple(judged_from_rows(rows_by_round.get(row.pk, []))),
                framework=data.frameworks[row.framework_id],
            )
            for row in data.rounds
        ]
        self.current = self._current_round()
        self.previous = self._previous_round(self.current)
        self.baseline = next(
            (
                r
                for r in self.rounds
                if r.row.kind == RoundKind.BASELINE
                and (
                    self.current is None or r.row.opens_on <= self.current.row.opens_on
                )
                and (self.current is None or r.pk != self.current.pk)
            ),
            None,
        )

    # --- Rounds --------------------------------------------------------------------

    def _current_round(self) -> _Round | None:
        """The year's own round (the latest that is not an extra round, else the
        latest); without one, the latest round that opened before the year ended."""
        own = [r for r in self.rounds if r.row.year_number == self.year.number]
        regular = [r for r in own if r.row.kind != RoundKind.EXTRA]
        if regular or own:
            return (regular or own)[-1]
        return self.rounds[-1] if self.rounds else None

    def _previous_round(self, current: _Round | None) -> _Round | None:
        if current is None:
            return None
        before = [
            r
            for r in self.rounds
            if r.row.kind != RoundKind.EXTRA and r.row.opens_on < current.row.opens_on
        ]
        return before[-1] if before else None

    # --- Participants --------------------------------------------------------------

    def _taking_part(self, organisation: loading.OrganisationRow, on: dt.date) -> bool:
        if (
            organisation.participation not in TAKING_PART
            or organisation.kind not in CONSTITUENCY_OF_KIND
            or organisation.signed_on is None
            or organisation.signed_on > on
            or organisation.status == OrganisationStatus.APPLICANT
        ):
            return False
        left = self.data.left_on.get(organisation.pk)
        if left is not None:
            return left > on
        return organisation.status not in (
            OrganisationStatus.WITHDRAWN,
            OrganisationStatus.REMOVED,
        )

    def companies_taking_part(self, on: dt.date) -> set[int]:
        return {
            o.pk
            for o in self.data.organisations
            if o.kind == OrganisationKind.COMPANY and self._taking_part(o, on)
        }

    def introduction(self) -> SectionDraft:
        about = {
            BASELINE: _(
                "In its first year the agreement measures where the companies stand: "
                "this report gives the aggregated results of the baseline (nulmeting)."
            ),
            PROGRESS: _(
                "This report gives the aggregated progress of the companies, measured "
                "by this year's monitoring round against the baseline."
            ),
            INTERIM: _(
                "This year has no monitoring round of its own: this report gives the "
                "year's figures and the results of the latest round."
            ),
            EVALUATION: _(
                "In its last year the agreement is evaluated: this report adds an "
                "overview of every year of the agreement to the year's figures."
            ),
        }[self.kind]
        paragraphs = [
            _(
                "The yearly report on the progress of the agreement (art. 14, 33 and "
                "50), for %(period)s."
            )
            % {"period": year_label(self.year)},
            about,
        ]
        if self.version == INTERNAL:
            paragraphs.append(
                _(
                    "This is the secretariat's version with exact figures. It is not to "
                    "be shared: under each table it names what the parties' and the "
                    "government's versions hold back."
                )
            )
        else:
            paragraphs.append(
                _(
                    "Every figure is aggregated and cannot be traced to a single "
                    "company. %(rule)s"
                )
                % {"rule": withheld_note(self.data.k)}
            )
        if self.version == GOVERNMENT:
            paragraphs.append(
                _(
                    "The Kerngroep informs the government yearly about the substantive "
                    "progress of the agreement and any deviations from the budget "
                    "(art. 63): the budget is in the last section."
                )
            )
        return SectionDraft(
            key="introduction", title=_("About this report"), paragraphs=paragraphs
        )

    def participants(self) -> SectionDraft:
        end, start = self.year.ends_on, self.year.starts_on
        kinds = [kind for kind in OrganisationKind if kind in CONSTITUENCY_OF_KIND]
        counts: Counter[Any] = Counter()
        joined: Counter[Any] = Counter()
        left: Counter[Any] = Counter()
        for organisation in self.data.organisations:
            if organisation.kind not in CONSTITUENCY_OF_KIND:
                continue
            if self._taking_part(organisation, end):
                counts[organisation.kind, organisation.participation] += 1
            if (
                organisation.participation in TAKING_PART
                and organisation.signed_on is not None
                and start <= organisation.signed_on <= end
            ):
                joined[organisation.kind] += 1
            left_on = self.data.left_on.get(organisation.pk)
            if left_on is not None and start <= left_on <= end:
                left[organisation.kind] += 1
        # Who takes part is public (the agreement publishes its parties), so these
        # figures are not about companies' confidential data.
        ledger = self.ledger
        table = TableDraft(
            key="participants",
            title=_("Parties and supporters at the end of the year"),
            columns=(_("Kind"), _("Parties"), _("Supporters"), _("Total")),
        )
        rows, row_totals = [], []
        for kind in kinds:
            party = ledger.add(
                ("participants", kind.value, "party"),
                counts[kind.value, Participation.PARTY],
            )
            supporter = ledger.add(
                ("participants", kind.value, "supporter"),
                counts[kind.value, Participation.SUPPORTER],
            )
            total = ledger.add(
                ("participants", kind.value, "total"),
                counts[kind.value, Participation.PARTY]
                + counts[kind.value, Participation.SUPPORTER],
            )
            ledger.relate(total, [party, supporter])
            rows.append([party, supporter])
            row_totals.append(total)
            table.row(str(kind.label), party, supporter, total)
        column_totals = []
        for index, participation in enumerate(("party", "supporter")):
            key = ledger.add(
                ("participants", "all", participation),
                sum(counts[kind.value, participation] for kind in kinds),
            )
            ledger.relate(key, [row[index] for row in rows])
            column_totals.append(key)
        grand = ledger.add(("participants", "all", "total"), sum(counts.values()))
        ledger.relate(grand, row_totals)
        ledger.relate(grand, column_totals)
        table.row(_("Total"), *column_totals, grand)

        constituencies = TableDraft(
            key="constituencies",
            title=_("Parties per constituency (geleding)"),
            columns=(_("Constituency"), _("Parties")),
        )
        for kind in kinds:
            constituencies.row(
                str(Constituency(CONSTITUENCY_OF_KIND[kind]).label),
                ("participants", kind.value, "party"),
            )
        constituencies.row(_("Total"), ("participants", "all", "party"))

        movement = TableDraft(
            key="joined_left",
            title=_("Joined and left during the year"),
            columns=(_("Kind"), _("Joined"), _("Left")),
        )
        joined_keys, left_keys = [], []
        for kind in kinds:
            joined_keys.append(ledger.add(("joined", kind.value), joined[kind.value]))
            left_keys.append(ledger.add(("left", kind.value), left[kind.value]))
            movement.row(str(kind.label), joined_keys[-1], left_keys[-1])
        joined_total = ledger.add(("joined", "all"), sum(joined.values()))
        left_total = ledger.add(("left", "all"), sum(left.values()))
        ledger.relate(joined_total, joined_keys)
        ledger.relate(left_total, left_keys)
        movement.row(_("Total"), joined_total, left_total)
        chart = ChartDraft(title=_("Parties and supporters by kind"))
        chart.bars = [
            (str(kind.label), ("participants", kind.value, "total"), charts.BAR_COLOUR)
            for kind in kinds
        ]
        return SectionDraft(
            key="participants",
            title=_("Participants"),
            paragraphs=[
                _(
                    "Organisations that signed the agreement as a party or a supporter "
                    "and had not left it by the last day of the year."
                )
            ],
            tables=[table, constituencies, movement],
            charts=[chart],
        )

    # --- Monitoring ----------------------------------------------------------------

    def _judgement_tables(
        self, round_: _Round
    ) -> tuple[list[TableDraft], list[ChartDraft]]:
        ledger, pk = self.ledger, round_.pk
        framework = round_.framework
        judged = round_.judged
        invited = sum(
            n
            for (round_id, _status), n in self.data.assessment_counts.items()
            if round_id == pk
        )
        submitted = sum(
            self.data.assessment_counts.get((pk, status), 0) for status in SUBMITTED
        )
        scored = [j for j in judged if j.score is not None]
        assessed = TableDraft(
            key="assessed",
            title=_("Companies assessed"),
            columns=(_("Figure"), _("Value")),
        )
        assessed.row(
            _("Companies invited"), ledger.add(("invited", pk), invited, invited)
        )
        assessed.row(
            _("Self-assessments submitted"),
            ledger.add(("submitted", pk), submitted, submitted),
        )
        assessed.row(
            _("Companies judged"),
            ledger.add(("judged", pk, "current"), len(judged), len(judged)),
        )
        assessed.row(
            _("Average final score"),
            ledger.add(("average", pk), average_score(judged), len(scored), DECIMAL),
        )

        signals = TableDraft(
            key="signals",
            title=_("Signals of the first and the final judgement"),
            columns=(_("Signal"), _("First judgement"), _("Final judgement")),
        )
        labels = {**dict(Signal.choices), NO_SIGNAL: _("No signal")}
        per_kind = {
            kind: signal_counts(judged, kind)
            for kind in (ScoreKind.FIRST, ScoreKind.FINAL)
        }
        parts: dict[str, list] = {ScoreKind.FIRST: [], ScoreKind.FINAL: []}
        for value in [*SIGNALS, NO_SIGNAL]:
            if value == NO_SIGNAL and not any(per_kind[k][NO_SIGNAL] for k in per_kind):
                continue
            keys = []
            for kind in (ScoreKind.FIRST, ScoreKind.FINAL):
                n = per_kind[kind][value]
                keys.append(ledger.add(("signal", pk, kind, value), n, n))
                parts[kind].append(keys[-1])
            signals.row(str(labels[value]), *keys)
        totals = []
        for kind in (ScoreKind.FIRST, ScoreKind.FINAL):
            n = sum(per_kind[kind].values())
            totals.append(ledger.add(("judged", pk, kind), n, n))
            ledger.relate(totals[-1], parts[kind])
        signals.row(_("Companies judged"), *totals)
        self._same_facts(round_)

        level_numbers = [level.level for level in framework.levels]
        level_names = {
            level.level: level.name.in_language(self.language)
            for level in framework.levels
        }
        levels = TableDraft(
            key="levels",
            title=_("Overall maturity level"),
            columns=(_("Level"), _("Companies")),
        )
        overall = level_counts(judged, level_numbers)
        level_keys = []
        for number in level_numbers:
            level_keys.append(
                ledger.add(("level", pk, number), overall[number], overall[number])
            )
            levels.row(f"{number} {level_names[number]}", level_keys[-1])
        with_level = sum(overall.values())
        level_total = ledger.add(("levels", pk, "total"), with_level, with_level)
        ledger.relate(level_total, level_keys)
        if with_level == len(judged):
            ledger.relate(level_total, [("judged", pk, "current")])
        levels.row(_("Companies with a level"), level_total)

        steps = TableDraft(
            key="step_levels",
            title=_("Maturity level per due-diligence step"),
            columns=(
                _("Step"),
                *[_("Level %(level)s") % {"level": n} for n in level_numbers],
                _("Companies judged"),
            ),
        )
        per_step = step_level_counts(
            judged, [s.code for s in framework.steps], level_numbers
        )
        for framework_step in framework.steps:
            counts = per_step[framework_step.code]
            keys = [
                ledger.add(("step", pk, framework_step.code, n), counts[n], counts[n])
                for n in level_numbers
            ]
            total = sum(counts.values())
            total_key = ledger.add(
                ("step", pk, framework_step.code, "judged"), total, total
            )
            ledger.relate(total_key, keys)
            steps.row(
                f"{framework_step.code} {framework_step.title.in_language(self.language)}",
                *keys,
                total_key,
            )
        signal_chart = ChartDraft(title=_("Signal of the final judgement"))
        kind = ScoreKind.FINAL
        if not sum(per_kind[ScoreKind.FINAL].values()):
            kind = ScoreKind.FIRST
            signal_chart.title = _("Signal of the first judgement")
        signal_chart.bars = [
            (
                str(labels[value]),
                ("signal", pk, kind, value),
                charts.SIGNAL_COLOURS.get(value, charts.NO_SIGNAL_COLOUR),
            )
            for value in SIGNALS
        ]
        level_chart = ChartDraft(title=_("Overall maturity level"))
        level_chart.bars = [
            (f"{n} {level_names[n]}", ("level", pk, n), charts.BAR_COLOUR)
            for n in level_numbers
        ]
        return [assessed, signals, levels, steps], [signal_chart, level_chart]

    def _same_facts(self, round_: _Round) -> None:
        """Figures of different tables that state the same fact are tied together (a
        relation with one part is an equality), so that one is never shown where the
        other is withheld."""
        ledger, pk, judged = self.ledger, round_.pk, round_.judged
        ledger.add(("judged", pk, "current"), len(judged), len(judged))
        if ("signal", pk, ScoreKind.FIRST, SIGNALS[0]) not in ledger.entries:
            return  # the round's judgements are not in the report, only its totals
        for kind in (ScoreKind.FIRST, ScoreKind.FINAL):
            if ledger.entries[("judged", pk, kind)].value == len(judged):
                ledger.relate(("judged", pk, "current"), [("judged", pk, kind)])
        # The current signal is the final one when every company has a final
        # judgement, the first when none has.
        source = None
        if all(j.has_final for j in judged):
            source = ScoreKind.FINAL
        elif not any(j.has_final for j in judged):
            source = ScoreKind.FIRST
        for value in [*SIGNALS, NO_SIGNAL]:
            n = sum(1 for j in judged if (j.signal or NO_SIGNAL) == value)
            current = ledger.add(("signal_now", pk, value), n, n)
            if source is not None and ("signal", pk, source, value) in ledger.entries:
                ledger.relate(current, [("signal", pk, source, value)])
        # Every company whose first judgement is orange or red is owed a talk.
        owed = sum(1 for j in judged if j.first_signal in TALK_SIGNALS)
        ledger.add(("talks", pk, "owed"), owed, owed)
        ledger.relate(
            ("talks", pk, "owed"),
            [("signal", pk, ScoreKind.FIRST, value) for value in TALK_SIGNALS],
        )

    def _change_table(
        self, key: str, title: str, before: _Round, now: _Round
    ) -> tuple[TableDraft, ChartDraft]:
        ledger = self.ledger
        change = progress_since(before.judged, now.judged)
        scope = ("change", before.pk, now.pk)
        table = TableDraft(key=key, title=title, columns=(_("Figure"), _("Companies")))
        both = ledger.add((*scope, "both"), change.companies, change.companies)
        up = ledger.add((*scope, "up"), change.up, change.up)
        same = ledger.add((*scope, "same"), change.same, change.same)
        down = ledger.add((*scope, "down"), change.down, change.down)
        ledger.relate(both, [up, same, down])
        table.row(_("Judged with a score in both rounds"), both)
        table.row(_("Moved up a signal"), up)
        table.row(_("Kept their signal"), same)
        table.row(_("Moved down a signal"), down)
        table.row(
            _("Average change of score"),
            ledger.add(
                (*scope, "average"), change.average_change, change.companies, DECIMAL
            ),
        )
        chart = ChartDraft(title=title)
        chart.bars = [
            (_("Moved up a signal"), up, charts.UP_COLOUR),
            (_("Kept their signal"), same, charts.SAME_COLOUR),
            (_("Moved down a signal"), down, charts.DOWN_COLOUR),
        ]
        return table, chart

    def monitoring(self) -> list[SectionDraft]:
        current = self.current
        titles = {
            BASELINE: _("Baseline results (nulmeting)"),
            PROGRESS: _("Results of this year's monitoring round"),
            INTERIM: _("Results of the latest monitoring round"),
            EVALUATION: _("Results of the latest monitoring round"),
        }
        section = SectionDraft(key="monitoring", title=titles[self.kind])
        if current is None:
            section.paragraphs.append(_("No monitoring round has taken place yet."))
            return [section]
        section.paragraphs.append(
            _("Round: %(name)s (%(kind)s), %(opens)s to %(closes)s.")
            % {
                "name": current.row.name,
                "kind": _label(RoundKind.choices, current.row.kind),
                "opens": date_format(current.row.opens_on, "j F Y"),
                "closes": date_format(current.row.closes_on, "j F Y"),
            }
        )
        if current.row.year_number != self.year.number:
            section.paragraphs.append(
                _(
                    "This year had no monitoring round of its own; the figures are "
                    "those of the latest round."
                )
            )
        section.paragraphs.append(
            _(
                "A company's judgement in a round is its final judgement when it has "
                "one, otherwise its first. The signal (green, orange or red) and the "
                "maturity levels follow from the assessment framework of the round."
            )
        )
        tables, chart_drafts = self._judgement_tables(current)
        section.tables += tables
        section.charts += chart_drafts
        baseline = self.baseline if self.kind in (PROGRESS, EVALUATION) else None
        if self.previous is not None and (
            baseline is None or self.previous.pk != baseline.pk
        ):
            # Beside the progress against the baseline, the change since the round
            # before only when that round is not the baseline itself.
            table, _chart = self._change_table(
                "change", _("Change since the previous round"), self.previous, current
            )
            section.tables.append(table)
        sections = [section]
        if baseline is not None:
            sections.append(self._progress_section(baseline, current))
        return sections

    def _progress_section(self, baseline: _Round, current: _Round) -> SectionDraft:
        ledger = self.ledger
        section = SectionDraft(
            key="progress",
            title=_("Progress against the baseline"),
            paragraphs=[
                _(
                    "The signals and scores of %(now)s beside those of the baseline "
                    "(%(baseline)s), and how the companies judged in both moved."
                )
                % {"now": current.row.name, "baseline": baseline.row.name}
            ],
        )
        table = TableDraft(
            key="against_baseline",
            title=_("Signals against the baseline"),
            columns=(_("Signal"), _("Baseline"), _("This round")),
        )
        labels = dict(Signal.choices)
        parts: dict[int, list] = {baseline.pk: [], current.pk: []}
        for value in SIGNALS:
            keys = []
            for round_ in (baseline, current):
                n = sum(1 for j in round_.judged if j.signal == value)
                keys.append(ledger.add(("signal_now", round_.pk, value), n, n))
                parts[round_.pk].append(keys[-1])
            table.row(str(labels[value]), *keys)
        keys = []
        for round_ in (baseline, current):
            n = sum(1 for j in round_.judged if j.signal is None)
            keys.append(ledger.add(("signal_now", round_.pk, NO_SIGNAL), n, n))
            parts[round_.pk].append(keys[-1])
        table.row(_("No signal"), *keys)
        for round_ in (baseline, current):
            self._same_facts(round_)
        totals = []
        for round_ in (baseline, current):
            totals.append(("judged", round_.pk, "current"))
            ledger.add(totals[-1], len(round_.judged), len(round_.judged))
            ledger.relate(totals[-1], parts[round_.pk])
        table.row(_("Companies judged"), *totals)
        averages = []
        for round_ in (baseline, current):
            scored = sum(1 for j in round_.judged if j.score is not None)
            averages.append(
                ledger.add(
                    ("average", round_.pk),
                    average_score(round_.judged),
                    scored,
                    DECIMAL,
                )
            )
        table.row(_("Average final score"), *averages)
        section.tables.append(table)
        change, chart = self._change_table(
            "since_baseline", _("Movement since the baseline"), baseline, current
        )
        section.tables.append(change)
        section.charts.append(chart)
        return section

    def talks(self) -> SectionDraft:
        section = SectionDraft(
            key="talks",
            title=_("Improvement talks"),
            paragraphs=[
                _(
                    "The secretariat holds a talk with every company whose first "
                    "judgement is orange or red, with its management taking part for at "
                    "least part of it (art. 10)."
                )
            ],
        )
        current = self.current
        if current is None:
            section.paragraphs.append(_("No monitoring round has taken place yet."))
            return section
        ledger, pk = self.ledger, current.pk
        owed = {
            j.organisation_id for j in current.judged if j.first_signal in TALK_SIGNALS
        }
        held, planned, management = set(), set(), set()
        for talk in self.data.talks:
            if talk.round_id != pk or talk.organisation_id not in owed:
                continue
            if talk.status == TalkStatus.HELD:
                held.add(talk.organisation_id)
                if talk.management_present:
                    management.add(talk.organisation_id)
            elif talk.status == TalkStatus.PLANNED:
                planned.add(talk.organisation_id)
        planned -= held
        without = owed - held - planned
        table = TableDraft(
            key="talks",
            title=_("Companies owed an improvement talk"),
            columns=(_("Figure"), _("Companies")),
        )
        total = ledger.add(("talks", pk, "owed"), len(owed), len(owed))
        keys = [
            ledger.add(("talks", pk, name), len(group), len(group))
            for name, group in (("held", held), ("planned", planned), ("none", without))
        ]
        ledger.relate(total, keys)
        table.row(_("Owed a talk (first judgement orange or red)"), total)
        table.row(_("Talk held"), keys[0])
        table.row(_("Talk planned, not yet held"), keys[1])
        table.row(_("No talk held or planned yet"), keys[2])
        table.row(
            _("Talk held with management taking part"),
            ledger.add(("talks", pk, "management"), len(management), len(management)),
        )
        section.tables.append(table)
        return section

    # --- Plans of approach and risk analyses ---------------------------------------

    def plans(self) -> SectionDraft:
        ledger, number = self.ledger, self.year.number
        section = SectionDraft(
            key="plans",
            title=_("Plans of approach"),
            paragraphs=[
                _(
                    "Every year each company hands in a plan of approach (art. 11). The "
                    "aggregated plan below counts the companies per theme; it quotes no "
                    "plan and names no company."
                )
            ],
        )
        plans = [plan for plan in self.data.plans if plan.year_number == number]
        companies = self.companies_taking_part(self.year.ends_on)
        received = TableDraft(
            key="plans_received",
            title=_("Plans of approach received"),
            columns=(_("Figure"), _("Companies")),
        )
        received.row(
            _("Companies taking part at the end of the year"),
            ledger.add(("companies", number), len(companies)),
        )
        # The same fact as the companies' total in the participants' table.
        ledger.relate(
            ("companies", number),
            [("participants", OrganisationKind.COMPANY.value, "total")],
        )
        n = len(plans)
        received.row(_("Plans received"), ledger.add(("plans", number), n, n))
        with_actions = sum(1 for plan in plans if plan.has_actions)
        with_risks = sum(1 for plan in plans if plan.has_risks)
        received.row(
            _("Plans describing the risks addressed"),
            ledger.add(("plans", number, "risks"), with_risks, with_risks),
        )
        received.row(
            _("Plans describing planned actions"),
            ledger.add(("plans", number, "actions"), with_actions, with_actions),
        )
        section.tables.append(received)

        prioritised: dict[str, set[int]] = defaultdict(set)
        for risk in self.data.risks:
            if risk.prioritised:
                prioritised[risk.theme].add(risk.organisation_id)
        themes = TableDraft(
            key="aggregated_plan",
            title=_("The aggregated plan of approach: companies per theme"),
            columns=(
                _("Theme"),
                _("Plans naming the theme"),
                _("Of which with planned actions"),
                _("Companies prioritising the risk in their risk analysis"),
                _("Of which address it in their plan"),
            ),
            sort_by=0,
        )
        by_theme: dict[str, set[int]] = defaultdict(set)
        actions_by_theme: dict[str, set[int]] = defaultdict(set)
        for plan in plans:
            for theme in plan.themes:
                by_theme[theme].add(plan.organisation_id)
                if plan.has_actions:
                    actions_by_theme[theme].add(plan.organisation_id)
        for value, label in RbcTheme.choices:
            naming = by_theme.get(value, set())
            prioritising = prioritised.get(value, set())
            if not naming and not prioritising:
                continue
            addressed = prioritising & naming
            figures = [
                (("plan_theme", number, value), naming),
                (
                    ("plan_theme_actions", number, value),
                    actions_by_theme.get(value, set()),
                ),
                (("risk_prioritised", number, value), prioritising),
                (("risk_in_plan", number, value), addressed),
            ]
            themes.row(
                str(label),
                *[ledger.add(key, len(group), len(group)) for key, group in figures],
            )
        if not themes.rows:
            section.paragraphs.append(_("No plan of approach named a theme this year."))
        else:
            section.tables.append(themes)
        return section

    def risk_analyses(self) -> SectionDraft:
        ledger, number = self.ledger, self.year.number
        section = SectionDraft(
            key="risks",
            title=_("Risk analyses"),
            paragraphs=[
                _(
                    "Each company identifies its most important risks every year and "
                    "prioritises them by severity and likelihood (art. 25-28). The "
                    "tables count the companies naming a risk, per theme, country and "
                    "material."
                )
            ],
        )
        named: dict[str, set[int]] = defaultdict(set)
        prioritised: dict[str, set[int]] = defaultdict(set)
        countries: dict[str, set[int]] = defaultdict(set)
        materials: dict[str, set[int]] = defaultdict(set)
        for risk in self.data.risks:
            named[risk.theme].add(risk.organisation_id)
            if risk.prioritised:
                prioritised[risk.theme].add(risk.organisation_id)
            countries[risk.country].add(risk.organisation_id)
            materials[risk.material].add(risk.organisation_id)
        if not self.data.risks:
            section.paragraphs.append(_("No risk analysis was filed for this year."))
            return section
        themes = TableDraft(
            key="risk_themes",
            title=_("Risks by theme"),
            columns=(
                _("Theme"),
                _("Companies naming the risk"),
                _("Companies prioritising it"),
            ),
            sort_by=0,
        )
        for value, label in RbcTheme.choices:
            if value not in named:
                continue
            themes.row(
                str(label),
                ledger.add(
                    ("risk_named", number, value), len(named[value]), len(named[value])
                ),
                ledger.add(
                    ("risk_prioritised", number, value),
                    len(prioritised.get(value, ())),
                    len(prioritised.get(value, ())),
                ),
            )
        from django_countries import countries as country_names

        by_country = TableDraft(
            key="risk_countries",
            title=_("Risks by country"),
            columns=(_("Country"), _("Companies naming a risk there")),
            sort_by=0,
        )
        for code in sorted(countries, key=lambda c: str(country_names.name(c))):
            group = countries[code]
            by_country.row(
                str(country_names.name(code)) or code,
                ledger.add(("risk_country", number, code), len(group), len(group)),
            )
        by_material = TableDraft(
            key="risk_materials",
            title=_("Risks by material"),
            columns=(_("Material"), _("Companies naming a risk for it")),
            sort_by=0,
        )
        for value, label in Material.choices:
            if value in materials:
                group = materials[value]
                by_material.row(
                    str(label),
                    ledger.add(
                        ("risk_material", number, value), len(group), len(group)
                    ),
                )
        section.tables += [themes, by_country, by_material]
        return section

    # --- Ketenkaart ----------------------------------------------------------------

    def transparency(self) -> SectionDraft:
        ledger = self.ledger
        this_year = loading.list_year(self.year)
        last_year = this_year - 1
        section = SectionDraft(
            key="transparency",
            title=_("Transparency of the supply chain"),
            paragraphs=[
                _(
                    "Production locations on the lists the companies submitted for "
                    "%(year)s, per tier of the chain, beside %(last)s (art. 15-18). A "
                    "number of locations rests on the companies that reported them."
                )
                % {"year": this_year, "last": last_year}
            ],
        )
        locations: Counter[Any] = Counter()
        companies: dict[tuple[int, int], set[int]] = defaultdict(set)
        for row in self.data.locations:
            bucket = tier_group(row.tier)
            locations[row.year, bucket] += row.locations
            companies[row.year, bucket].add(row.company_id)
            companies[row.year, 0].add(row.company_id)
        table = TableDraft(
            key="tiers",
            title=_("Locations per tier"),
            columns=(_("Tier"), str(last_year), str(this_year)),
        )
        labels = {group: tier_group_label(group) for group in TIER_GROUPS}
        parts: dict[int, list] = {last_year: [], this_year: []}
        for bucket in TIER_GROUPS:
            keys = []
            for list_year in (last_year, this_year):
                keys.append(
                    ledger.add(
                        ("tier", list_year, bucket),
                        locations[list_year, bucket],
                        len(companies[list_year, bucket]),
                    )
                )
                parts[list_year].append(keys[-1])
            table.row(str(labels[bucket]), *keys)
        totals = []
        for list_year in (last_year, this_year):
            total = sum(locations[list_year, bucket] for bucket in TIER_GROUPS)
            totals.append(
                ledger.add(
                    ("tier", list_year, "total"), total, len(companies[list_year, 0])
                )
            )
            ledger.relate(totals[-1], parts[list_year])
        table.row(_("All locations"), *totals)
        lists = []
        for list_year in (last_year, this_year):
            n = self.data.lists.get(list_year, 0)
            lists.append(ledger.add(("lists", list_year), n, n))
        table.row(_("Lists submitted"), *lists)
        before = sum(locations[last_year, group] for group in TIER_GROUPS)
        now = sum(locations[this_year, group] for group in TIER_GROUPS)
        growth = Decimal(now - before) * 100 / Decimal(before) if before else None
        growth_key = ledger.add(
            ("growth", this_year),
            growth,
            min(len(companies[last_year, 0]), len(companies[this_year, 0])),
            PERCENT,
        )
        ledger.derive(growth_key, totals)
        table.row(_("Growth of the number of locations"), None, growth_key)
        section.tables.append(table)
        chart = ChartDraft(title=_("Locations per tier"))
        for bucket in TIER_GROUPS:
            chart.bars.append(
                (
                    f"{labels[bucket]} {last_year}",
                    ("tier", last_year, bucket),
                    charts.SAME_COLOUR,
                )
            )
            chart.bars.append(
                (
                    f"{labels[bucket]} {this_year}",
                    ("tier", this_year, bucket),
                    charts.BAR_COLOUR,
                )
            )
        section.charts.append(chart)
        return section

    def location_list(self) -> SectionDraft:
        from ketenkaart import maps
        from ketenkaart.aggregation import WITHHELD
        from ketenkaart.releases import area_name, rules_of_release

        release = self.data.release
        section = SectionDraft(
            key="location_list",
            title=_("The aggregated production-location list"),
            paragraphs=[
                _(
                    "The list holds production locations at country or regional level "
                    "with the type of activity, never traceable to a company (art. 19). "
                    "Its figures passed the ketenkaart's own disclosure control: a row "
                    "needs at least %(k)s companies, smaller ones are counted in the row "
                    "of their region, and figures are given in bands."
                )
                % {"k": (rules_of_release(release).k if release else self.data.k)}
            ],
        )
        if release is None:
            section.paragraphs.append(
                _("No aggregated list of %(year)s has been published yet.")
                % {"year": loading.list_year(self.year)}
            )
            return section
        section.paragraphs.append(
            _("Release %(number)s of the list of %(year)s.")
            % {"number": release.number, "year": release.year}
        )
        ledger = self.ledger
        activities = dict(Activity.choices)
        table = TableDraft(
            key="location_list",
            title=_("Aggregated production-location list %(year)s")
            % {"year": release.year},
            columns=(_("Area and activity"), _("Companies"), _("Locations")),
        )
        for cell in self.data.release_cells:
            activity = str(activities.get(cell.activity, cell.activity))
            table.row(
                f"{area_name(cell, self.language)}, {activity}",
                ledger.add(
                    ("release", cell.pk, "companies"),
                    cell.exact_companies,
                    None,
                    public_text=cell.companies_band,
                ),
                ledger.add(
                    ("release", cell.pk, "locations"),
                    cell.exact_locations,
                    None,
                    public_text=cell.locations_band or WITHHELD,
                ),
            )
        section.tables.append(table)
        title = _("World map of the aggregated production-location list %(year)s") % {
            "year": release.year
        }
        svg = maps.release_map(
            self.data.release_cells,
            self.language,
            rules_of_release(release),
            label=title,
        )
        section.charts.append(
            SvgChart(
                title=title,
                svg=str(svg),
                summary=_(
                    "Countries coloured by the band of companies with locations there; "
                    "the figures are in the table."
                ),
            )
        )
        return section

    # --- Collective needs ----------------------------------------------------------

    def collective_needs(self) -> SectionDraft:
        ledger = self.ledger
        section = SectionDraft(
            key="collective_needs",
            title=_("Collective needs"),
            paragraphs=[
                _(
                    "What monitoring signals for collective projects, learning and "
                    "support (art. 14, 29-30): the modules the judgements made mandatory "
                    "or advised most often, and the reports of risks at suppliers that "
                    "NGOs and trade unions made during the year (art. 23)."
                )
            ],
        )
        current = self.current
        if current is not None:
            mandatory: Counter[str] = Counter()
            advised: Counter[str] = Counter()
            by_company: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
            for row in self.scores_by_round.get(current.pk, []):
                by_company[row["organisation_id"]][row["kind"]] = row
            for kinds in by_company.values():
                current_row = kinds.get(ScoreKind.FINAL) or kinds.get(ScoreKind.FIRST)
                modules = (current_row or {}).get("modules") or {}
                mandatory.update(set(modules.get("mandatory") or ()))
                advised.update(set(modules.get("advised") or ()))
            table = TableDraft(
                key="modules",
                title=_("Modules mandatory or advised"),
                columns=(
                    _("Module"),
                    _("Mandatory"),
                    _("Advised"),
                    _("Mandatory or advised"),
                ),
                sort_by=2,
            )
            pk = current.pk
            for module in current.framework.modules:
                m, a = mandatory[module.code], advised[module.code]
                keys = [
                    ledger.add(("module", pk, module.code, "mandatory"), m, m),
                    ledger.add(("module", pk, module.code, "advised"), a, a),
                ]
                total = ledger.add(("module", pk, module.code, "total"), m + a, m + a)
                ledger.relate(total, keys)
                table.row(
                    f"{module.code} {module.title.in_language(self.language)}",
                    *keys,
                    total,
                )
            if table.rows:
                section.tables.append(table)
        reports = self.data.supplier_reports
        notified: dict[int, set[int]] = defaultdict(set)
        for report_id, company_id in self.data.notified:
            notified[report_id].add(company_id)
        per_activity: Counter[Any] = Counter()
        companies: dict[str, set[int]] = defaultdict(set)
        for report in reports:
            per_activity[report["activity"]] += 1
            companies[report["activity"]] |= notified.get(report["pk"], set())
        table = TableDraft(
            key="supplier_reports",
            title=_("Reports of risks at suppliers, by activity"),
            columns=(_("Activity"), _("Reports"), _("Companies pointed to a report")),
        )
        report_keys = []
        for value, label in Activity.choices:
            if not per_activity[value]:
                continue
            # A report is about a supplier, not about a party: its count is shown;
            # the companies pointed to it are companies.
            report_keys.append(ledger.add(("reports", value), per_activity[value]))
            table.row(
                str(label),
                report_keys[-1],
                ledger.add(
                    ("reports", value, "companies"),
                    len(companies[value]),
                    len(companies[value]),
                ),
            )
        if report_keys:
            total = ledger.add(("reports", "all"), len(reports))
            ledger.relate(total, report_keys)
            every = set().union(*companies.values())
            table.row(
                _("All reports"),
                total,
                ledger.add(("reports", "all", "companies"), len(every), len(every)),
            )
            section.tables.append(table)
        else:
            section.paragraphs.append(_("No supplier was reported during the year."))
        return section

    # --- Evaluation ----------------------------------------------------------------

    def evaluation(self) -> SectionDraft:
        ledger = self.ledger
        section = SectionDraft(
            key="evaluation",
            title=_("Evaluation of the agreement"),
            paragraphs=[
                _(
                    "A short evaluation over the years of the agreement (art. 33): for "
                    "each year, the companies taking part, the plans received, the "
                    "year's monitoring round and the production locations reported."
                )
            ],
        )
        table = TableDraft(
            key="years",
            title=_("The agreement year by year"),
            columns=(
                _("Year"),
                _("Companies taking part"),
                _("Plans received"),
                _("Companies judged"),
                _("Average final score"),
                _("Green"),
                _("Orange"),
                _("Red"),
                _("Locations reported"),
            ),
        )
        plans_per_year = Counter(plan.year_number for plan in self.data.plans)
        locations: Counter[Any] = Counter()
        location_companies: dict[int, set[int]] = defaultdict(set)
        for row in self.data.locations:
            locations[row.year] += row.locations
            location_companies[row.year].add(row.company_id)
        for year in self.data.years:
            if year.number > self.year.number:
                continue
            number = year.number
            companies = self.companies_taking_part(year.ends_on)
            own = [
                r
                for r in self.rounds
                if r.row.year_number == number and r.row.kind != RoundKind.EXTRA
            ]
            round_keys: list = [None] * 5
            if own:
                round_ = own[-1]
                judged = round_.judged
                scored = sum(1 for j in judged if j.score is not None)
                round_keys = [
                    ledger.add(
                        ("judged", round_.pk, "current"), len(judged), len(judged)
                    ),
                    ledger.add(
                        ("average", round_.pk), average_score(judged), scored, DECIMAL
                    ),
                ]
                for value in SIGNALS:
                    n = sum(1 for j in judged if j.signal == value)
                    round_keys.append(
                        ledger.add(("signal_now", round_.pk, value), n, n)
                    )
            calendar = loading.list_year(year)
            n_plans = plans_per_year[number]
            table.row(
                str(year),
                ledger.add(("companies", number), len(companies)),
                ledger.add(("plans", number), n_plans, n_plans),
                *round_keys,
                ledger.add(
                    ("tier", calendar, "total"),
                    locations[calendar],
                    len(location_companies[calendar]),
                ),
            )
        section.tables.append(table)
        return section

    # --- Budget (art. 63, 78-82) ---------------------------------------------------

    def budget(self) -> SectionDraft:
        ledger, agreement = self.ledger, self.data.agreement
        section = SectionDraft(
            key="budget",
            title=_("Budget"),
            paragraphs=[
                _(
                    "The budget is funded %(government)s %% by the government, "
                    "%(sector)s %% by the sector and %(ser)s %% by the SER (art. 78). "
                    "The sector's part comes from the yearly contributions of the "
                    "parties and supporters: companies pay by their size in FTE, "
                    "supporters the amount the Kerngroep set (art. 80-82). The table "
                    "sets what was invoiced and paid against what is due; what is "
                    "still outstanding is the deviation from the budget."
                )
                % {
                    "government": _number(agreement.government_share),
                    "sector": _number(agreement.sector_share),
                    "ser": _number(agreement.ser_share),
                }
            ],
        )
        groups: dict[str, list[loading.ContributionRow]] = defaultdict(list)
        order: list[tuple[str, str, bool]] = []
        for band in self.data.fte_bands:
            order.append(
                (f"band-{band.pk}", _("Companies, %(band)s") % {"band": band}, True)
            )
        order += [
            ("company-unknown", _("Companies, size unknown"), True),
            ("supporter", _("Supporters"), False),
            ("other", _("Other parties"), False),
        ]
        for row in self.data.contributions:
            if row.participation == Participation.SUPPORTER:
                groups["supporter"].append(row)
            elif row.kind == OrganisationKind.COMPANY:
                band = next(
                    (
                        b
                        for b in self.data.fte_bands
                        if row.fte is not None and b.covers(row.fte)
                    ),
                    None,
                )
                groups[f"band-{band.pk}" if band else "company-unknown"].append(row)
            else:
                groups["other"].append(row)
        table = TableDraft(
            key="budget",
            title=_("Contributions of the year"),
            columns=(
                _("Contributors"),
                _("Contributions"),
                _("Due (EUR)"),
                _("Invoiced (EUR)"),
                _("Paid (EUR)"),
                _("Outstanding (EUR)"),
            ),
        )
        columns: dict[str, list] = defaultdict(list)
        for key, label, companies in order:
            rows = groups.get(key, [])
            if not rows:
                continue
            n = len(rows)
            # A company's contribution tells its size: a group of companies rests on
            # its companies; other contributors' amounts are public.
            rests_on = n if companies else None
            due = sum((r.amount for r in rows), Decimal("0"))
            invoiced = sum(
                (
                    r.amount
                    for r in rows
                    if r.status
                    in (ContributionStatus.INVOICED, ContributionStatus.PAID)
                ),
                Decimal("0"),
            )
            paid = sum(
                (r.amount for r in rows if r.status == ContributionStatus.PAID),
                Decimal("0"),
            )
            keys = {
                "count": ledger.add(("budget", key, "count"), n, rests_on),
                "due": ledger.add(("budget", key, "due"), due, rests_on, EURO),
                "invoiced": ledger.add(
                    ("budget", key, "invoiced"), invoiced, rests_on, EURO
                ),
                "paid": ledger.add(("budget", key, "paid"), paid, rests_on, EURO),
                "outstanding": ledger.add(
                    ("budget", key, "outstanding"), due - paid, rests_on, EURO
                ),
            }
            ledger.relate(keys["due"], [keys["paid"], keys["outstanding"]])
            for name, figure in keys.items():
                columns[name].append(figure)
            table.row(str(label), *keys.values())
        if not table.rows:
            section.paragraphs.append(_("No contributions were set for this year."))
            return section
        contributions = self.data.contributions
        totals: dict[str, int | Decimal] = {
            "count": len(contributions),
            "due": sum((r.amount for r in contributions), Decimal("0")),
            "invoiced": sum(
                (
                    r.amount
                    for r in contributions
                    if r.status
                    in (ContributionStatus.INVOICED, ContributionStatus.PAID)
                ),
                Decimal("0"),
            ),
            "paid": sum(
                (
                    r.amount
                    for r in contributions
                    if r.status == ContributionStatus.PAID
                ),
                Decimal("0"),
            ),
        }
        totals["outstanding"] = Decimal(totals["due"]) - Decimal(totals["paid"])
        total_keys = {}
        for name, value in totals.items():
            total_keys[name] = ledger.add(
                ("budget", "all", name),
                value,
                None,
                EURO if name != "count" else "integer",
            )
            ledger.relate(total_keys[name], columns[name])
        ledger.relate(
            total_keys["due"], [total_keys["paid"], total_keys["outstanding"]]
        )
        table.row(_("Total"), *total_keys.values())
        section.tables.append(table)
        return section

    def declare_subsets(self) -> None:
        """Every count of companies that is part of another count: the rest between
        them is a figure a reader can work out (`Ledger.subset`)."""
        ledger = self.ledger
        for key in list(ledger.entries):
            for whole in _wholes(key):
                if whole in ledger.entries:
                    ledger.subset(key, whole)

    def notes(self) -> tuple[str, ...]:
        if self.version == INTERNAL:
            return (
                _("Internal version with exact figures: for the secretariat only."),
            )
        return (withheld_note(self.data.k),)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _wholes(key: object) -> list[tuple[object, ...]]:
    """The counts that the count under `key` is a part of."""
    match key:
        case ("submitted", pk) | ("judged", pk, "current"):
            return [("invited", pk)]
        case ("judged", pk, ScoreKind.FINAL):
            return [("judged", pk, ScoreKind.FIRST)]
        case ("levels", pk, "total") | ("step", pk, _, "judged"):
            return [("judged", pk, "current")]
        case ("talks", pk, "management"):
            return [("talks", pk, "held")]
        case ("change", before, now, "both"):
            return [("judged", before, "current"), ("judged", now, "current")]
        case ("plans", number):
            return [("companies", number)]
        case ("plans", number, _) | ("plan_theme", number, _):
            return [("plans", number)]
        case ("plan_theme_actions", number, theme):
            return [("plan_theme", number, theme)]
        case ("risk_in_plan", number, theme):
            return [("risk_prioritised", number, theme), ("plan_theme", number, theme)]
        case ("risk_prioritised", number, theme):
            return [("risk_named", number, theme)]
    return []
