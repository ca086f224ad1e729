"""The self-assessment in the browser: a company fills in a small framework, adds a
document, submits and is judged orange; in its improvement window it improves the one
insufficient part and resubmits to green. The secretariat plans the improvement talk
with a company judged orange.

The framework (tests/e2e/data/small-framework.yaml) has two steps. With the profile the
company gives (no recycler), question 2.3 is left out. Answering 1.1 "Adopted" with a
document, 2.1 "Not yet" with an explanation and 2.2 "Yes" scores step 1 at 100 and step
2 at 50: a final score of 75.0, enough for green, but the critical question 2.1 below
its minimum makes the signal orange. Answering 2.1 "Yes, for the whole chain" gives 100
and green.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from governance.models import Organisation
from monitoring.calendar import add_calendar_months
from monitoring.models import (
    Assessment,
    AssessmentStatus,
    ImprovementTalk,
    RoundKind,
    RoundStatus,
    ScoreKind,
    Signal,
    TalkStatus,
)
from monitoring.services import assessments as assessment_services
from monitoring.services import judgements
from monitoring.services.frameworks import framework_load
from monitoring.services.rounds import round_change_status, round_create, round_invite
from tests.e2e.test_sign_in import path_is, sign_in
from tests.monitoring.company_factories import pdf_bytes, upload, use_private_storage
from tests.monitoring.factories import agreement_year

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SMALL_FRAMEWORK = Path(__file__).parent / "data" / "small-framework.yaml"
COMPANY = "Hollandse Draadtrekkerij B.V."
COMPANY_ADMIN = "bedrijf@convenant.test"
COMPANY_PEOPLE = ["bedrijf@convenant.test", "collega@convenant.test"]
SECRETARIAT = "secretariaat@convenant.test"
ROUND_NAME = "Nulmeting 2026"
EVIDENCE_NAME = "rbc-policy-2026.pdf"
# The profile the company gives in the first test.
PROFILE = {
    "recycler": False,
    "cahra_sourcing": False,
    "sources_3tg": False,
    "csrd_category": "csrd",
    "fte": 180,
}

Q_POLICY = "1.1 Has your company adopted an RBC policy?"
Q_RESPONSIBLE = "1.2 Who is responsible for RBC?"
Q_RISKS = "2.1 Has your company mapped the risks in its supply chain?"
Q_GRIEVANCE = "2.2 Does your company have a grievance mechanism?"
Q_CUSTOMERS = "2.3 Do you map your customers' locations?"
RISK_ADVICE = "Start with a risk analysis of your main raw materials."


def long_date(day: dt.date) -> str:
    """A date as the pages write it in English ("j F Y")."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def user(email: str):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def evidence_storage(monkeypatch, tmp_path):
    return use_private_storage(monkeypatch, tmp_path / "private")


@pytest.fixture
def assessment(demo_data, evidence_storage) -> Assessment:
    """The demo company invited to an open round of the small framework, as the
    secretariat sets it up."""
    secretariat = user(SECRETARIAT)
    framework, created = framework_load(
        text=SMALL_FRAMEWORK.read_text(encoding="utf-8"), actor=secretariat
    )
    assert created
    today = timezone.localdate()
    round_ = round_create(
        agreement_year=agreement_year(1),
        kind=RoundKind.BASELINE,
        name=ROUND_NAME,
        framework=framework,
        opens_on=today - dt.timedelta(days=7),
        closes_on=today + dt.timedelta(days=60),
        actor=secretariat,
    )
    round_change_status(round=round_, status=RoundStatus.OPEN, actor=secretariat)
    [invited] = round_invite(
        round=round_,
        organisations=[Organisation.objects.get(name=COMPANY)],
        actor=secretariat,
    )
    return invited


def question(page: Page, name: str) -> Locator:
    """A question of the questionnaire: a region named by its code and text."""
    return page.get_by_role("region", name=name, exact=True)


def profile_field(page: Page, label: str) -> Locator:
    return page.locator(".utrecht-form-field").filter(has_text=label)


def expect_autosaved(block: Locator) -> None:
    """The server answered the answer's autosave: its status says when it was saved."""
    expect(block.locator(".answer-state")).to_contain_text("Saved at")


def judgement(page: Page, heading: str) -> Locator:
    return page.get_by_role("region", name=heading, exact=True)


def test_a_company_judged_orange_improves_to_green_in_its_window(
    page: Page, assessment: Assessment
):
    sign_in(page, COMPANY_ADMIN)
    expect(page).to_have_url(path_is("/"))

    # My self-assessments: the round waits for the company profile.
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Self-assessment"
    ).click()
    expect(
        page.get_by_role("heading", level=1, name="My self-assessments")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text=ROUND_NAME)
    expect(row).to_contain_text("Not started")
    row.get_by_role("link", name="Start with the company profile").click()

    # The company profile decides which questions apply.
    expect(page.get_by_role("heading", level=1, name="Company profile")).to_be_visible()
    profile_field(page, "Is your company a recycler?").get_by_role(
        "radio", name="No", exact=True
    ).check()
    profile_field(page, "conflict-affected and high-risk areas").get_by_role(
        "radio", name="No", exact=True
    ).check()
    profile_field(page, "tin, tantalum, tungsten or gold").get_by_role(
        "radio", name="No", exact=True
    ).check()
    profile_field(page, "Reporting category").get_by_role(
        "radio", name=re.compile("^CSRD")
    ).check()
    page.get_by_label("Size in FTE").fill("180")
    page.get_by_role("button", name="Save and go to the questions").click()

    # Step 1: each answer saves itself as it is given; a document is added.
    expect(page.get_by_role("heading", level=1, name="Step 1: Policy")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(
        "The company profile was saved."
    )
    policy = question(page, Q_POLICY)
    expect(policy).to_contain_text(
        "Support your answer with an explanation or a document"
    )
    policy.get_by_role("radio", name="Adopted", exact=True).check()
    expect_autosaved(policy)
    assert assessment.answers.values_list("question_code", "value").get() == (
        "1.1",
        "adopted",
    )

    policy.get_by_label("Add a document").set_input_files(
        files=[
            {
                "name": EVIDENCE_NAME,
                "mimeType": "application/pdf",
                "buffer": pdf_bytes(),
            }
        ]
    )
    policy.get_by_role("button", name="Upload", exact=True).click()
    expect(policy.get_by_role("link", name=EVIDENCE_NAME)).to_be_visible()
    expect(policy).not_to_contain_text("No documents yet.")

    responsible = question(page, Q_RESPONSIBLE)
    responsible.get_by_label("Your answer").fill(
        "Our compliance officer, reporting to the board."
    )
    expect_autosaved(responsible)
    assert assessment.answers.get(question_code="1.2").value == (
        "Our compliance officer, reporting to the board."
    )
    page.get_by_role("button", name="Save and go to the next step").click()

    # Step 2: the question for recyclers is left out; the risks are not mapped yet.
    expect(
        page.get_by_role("heading", level=1, name="Step 2: Identify risks")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(
        "1 question of this step does not apply to your company profile"
    )
    expect(question(page, Q_CUSTOMERS)).to_have_count(0)
    risks = question(page, Q_RISKS)
    risks.get_by_label("Explanation").fill("We start the risk analysis in the autumn.")
    risks.get_by_role("radio", name="Not yet", exact=True).check()
    expect_autosaved(risks)
    grievance = question(page, Q_GRIEVANCE)
    grievance.get_by_role("radio", name="Yes", exact=True).check()
    expect_autosaved(grievance)
    assert dict(
        assessment.answers.filter(question_code__startswith="2.").values_list(
            "question_code", "value"
        )
    ) == {"2.1": "none", "2.2": "yes"}
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Your answers were saved.")
    page.get_by_role("navigation", name="Previous and next step").get_by_role(
        "link", name="Review and submit"
    ).click()

    # The review finds nothing missing: the autosaves reached the server.
    expect(
        page.get_by_role("heading", level=1, name="Review and submit")
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        "4 of 4 questions that apply to your company are answered."
    )
    expect(main).to_contain_text(
        "Every question that applies is answered, with the evidence asked for."
    )
    page.get_by_role("button", name="Submit the self-assessment").click()

    # The first judgement: orange, with the advice and the improvement window.
    expect(page).to_have_url(
        path_is(f"/monitoring/assessments/{assessment.pk}/result/")
    )
    window_closes = add_calendar_months(timezone.localdate(), 3)
    first = judgement(page, "First judgement, at submission")
    expect(first.locator(".signal")).to_have_text("Orange")
    expect(first).to_contain_text("Your due diligence needs improvement in places.")
    expect(first).to_contain_text("75.0 / 100")
    expect(first).to_contain_text("4 · Mature")
    expect(first.get_by_role("listitem").filter(has_text=RISK_ADVICE)).to_be_visible()
    expect(first).to_contain_text(
        "Critical questions below their minimum (these block a green signal)"
    )
    expect(judgement(page, "Final judgement")).to_have_count(0)
    expect(page.get_by_role("note")).to_contain_text(
        f"Your improvement window is open until {long_date(window_closes)}."
    )

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IMPROVING
    assert assessment.window_closes_on == window_closes
    [first_record] = assessment.scores.all()
    assert (first_record.kind, first_record.signal) == (ScoreKind.FIRST, Signal.ORANGE)
    assert str(first_record.final_score) == "75.0"
    assert first_record.result["insufficient"] == ["2.1"]
    assert first_record.result["critical_failed"] == ["2.1"]
    [document] = assessment.answers.get(question_code="1.1").evidence.all()
    assert document.original_name == EVIDENCE_NAME
    with document.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()

    # In the window only the insufficient part can change.
    page.get_by_role("link", name=Q_RISKS).click()
    expect(
        page.get_by_role("heading", level=1, name="Step 2: Identify risks")
    ).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text(
        "Only the parts scored insufficient can change now"
    )
    risks = question(page, Q_RISKS)
    expect(risks.get_by_text("Can be improved", exact=True)).to_be_visible()
    grievance = question(page, Q_GRIEVANCE)
    expect(grievance.get_by_role("radio")).to_have_count(0)
    expect(grievance.get_by_text("Can be improved", exact=True)).to_have_count(0)
    expect(grievance.locator("dd").first).to_have_text("Yes")

    page.get_by_role("link", name="1. Policy").click()
    expect(page.get_by_role("heading", level=1, name="Step 1: Policy")).to_be_visible()
    policy = question(page, Q_POLICY)
    expect(policy.get_by_role("radio")).to_have_count(0)
    expect(policy.locator("dd").first).to_have_text("Adopted")
    expect(policy.get_by_role("link", name=EVIDENCE_NAME)).to_be_visible()
    expect(policy.get_by_role("button", name="Upload")).to_have_count(0)
    expect(policy.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    expect(question(page, Q_RESPONSIBLE).get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)

    page.get_by_role("link", name="2. Identify risks").click()
    risks = question(page, Q_RISKS)
    risks.get_by_label("Explanation").fill(
        "Risk analysis of copper and zinc finished in May; see the annex."
    )
    risks.get_by_role("radio", name="Yes, for the whole chain", exact=True).check()
    expect_autosaved(risks)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Your answers were saved.")

    # Resubmitting gives the final judgement: green.
    page.get_by_role("navigation", name="Self-assessment").get_by_role(
        "link", name="Results"
    ).click()
    page.get_by_role("button", name="Resubmit for the final judgement").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Your improved answers were scored: this is the final judgement."
    )
    final = judgement(page, "Final judgement")
    expect(final.locator(".signal")).to_have_text("Green")
    expect(final).to_contain_text(
        "Your due diligence meets the expectations of this round."
    )
    expect(final).to_contain_text("100.0 / 100")
    expect(final).to_contain_text("No advice: no part scored insufficient.")
    expect(
        judgement(page, "First judgement, at submission").locator(".signal")
    ).to_have_text("Orange")
    expect(
        page.get_by_role("button", name="Resubmit for the final judgement")
    ).to_have_count(0)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINAL
    final_record = assessment.scores.get(kind=ScoreKind.FINAL)
    assert final_record.signal == Signal.GREEN
    assert str(final_record.final_score) == "100.0"
    risk_answer = assessment.answers.get(question_code="2.1")
    assert risk_answer.value == "mapped"
    assert risk_answer.explanation.startswith("Risk analysis of copper and zinc")
    assert assessment.answers.get(question_code="2.2").value == "yes"

    page.get_by_role("link", name="My self-assessments").click()
    row = page.get_by_role("row").filter(has_text=ROUND_NAME)
    expect(row).to_contain_text("Final judgement")
    expect(row.locator(".signal")).to_have_text("Green")


def test_an_option_saved_as_it_is_chosen_leaves_nothing_unsaved(
    page: Page, assessment: Assessment
):
    """Choosing an option fires both `input` and `change`; once the server has saved
    it, the page neither says it is unsaved nor warns when the person leaves."""
    assessment_services.profile_save(
        assessment=assessment, profile=PROFILE, actor=user(COMPANY_ADMIN)
    )
    leave_warnings: list[str] = []

    def refuse_to_leave(dialog) -> None:
        leave_warnings.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", refuse_to_leave)
    sign_in(page, COMPANY_ADMIN)
    expect(page).to_have_url(path_is("/"))
    page.goto(f"/monitoring/assessments/{assessment.pk}/steps/1/")

    policy = question(page, Q_POLICY)
    policy.get_by_role("radio", name="Adopted", exact=True).check()
    expect_autosaved(policy)
    assert assessment.answers.get(question_code="1.1").value == "adopted"
    expect(policy.get_by_text("Not saved yet")).to_be_hidden()

    page.get_by_role("link", name="Next: step 2").click()
    expect(
        page.get_by_role("heading", level=1, name="Step 2: Identify risks")
    ).to_be_visible()
    assert leave_warnings == []


def submitted_orange(assessment: Assessment) -> None:
    """What the company does in the first test up to its first judgement, through the
    services."""
    company = user(COMPANY_ADMIN)
    assessment_services.profile_save(
        assessment=assessment, profile=PROFILE, actor=company
    )
    for code, value, explanation in (
        ("1.1", "adopted", ""),
        ("2.1", "none", "We start the risk analysis in the autumn."),
        ("2.2", "yes", ""),
    ):
        assessment_services.answer_save(
            assessment=assessment,
            question_code=code,
            value=value,
            explanation=explanation,
            revision=0,
            actor=company,
        )
    assessment_services.evidence_add(
        assessment=assessment,
        question_code="1.1",
        file=upload(EVIDENCE_NAME, pdf_bytes()),
        actor=company,
    )
    record = judgements.assessment_submit(assessment=assessment, actor=company)
    assert record.signal == Signal.ORANGE


def test_the_secretariat_plans_a_talk_with_a_company_judged_orange(
    page: Page, assessment: Assessment
):
    submitted_orange(assessment)
    assessment.refresh_from_db()
    mail.outbox.clear()
    talk_day = timezone.localdate() + dt.timedelta(days=14)

    sign_in(page, SECRETARIAT)
    expect(page).to_have_url(path_is("/"))
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Monitoring"
    ).click()
    page.get_by_role("navigation", name="Monitoring").get_by_role(
        "link", name="Improvement talks"
    ).click()

    # The queue: the company judged orange still needs a talk.
    expect(
        page.get_by_role("heading", level=1, name="Improvement talks")
    ).to_be_visible()
    waiting = page.get_by_role("table", name=re.compile("still needs? a talk"))
    expect(waiting.get_by_role("caption")).to_have_text(
        "1 company judged orange or red still needs a talk"
    )
    row = waiting.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=COMPANY)
    )
    expect(row).to_contain_text(ROUND_NAME)
    expect(row.locator(".signal")).to_have_text("Orange")
    expect(row).to_contain_text(assessment.window_closes_on.isoformat())
    row.get_by_role("link", name=f"Plan a talk with {COMPANY}").click()

    # Planning the talk.
    expect(
        page.get_by_role("heading", level=1, name="Plan an improvement talk")
    ).to_be_visible()
    page.get_by_label("Date and time").fill(f"{talk_day.isoformat()}T10:00")
    page.get_by_label("Duration (minutes)").fill("60")
    page.get_by_label("Place").fill("Secretariaat IMVO Metaal, Den Haag")
    page.get_by_label("Participants").fill(
        "Pieter Bakker (director), Eva Jansen (secretariat)"
    )
    page.get_by_label("The company's management takes part").check()
    page.get_by_role("button", name="Plan and send the invitation").click()

    # The talk page.
    expect(
        page.get_by_role("heading", level=1, name=f"Improvement talk with {COMPANY}")
    ).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(
        "The talk was planned and the company was sent an invitation."
    )
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"{long_date(talk_day)}, 10:00 (60 minutes)")
    expect(facts).to_contain_text("Planned")
    expect(facts).to_contain_text("Secretariaat IMVO Metaal, Den Haag")
    expect(page.get_by_role("main")).not_to_contain_text(
        "The company's management does not take part."
    )

    # Back in the queue the company waits no more; the talk is among those to come.
    page.get_by_role("navigation", name="Monitoring").get_by_role(
        "link", name="Improvement talks"
    ).click()
    expect(
        page.get_by_role("table", name=re.compile("still needs? a talk")).get_by_role(
            "caption"
        )
    ).to_have_text("0 companies judged orange or red still need a talk")
    planned = page.get_by_role("table", name="Planned talks to come")
    planned_row = planned.get_by_role("row").filter(has_text=COMPANY)
    expect(
        planned_row.get_by_role("link", name=f"{talk_day.isoformat()} 10:00")
    ).to_be_visible()
    expect(planned_row).to_contain_text("Secretariaat IMVO Metaal, Den Haag")

    [talk] = ImprovementTalk.objects.filter(assessment=assessment)
    assert talk.status == TalkStatus.PLANNED
    assert timezone.localtime(talk.scheduled_at).replace(tzinfo=None) == (
        dt.datetime.combine(talk_day, dt.time(10, 0))
    )
    assert talk.duration_minutes == 60
    assert talk.management_present is True
    assert sorted(message.to[0] for message in mail.outbox) == COMPANY_PEOPLE
    for message in mail.outbox:
        [(name, calendar, mimetype)] = message.attachments
        assert name == "invite.ics"
        assert mimetype.startswith("text/calendar")
        assert "METHOD:REQUEST" in calendar
        assert f"UID:{talk.uid}" in calendar


def test_two_colleagues_editing_one_answer_lose_nothing(
    page: Page, browser, live_server, assessment: Assessment
):
    """Both open step 1; the colleague's autosave lands first; the person's own autosave
    then shows both versions, keeps what they typed in the fields, and saves it when
    they choose to keep it."""
    from tests.e2e.conftest import TIMEOUT_MS

    assessment_services.profile_save(
        assessment=assessment, profile=PROFILE, actor=user(COMPANY_ADMIN)
    )
    step = f"/monitoring/assessments/{assessment.pk}/steps/1/"
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    colleague = context.new_page()
    try:
        sign_in(page, COMPANY_ADMIN)
        expect(page).to_have_url(path_is("/"))
        page.goto(step)
        sign_in(colleague, COMPANY_PEOPLE[1])
        expect(colleague).to_have_url(path_is("/"))
        colleague.goto(step)

        theirs = question(colleague, Q_POLICY)
        theirs.get_by_label("Explanation").fill("Adopted by the board in March.")
        theirs.get_by_role("radio", name="Adopted", exact=True).check()
        expect_autosaved(theirs)
        expect(theirs.locator(".answer-state")).not_to_contain_text("Not saved")
        colleague.wait_for_load_state("networkidle")

        mine = question(page, Q_POLICY)
        mine.get_by_role("radio", name="In draft", exact=True).check()
        conflict = mine.locator(".answer-conflict")
        expect(conflict).to_contain_text(
            "Someone else saved this answer while you were working on it."
        )
        expect(conflict.locator(".answer-conflict__theirs")).to_have_text(
            "Adopted by the board in March."
        )
        expect(mine.get_by_role("radio", name="In draft", exact=True)).to_be_checked()
        stored = assessment.answers.get(question_code="1.1")
        assert (stored.value, stored.explanation) == (
            "adopted",
            "Adopted by the board in March.",
        )
        theirs_revision = stored.revision

        # Typing autosaves after a pause, and is refused the same way; once it has
        # been, the person chooses.
        with page.expect_response(
            lambda response: (
                response.url.endswith("/answers/1.1/")
                and response.request.method == "POST"
            )
        ) as typed:
            mine.get_by_label("Explanation").fill(
                "Adopted in March; a new draft follows."
            )
        assert typed.value.status == 409
        expect(conflict).to_be_visible()
        mine.get_by_role("button", name="Keep what I typed").click()
        expect_autosaved(mine)
    finally:
        context.close()

    stored = assessment.answers.get(question_code="1.1")
    assert (stored.value, stored.explanation, stored.revision) == (
        "draft",
        "Adopted in March; a new draft follows.",
        theirs_revision + 1,
    )
    assert stored.updated_by == user(COMPANY_ADMIN)
