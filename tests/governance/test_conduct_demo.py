"""The conduct demo data: what it shows, and that a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.demo import conduct as demo
from governance.models import (
    Complaint,
    Decision,
    NewsItem,
    Removal,
    RemovalReminder,
    WithdrawalNotice,
)
from tests.conftest import make_person
from tests.governance.factories import (
    OrganisationFactory,
    UserFactory,
    kerngroep_with_all_seats,
)

pytestmark = pytest.mark.django_db


def _counts() -> list[int]:
    return [
        model.objects.count()
        for model in (
            WithdrawalNotice,
            Removal,
            RemovalReminder,
            Complaint,
            Decision,
            NewsItem,
        )
    ]


def test_the_demo_runs_twice_and_shows_a_replacement_on_the_panel():
    secretariat = make_person("secretariat")
    OrganisationFactory(name=demo.WITHDRAWING, status="withdrawing")
    OrganisationFactory(name=demo.REMOVED)
    union = OrganisationFactory(name=demo.COMPLAINANT, union=True)
    UserFactory(email=demo.COMPLAINANT_PERSON, organisation=union)
    seat_company = OrganisationFactory(name=demo.RESPONDENT)
    kerngroep_with_all_seats(companies=seat_company)
    replacement = OrganisationFactory(name="Brabant Non-Ferro Recycling B.V.")

    demo.seed(secretariat=secretariat)
    first = _counts()
    demo.seed(secretariat=secretariat)
    assert _counts() == first

    notice = WithdrawalNotice.objects.get()
    assert notice.effective_on == dt.date(2028, 1, 1)
    removal = Removal.objects.get()
    assert removal.status == "decided"
    assert removal.effective_on == dt.date(2027, 1, 8)
    assert removal.news_item is not None
    complaint = Complaint.objects.get()
    assert complaint.panel["companies"] == replacement.pk
    assert NewsItem.objects.count() == 3
