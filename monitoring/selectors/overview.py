"""The secretariat's overview of a round and each company's score ledger.

The overview counts the signals of the first and the final judgement, the maturity levels
per step and overall, the scores, and the progress since the baseline of the companies
judged in both. The reads fetch plain rows in a fixed number of queries; the summaries
below them are plain functions over `Judged` values, tested without a database.

A company's *judgement in a round* is its final judgement when it has one, otherwise its
first (a company in its improvement window has only the first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from governance.models import Organisation, OrganisationKind

from .. import charts
from ..framework import Framework as ParsedFramework
from ..models import Framework, Round, RoundKind, ScoreKind, ScoreRecord, Signal
from ..scoring import display_score

SIGNALS = (Signal.GREEN, Signal.ORANGE, Signal.RED)
NO_SIGNAL = "none"
# Red, orange, green: a move to a higher rank is a move up.
SIGNAL_RANK: dict[str | None, int] = {"red": 0, "orange": 1, "green": 2}


# --- The pure part ---------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """One company's judgements in one round."""

    organisation_id: int
    first_signal: str | None = None
    final_signal: str | None = None
    has_first: bool = False
    has_final: bool = False
    # Of the company's judgement in the round (the final one, else the first):
    score: Fraction | None = None
    level: int | None = None
    signal: str | None = None
    step_levels: Mapping[str, int] = field(default_factory=dict)


def _exact(exact_score: str, final_score: Decimal | None) -> Fraction | None:
    if exact_score:
        return Fraction(exact_score)
    return None if final_score is None else Fraction(final_score)


def judged_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Judged]:
    """Group score-ledger rows (organisation, kind, exact_score, final_score, level,
    signal and, optionally, steps) into one `Judged` per company, by organisation id."""
    by_company: dict[int, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        by_company.setdefault(row["organisation_id"], {})[row["kind"]] = row
    judged = []
    for organisation_id, kinds in sorted(by_company.items()):
        first, final = kinds.get(ScoreKind.FIRST), kinds.get(ScoreKind.FINAL)
        current = final or first
        if current is None:
            continue
        steps = current.get("steps") or {}
        judged.append(
            Judged(
                organisation_id=organisation_id,
                first_signal=first["signal"] if first else None,
                final_signal=final["signal"] if final else None,
                has_first=first is not None,
                has_final=final is not None,
                score=_exact(current["exact_score"], current["final_score"]),
                level=current["level"],
                signal=current["signal"],
                step_levels={
                    code: step["level"]
                    for code, step in steps.items()
                    if step.get("level") is not None
                },
            )
        )
    return judged


def signal_counts(judged: Sequence[Judged], kind: str) -> dict[str, int]:
    """Companies per signal of their `kind` judgement (first or final); a judgement
    without a signal (no step applied) counts under "none"."""
    counts = dict.fromkeys([*SIGNALS, NO_SIGNAL], 0)
    for company in judged:
        if kind == ScoreKind.FIRST and company.has_first:
            counts[company.first_signal or NO_SIGNAL] += 1
        elif kind == ScoreKind.FINAL and company.has_final:
            counts[company.final_signal or NO_SIGNAL] += 1
    return counts


def level_counts(judged: Sequence[Judged], levels: Sequence[int]) -> dict[int, int]:
    """Companies per overall maturity level of their judgement in the round."""
    found = Counter(company.level for company in judged if company.level is not None)
    return {level: found[level] for level in levels}


def step_level_counts(
    judged: Sequence[Judged], steps: Sequence[str], levels: Sequence[int]
) -> dict[str, dict[int, int]]:
    """Per step, companies per maturity level; a company for which a step did not apply
    is not counted for it."""
    result = {}
    for step in steps:
        found = Counter(
            company.step_levels[step]
            for company in judged
            if step in company.step_levels
        )
        result[step] = {level: found[level] for level in levels}
    return result


def average_score(judged: Sequence[Judged]) -> Decimal | None:
    """The mean score of the companies with one, rounded half up to one decimal."""
    scores = [company.score for company in judged if company.score is not None]
    if not scores:
        return None
    return display_score(sum(scores, Fraction(0)) / len(scores))


@dataclass(frozen=True)
class Progress:
    """The companies judged (with a score) in both the baseline and this round."""

    companies: int
    average_change: Decimal | None
    up: int
    same: int
    down: int


def progress_since(baseline: Sequence[Judged], current: Sequence[Judged]) -> Progress:
    """The mean change of score, and how many moved up, kept or moved down a signal,
    over the companies judged with a score in both rounds."""
    before = {
        company.organisation_id: company
        for company in baseline
        if company.score is not None
    }
    pairs = [
        (before[company.organisation_id], company)
        for company in current
        if company.score is not None and company.organisation_id in before
    ]
    if not pairs:
        return Progress(companies=0, average_change=None, up=0, same=0, down=0)
    changes = [now.score - then.score for then, now in pairs]  # type: ignore[operator]
    moves = Counter(_move(then.signal, now.signal) for then, now in pairs)
    return Progress(
        companies=len(pairs),
        average_change=display_score(sum(changes, Fraction(0)) / len(pairs)),
        up=moves["up"],
        same=moves["same"],
        down=moves["down"],
    )


def _move(then: str | None, now: str | None) -> str:
    rank_then, rank_now = SIGNAL_RANK.get(then, -1), SIGNAL_RANK.get(now, -1)
    if rank_now > rank_then:
        return "up"
    if rank_now < rank_then:
        return "down"
    return "same"


# --- Reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewFilters:
    """Which companies count: by CSRD category, being a recycler, and size in FTE
    (from and to, inclusive; either may be open). The organisation's current register
    data decide."""

    csrd_category: str = ""
    recycler: bool | None = None
    fte_min: int | None = None
    fte_max: int | None = None

    def organisation_filter(self, prefix: str) -> dict[str, Any]:
        lookups: dict[str, Any] = {}
        if self.csrd_category:
            lookups[f"{prefix}csrd_category"] = self.csrd_category
        if self.recycler is not None:
            lookups[f"{prefix}is_recycler"] = self.recycler
        if self.fte_min is not None:
            lookups[f"{prefix}fte__gte"] = self.fte_min
        if self.fte_max is not None:
            lookups[f"{prefix}fte__lte"] = self.fte_max
        return lookups


def overview_rounds(*, kind: str = "") -> list[Round]:
    """The rounds to choose from, latest first, of one kind when given (one query)."""
    rounds = (
        Round.objects.select_related("agreement_year")
        .defer("thresholds")
        .order_by("-opens_on", "-id")
    )
    if kind:
        rounds = rounds.filter(kind=kind)
    return list(rounds)


def overview_round_pick(rounds: Sequence[Round], round_id: int | None) -> Round | None:
    """The round asked for when it is among `rounds`, else the latest."""
    for candidate in rounds:
        if candidate.pk == round_id:
            return candidate
    return rounds[0] if rounds else None


def _judged(round_: Round, filters: OverviewFilters, *, steps: bool) -> list[Judged]:
    fields = ["kind", "exact_score", "final_score", "level", "signal"]
    if steps:
        fields.append("result__steps")
    rows = (
        ScoreRecord.objects.filter(
            assessment__round=round_,
            **filters.organisation_filter("assessment__organisation__"),
        )
        .order_by()
        .values(*fields, organisation_id=F("assessment__organisation_id"))
    )
    return judged_from_rows({**row, "steps": row.get("result__steps")} for row in rows)


def baseline_round_for(round_: Round) -> Round | None:
    """The baseline of the same agreement that this round measures progress from."""
    if round_.kind == RoundKind.BASELINE:
        return None
    return (
        Round.objects.filter(
            kind=RoundKind.BASELINE,
            agreement_year__agreement_id=round_.agreement_year.agreement_id,
            opens_on__lte=round_.opens_on,
        )
        .exclude(pk=round_.pk)
        .order_by("-opens_on", "-id")
        .first()
    )


@dataclass(frozen=True)
class LevelTally:
    level: int
    name: str
    count: int


@dataclass(frozen=True)
class StepLevels:
    code: str
    title: str
    judged: int
    levels: list[LevelTally]


@dataclass(frozen=True)
class SignalRow:
    value: str
    label: str
    first: int
    final: int


@dataclass(frozen=True)
class Overview:
    round: Round
    invited: int
    judged: int
    signals: list[SignalRow]
    levels: list[LevelTally]
    steps: list[StepLevels]
    average_score: Decimal | None
    baseline: Round | None
    progress: Progress | None
    charts: dict[str, Any]


def monitoring_overview(
    *, round: Round, filters: OverviewFilters | None = None, language: str = "en"
) -> Overview:
    """Five queries at most, whatever the number of companies: the framework, the
    invited companies, the judgements, the baseline round and its judgements."""
    filters = filters or OverviewFilters()
    framework: ParsedFramework = (
        Framework.objects.only("data").get(pk=round.framework_id).parsed
    )
    invited = round.assessments.filter(
        **filters.organisation_filter("organisation__")
    ).count()
    judged = _judged(round, filters, steps=True)
    level_numbers = [level.level for level in framework.levels]
    level_names = {
        level.level: level.name.in_language(language) for level in framework.levels
    }
    first, final = (
        signal_counts(judged, ScoreKind.FIRST),
        signal_counts(judged, ScoreKind.FINAL),
    )
    labels = {**dict(Signal.choices), NO_SIGNAL: _("No signal")}
    signals = [
        SignalRow(value, str(labels[value]), first[value], final[value])
        for value in [*SIGNALS, NO_SIGNAL]
        if value != NO_SIGNAL or first[value] or final[value]
    ]
    overall = level_counts(judged, level_numbers)
    levels = [
        LevelTally(number, level_names[number], overall[number])
        for number in level_numbers
    ]
    per_step = step_level_counts(
        judged, [step.code for step in framework.steps], level_numbers
    )
    steps = [
        StepLevels(
            code=step.code,
            title=step.title.in_language(language),
            judged=sum(per_step[step.code].values()),
            levels=[
                LevelTally(number, level_names[number], per_step[step.code][number])
                for number in level_numbers
            ],
        )
        for step in framework.steps
    ]
    baseline = baseline_round_for(round)
    progress = (
        progress_since(_judged(baseline, filters, steps=False), judged)
        if baseline is not None
        else None
    )
    return Overview(
        round=round,
        invited=invited,
        judged=len(judged),
        signals=signals,
        levels=levels,
        steps=steps,
        average_score=average_score(judged),
        baseline=baseline,
        progress=progress,
        charts=_charts(signals, levels, steps, progress),
    )


def _charts(
    signals: Sequence[SignalRow],
    levels: Sequence[LevelTally],
    steps: Sequence[StepLevels],
    progress: Progress | None,
) -> dict[str, Any]:
    def colour(value: str) -> str:
        return charts.SIGNAL_COLOURS.get(value, charts.NO_SIGNAL_COLOUR)

    def level_items(tallies: Sequence[LevelTally]) -> list[charts.BarItem]:
        return [
            charts.BarItem(
                _("Level %(level)s") % {"level": tally.level},
                tally.count,
                charts.LEVEL_COLOURS[index % len(charts.LEVEL_COLOURS)],
            )
            for index, tally in enumerate(tallies)
        ]

    result: dict[str, Any] = {
        "signals": charts.stacked_chart(
            [
                (
                    _("First judgement"),
                    [
                        charts.BarItem(s.label, s.first, colour(s.value))
                        for s in signals
                    ],
                ),
                (
                    _("Final judgement"),
                    [
                        charts.BarItem(s.label, s.final, colour(s.value))
                        for s in signals
                    ],
                ),
            ]
        ),
        "levels": charts.bar_chart(
            [
                charts.BarItem(
                    f"{tally.level} {tally.name}", tally.count, charts.BAR_COLOUR
                )
                for tally in levels
            ]
        ),
        "steps": charts.stacked_chart(
            [(f"{step.code} {step.title}", level_items(step.levels)) for step in steps]
        ),
    }
    if progress is not None:
        result["progress"] = charts.bar_chart(
            [
                charts.BarItem(_("Moved up a signal"), progress.up, charts.UP_COLOUR),
                charts.BarItem(
                    _("Kept their signal"), progress.same, charts.SAME_COLOUR
                ),
                charts.BarItem(
                    _("Moved down a signal"), progress.down, charts.DOWN_COLOUR
                ),
            ]
        )
    return result


# --- The score ledger ------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One judgement, with the change of score since the company's judgement in the
    round before (None in its first round, or when a score is missing)."""

    record: ScoreRecord
    round: Round
    change: Decimal | None


def ledger_companies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COMPANY)


def score_ledger(*, organisation: Organisation) -> list[LedgerRow]:
    """Every judgement of the company across rounds, oldest round first, the first
    judgement before the final one (one query)."""
    records = (
        ScoreRecord.objects.filter(assessment__organisation=organisation)
        .select_related("assessment__round", "framework")
        .defer("result", "framework__data", "framework__source")
        .order_by("assessment__round__opens_on", "assessment__round_id", "computed_at")
    )
    by_round: dict[int, list[ScoreRecord]] = {}
    for record in records:
        by_round.setdefault(record.assessment.round_id, []).append(record)
    rows: list[LedgerRow] = []
    previous: Fraction | None = None
    for group in by_round.values():
        group.sort(key=lambda r: 0 if r.kind == ScoreKind.FIRST else 1)
        for record in group:
            score = _exact(record.exact_score, record.final_score)
            change = (
                display_score(score - previous)
                if score is not None and previous is not None
                else None
            )
            rows.append(
                LedgerRow(record=record, round=record.assessment.round, change=change)
            )
        latest = group[-1]
        previous = _exact(latest.exact_score, latest.final_score)
    return rows
