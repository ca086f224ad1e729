"""Permission-matrix rows of the conduct pages (see tests/matrix.py): notice of
withdrawal, removal and its public notice, complaints, and the parties' news page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from governance.models import (
    Complaint,
    Decision,
    NewsItem,
    Removal,
    RemovalReminder,
    WithdrawalNotice,
)
from tests.governance.factories import OrganisationFactory
from tests.matrix import (
    COMPANY,
    NGO_UNION,
    Redirect,
    Row,
    World,
    only,
    secretariat_only,
    signed_in,
)

# Who sees every notice, removal and complaint in full.
OVERSEERS = frozenset({"secretariat", "kerngroep", "chair"})
# Admins of an active party organisation (make_person): they give their own notice.
PARTY_ADMINS = frozenset({"company_admin", "ngo", "union", "branch"})
# People of an active party organisation: they file complaints.
PARTY_PEOPLE = COMPANY | NGO_UNION | {"branch", "kerngroep"}

TO_WITHDRAWAL = Redirect("governance:withdrawal_detail", "same")
TO_REMOVAL = Redirect("governance:removal_detail", "same")
TO_COMPLAINT = Redirect("governance:complaint_detail", "same")

ROWS: tuple[Row, ...] = (
    # --- withdrawal ---
    Row("governance:withdrawal_list", "GET", only(OVERSEERS, 200, 403)),
    Row(
        "governance:withdrawal_create",
        "GET",
        only(PARTY_ADMINS, 200, 403),
        target="own_org",
    ),
    Row(
        "governance:withdrawal_create",
        "GET",
        only({"secretariat"}, 200, 404),
        target="other_org",
    ),
    Row(
        "governance:withdrawal_create",
        "POST",
        only(
            PARTY_ADMINS,
            Redirect("governance:withdrawal_detail", "created"),
            403,
        ),
        target="own_org",
        data="withdrawal",
    ),
    Row(
        "governance:withdrawal_create",
        "POST",
        only({"secretariat"}, Redirect("governance:withdrawal_detail", "created"), 404),
        target="other_org",
        data="withdrawal",
    ),
    Row(
        "governance:withdrawal_detail",
        "GET",
        only(OVERSEERS | COMPANY, 200, 404),
        target="own_notice",
    ),
    Row(
        "governance:withdrawal_detail",
        "GET",
        only(OVERSEERS, 200, 404),
        target="open_notice",
    ),
    Row(
        "governance:withdrawal_take_back",
        "POST",
        {
            **only(OVERSEERS, 403, 404),
            "secretariat": TO_WITHDRAWAL,
        },
        target="open_notice",
    ),
    # --- removal ---
    Row("governance:removal_list", "GET", only(OVERSEERS, 200, 403)),
    Row("governance:removal_create", "GET", secretariat_only()),
    Row(
        "governance:removal_create",
        "POST",
        secretariat_only(Redirect("governance:removal_detail", "created")),
        data="removal_open",
    ),
    Row(
        "governance:removal_detail",
        "GET",
        only(OVERSEERS, 200, 404),
        target="removal",
    ),
    Row(
        "governance:removal_detail",
        "GET",
        only(OVERSEERS, 200, 404),
        target="decided_removal",
    ),
    Row(
        "governance:removal_reminder",
        "POST",
        secretariat_only(TO_REMOVAL),
        target="removal",
        data="reminder",
    ),
    Row(
        "governance:removal_submit",
        "POST",
        secretariat_only(TO_REMOVAL),
        target="removal",
        data="proposal",
    ),
    Row(
        "governance:removal_notice",
        "POST",
        secretariat_only(TO_REMOVAL),
        target="decided_removal",
        data="notice_text",
    ),
    Row(
        "governance:removal_notice_agree",
        "POST",
        secretariat_only(TO_REMOVAL),
        target="decided_removal",
        data="notice_agreed",
    ),
    Row(
        "governance:removal_publish",
        "POST",
        secretariat_only(TO_REMOVAL),
        target="decided_removal",
    ),
    # --- complaints ---
    Row(
        "governance:complaint_list",
        "GET",
        only(PARTY_PEOPLE | OVERSEERS, 200, 403),
    ),
    Row("governance:complaint_create", "GET", only(PARTY_PEOPLE, 200, 403)),
    Row(
        "governance:complaint_create",
        "POST",
        only(PARTY_PEOPLE, Redirect("governance:complaint_detail", "created"), 403),
        data="complaint",
    ),
    Row(
        "governance:complaint_detail",
        "GET",
        only(OVERSEERS, 200, 404),
        target="complaint",
    ),
    Row(
        "governance:complaint_detail",
        "GET",
        only(OVERSEERS | COMPANY, 200, 404),
        target="complaint_about_own",
    ),
    Row(
        "governance:complaint_detail",
        "GET",
        only(OVERSEERS | NGO_UNION, 200, 404),
        target="own_complaint",
    ),
    Row(
        "governance:complaint_judge",
        "POST",
        secretariat_only(TO_COMPLAINT),
        target="complaint",
        data="inadmissible",
    ),
    Row(
        "governance:complaint_schedule",
        "POST",
        secretariat_only(TO_COMPLAINT),
        target="admissible_complaint",
        data="complaint_dates",
    ),
    Row(
        "governance:complaint_submit",
        "POST",
        secretariat_only(TO_COMPLAINT),
        target="admissible_complaint",
        data="proposal",
    ),
    # --- news ---
    Row("governance:news_list", "GET", signed_in()),
    Row("governance:news_create", "GET", secretariat_only()),
    Row(
        "governance:news_create",
        "POST",
        secretariat_only(Redirect("governance:news_list")),
        data="news",
    ),
)


def _today() -> str:
    return timezone.localdate().isoformat()


DATA: dict[str, Callable[[World], dict]] = {
    "withdrawal": lambda world: {
        "notice_on": _today(),
        "reasons": "Wij stoppen met de productie van metaalproducten.",
        "confirm": "1",
    },
    "removal_open": lambda world: {
        "organisation": world.other_org.pk,
        "ruling": "Besluit van 12 maart 2026: plan van aanpak indienen.",
    },
    "reminder": lambda world: {
        "sent_on": _today(),
        "text": "Wij herinneren u aan het besluit van de Kerngroep.",
    },
    "proposal": lambda world: {"proposal": "De Kerngroep besluit hierover."},
    "notice_text": lambda world: {
        "notice_text": "De Kerngroep heeft besloten de partij te verwijderen."
    },
    "notice_agreed": lambda world: {
        "agreed_with": "J. de Vries, directeur",
        "agreed_on": _today(),
    },
    "complaint": lambda world: {
        "respondent": world.context["other_company"].pk,
        "about_lack_of_progress": "on",
        "description": "Geen plan van aanpak ingediend.",
        "already_tried": "Gesprek met het bedrijf.",
    },
    "inadmissible": lambda world: {
        "admissible": "no",
        "reasons": "De klacht gaat niet over due diligence.",
    },
    "complaint_dates": lambda world: {
        "hearing_on": "2027-01-10",
        "decision_on": "2027-02-01",
        "follow_up_on": "2027-08-01",
        "decision_text": "Het bedrijf legt een plan voor.",
    },
    "news": lambda world: {
        "title": "Nieuwe partij toegetreden",
        "body": "Een nieuwe partij is toegetreden tot het convenant.",
    },
}
WATCHED: tuple = (
    WithdrawalNotice,
    Removal,
    RemovalReminder,
    Complaint,
    NewsItem,
    Decision,
)
CREATED: dict = {
    "governance:withdrawal_detail": WithdrawalNotice,
    "governance:removal_detail": Removal,
    "governance:complaint_detail": Complaint,
}


def build(world: World) -> None:
    """A notice taken back by the own company and an open one of a party that is
    leaving; a removal case with a reminder and one decided with an agreed notice;
    complaints by another NGO about another company and about the own company, one by
    the own NGO, and an admissible one with its panel."""
    context = world.context
    secretariat = context["secretariat_person"]
    own_company = context["own_company"]
    other_company = context["other_company"]
    own_ngo = context["own_ngo"]
    other_ngo = context["other_ngo"]
    own_notice = WithdrawalNotice.objects.create(
        organisation=own_company,
        notice_on=dt.date(2026, 10, 20),
        reasons="Bedrijfsovername.",
        effective_on=dt.date(2028, 1, 1),
        status="taken_back",
        taken_back_at=timezone.now(),
        given_by=secretariat,
    )
    leaving = OrganisationFactory(name="Opzeggend Metaal B.V.", status="withdrawing")
    open_notice = WithdrawalNotice.objects.create(
        organisation=leaving,
        notice_on=dt.date(2026, 10, 20),
        reasons="Wij stoppen met metaal.",
        effective_on=dt.date(2028, 1, 1),
        given_by=secretariat,
    )
    removal = Removal.objects.create(
        organisation=OrganisationFactory(name="Te Verwijderen B.V."),
        ruling="Besluit van 12 maart 2026.",
        created_by=secretariat,
    )
    RemovalReminder.objects.create(
        removal=removal,
        sent_on=dt.date(2026, 11, 1),
        text="Herinnering.",
        created_by=secretariat,
    )
    decided_removal = Removal.objects.create(
        organisation=OrganisationFactory(name="Besloten Verwijdering B.V."),
        ruling="Besluit van 12 maart 2026.",
        status="decided",
        decided_on=dt.date(2026, 11, 20),
        effective_on=dt.date(2027, 2, 20),
        obligations_end=dt.date(2027, 10, 15),
        notice_text="De Kerngroep heeft besloten.",
        notice_agreed_with="J. de Vries",
        notice_agreed_on=dt.date(2026, 11, 21),
        created_by=secretariat,
    )
    panel_holder = OrganisationFactory(name="Panel NGO", ngo=True)

    def complaint(complainant, respondent, **fields):
        return Complaint.objects.create(
            complainant=complainant,
            respondent=respondent,
            filed_by=secretariat,
            about_lack_of_progress=True,
            description="Geen voortgang.",
            already_tried="Gesprekken.",
            **fields,
        )

    world.targets.update(
        {
            "own_notice": {"pk": own_notice.pk},
            "open_notice": {"pk": open_notice.pk},
            "removal": {"pk": removal.pk},
            "decided_removal": {"pk": decided_removal.pk},
            "complaint": {"pk": complaint(other_ngo, other_company).pk},
            "complaint_about_own": {"pk": complaint(other_ngo, own_company).pk},
            "own_complaint": {"pk": complaint(own_ngo, other_company).pk},
            "admissible_complaint": {
                "pk": complaint(
                    other_ngo,
                    other_company,
                    status="admissible",
                    panel=dict.fromkeys(
                        ("unions", "ngos", "branch", "companies"), panel_holder.pk
                    ),
                ).pk
            },
        }
    )
