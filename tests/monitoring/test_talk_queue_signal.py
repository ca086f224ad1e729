"""The talk queue filters on the latest signal with EXISTS (`latest_signal_in`), which
PostgreSQL plans well; it must keep exactly the assessments whose annotated
`latest_signal` (the final judgement's signal, else the first's) is orange or red."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import Assessment, ScoreKind, Signal
from monitoring.selectors import followup as selectors
from tests.monitoring.factories import AssessmentFactory, ScoreRecordFactory

pytestmark = pytest.mark.django_db

# first signal, final signal ("-": no final record; None: a final without a signal)
CASES = [
    (Signal.RED, "-"),
    (Signal.ORANGE, "-"),
    (Signal.GREEN, "-"),
    (None, "-"),
    (Signal.RED, Signal.GREEN),
    (Signal.GREEN, Signal.ORANGE),
    (Signal.ORANGE, Signal.RED),
    (Signal.GREEN, Signal.GREEN),
    (Signal.RED, None),
    (Signal.GREEN, None),
    (None, None),
]


def assessment_judged(first, final) -> Assessment:
    assessment = AssessmentFactory()
    ScoreRecordFactory(assessment=assessment, kind=ScoreKind.FIRST, signal=first)
    if final != "-":
        ScoreRecordFactory(assessment=assessment, kind=ScoreKind.FINAL, signal=final)
    return assessment


def test_the_exists_filter_keeps_what_the_coalesced_signal_keeps():
    made = {
        assessment_judged(first, final).pk: (first, final) for first, final in CASES
    }
    unjudged = AssessmentFactory()

    annotated = {
        a.pk: a.latest_signal
        for a in selectors.with_latest_signal(Assessment.objects.all())
    }
    expected = {
        pk for pk, signal in annotated.items() if signal in selectors.TALK_SIGNALS
    }
    kept = set(
        Assessment.objects.filter(
            selectors.latest_signal_in(selectors.TALK_SIGNALS)
        ).values_list("pk", flat=True)
    )

    assert kept == expected
    assert unjudged.pk not in kept
    assert {made[pk] for pk in kept} == {
        (Signal.RED, "-"),
        (Signal.ORANGE, "-"),
        (Signal.GREEN, Signal.ORANGE),
        (Signal.ORANGE, Signal.RED),
        (Signal.RED, None),
    }


def test_the_queue_reads_its_rows_in_one_query_without_loading_more_per_row():
    for first, final in CASES:
        assessment_judged(first, final)

    queue = selectors.talk_queue()
    with CaptureQueriesContext(connection) as captured:
        shown = [
            (a.organisation.name, a.round.name, a.latest_signal, a.submitted_at)
            for a in queue.waiting
        ]

    assert len(shown) == 5
    assert len(captured) == 0
