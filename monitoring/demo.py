"""Demo data for the monitoring tool: the default framework, a baseline round that has
run its course and an open round of year 2, with companies in every signal.

Answers are generated from a maturity target per company, so that the scores spread the
way a real cohort does; a fixed seed keeps the demo the same on every machine."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from django.utils.text import slugify

from convenant.models import Agreement
from governance.models import Organisation, OrganisationRole, User

from .framework import Question
from .models import Answer, Assessment, Round, RoundKind, RoundStatus
from .selectors.assessments import applicable_codes
from .services import frameworks, judgements, rounds
from .services.assessments import profile_save

DEFAULT_FRAMEWORK = Path(__file__).resolve().parent / "frameworks" / "metals-v1.yaml"

# company -> maturity target in the baseline and in year 2 (None: not submitted yet).
# Targets near 80 give green, near 50 orange and near 25 red.
TARGETS: dict[str, tuple[int, int | None]] = {
    "Hollandse Draadtrekkerij B.V.": (55, None),
    "Brabant Non-Ferro Recycling B.V.": (30, 52),
    "Twentse Precisiegieterij B.V.": (72, 86),
    "Rijnmond Staalhandel B.V.": (25, 30),
    "Zeeuws Aluminium Profielen B.V.": (80, 88),
    "Veluwse Metaalbewerking B.V.": (45, None),
    "Noordelijke Koperwalserij B.V.": (62, 74),
    "Limburgse Kabelfabriek B.V.": (85, 90),
    "Delftse Batterijtechniek B.V.": (38, 55),
    "Gelderse Plaatwerk Groep B.V.": (58, None),
    "Westlandse Zinkerij B.V.": (20, None),
    "Friese Edelmetaal B.V.": (50, None),
    "Maasvlakte Metals Trading B.V.": (35, 44),
}


def seed_monitoring(*, secretariat: User) -> None:
    """Idempotent: nothing happens when the baseline round exists already."""
    agreement = Agreement.objects.order_by("starts_on").first()
    if agreement is None or Round.objects.filter(kind=RoundKind.BASELINE).exists():
        return
    framework, _created = frameworks.framework_load(
        text=DEFAULT_FRAMEWORK.read_text(encoding="utf-8"), actor=secretariat
    )
    companies = list(Organisation.objects.filter(name__in=TARGETS).order_by("name"))
    years = {year.number: year for year in agreement.years.all()}
    baseline = _open_round(
        secretariat,
        framework,
        years[1],
        RoundKind.BASELINE,
        "Nulmeting 2026",
        dt.date(2026, 2, 1),
        dt.date(2026, 6, 30),
        companies,
    )
    year_two = _open_round(
        secretariat,
        framework,
        years[2],
        RoundKind.YEAR2,
        "Monitoring jaar 2",
        dt.date(2026, 11, 2),
        dt.date(2027, 3, 31),
        [c for c in companies if TARGETS[c.name][1] is not None]
        + [c for c in companies if c.name == "Hollandse Draadtrekkerij B.V."],
    )
    generator = random.Random(2025)  # noqa: S311 - demo data, not security
    for assessment in baseline.assessments.select_related("organisation"):
        target = TARGETS[assessment.organisation.name][0]
        record = _fill_and_submit(assessment, target, generator)
        if record.signal in {"orange", "red"}:
            # The company improved the insufficient parts within its window.
            _improve(assessment, generator)
            judgements.assessment_resubmit(
                assessment=assessment, actor=_officer(assessment.organisation)
            )
    rounds.round_change_status(
        round=baseline, status=RoundStatus.CLOSED, actor=secretariat
    )
    for assessment in year_two.assessments.select_related("organisation"):
        target = TARGETS[assessment.organisation.name][1]
        if target is None:
            # Left open for the demo company to fill in: a profile and a first step.
            _answer(assessment, 60, generator, only_step="1")
            continue
        _fill_and_submit(assessment, target, generator)
    seed_plans(agreement=agreement, companies=companies)


# Plans of approach: who handed in for year 1 and when (None: not handed in, so late),
# and who has handed in for year 2 already.
PLANS_YEAR_ONE: dict[str, dt.date | None] = {
    "Hollandse Draadtrekkerij B.V.": dt.date(2026, 9, 18),
    "Brabant Non-Ferro Recycling B.V.": dt.date(2026, 10, 2),
    "Twentse Precisiegieterij B.V.": dt.date(2026, 6, 30),
    "Rijnmond Staalhandel B.V.": dt.date(2026, 11, 4),  # after the year ended: late
    "Zeeuws Aluminium Profielen B.V.": dt.date(2026, 5, 12),
    "Veluwse Metaalbewerking B.V.": dt.date(2026, 10, 9),
    "Noordelijke Koperwalserij B.V.": dt.date(2026, 7, 21),
    "Limburgse Kabelfabriek B.V.": dt.date(2026, 4, 3),
    "Delftse Batterijtechniek B.V.": dt.date(2026, 9, 30),
    "Gelderse Plaatwerk Groep B.V.": dt.date(2026, 10, 14),
    "Westlandse Zinkerij B.V.": None,
    "Friese Edelmetaal B.V.": dt.date(2026, 8, 26),
    "Maasvlakte Metals Trading B.V.": None,
}
PLANS_YEAR_TWO = ("Limburgse Kabelfabriek B.V.", "Zeeuws Aluminium Profielen B.V.")

# (theme, country, material, scale, scope, irremediability, likelihood, prioritised,
#  public explanation, gender note or "")
DEMO_RISKS = (
    (
        "child_labour",
        "CD",
        "cobalt",
        5,
        4,
        5,
        4,
        True,
        "Cobalt in our copper alloys may come from artisanal mines in Lualaba and "
        "Haut-Katanga where children work. We prioritise it: the harm is grave and "
        "cannot be undone, and our smelters do not yet exclude artisanal ore.",
        "Girls work at washing and sorting sites; we ask smelters for data per sex.",
    ),
    (
        "health_safety",
        "ID",
        "tin",
        4,
        3,
        4,
        4,
        True,
        "Offshore and inland tin mining on Bangka-Belitung has frequent fatal "
        "accidents. Our solder suppliers buy tin from the island.",
        "",
    ),
    (
        "environment",
        "GN",
        "aluminium",
        3,
        4,
        4,
        3,
        False,
        "Bauxite mining in Boké damages farmland and water. Not prioritised this year: "
        "our aluminium comes mainly from recycled scrap; we act through the "
        "aluminium module.",
        "",
    ),
    (
        "forced_labour",
        "CN",
        "graphite",
        5,
        3,
        4,
        2,
        False,
        "Reports of forced labour in graphite processing. We buy little graphite and "
        "cannot yet trace it; we will map this chain first.",
        "",
    ),
    (
        "land_rights",
        "PE",
        "gold",
        4,
        3,
        5,
        3,
        True,
        "Gold from artisanal mining in Madre de Dios is linked to illegal land use "
        "and mercury pollution. Our precious-metal supplier sources from Peru.",
        "Women in mining communities bear most of the health effects of mercury.",
    ),
    (
        "corruption",
        "ZM",
        "copper",
        3,
        2,
        2,
        3,
        False,
        "Copper mining licences in Zambia carry a corruption risk. Less severe than "
        "the risks we prioritised; our refiner has an anti-corruption programme.",
        "",
    ),
)


def seed_plans(*, agreement: Agreement, companies: list[Organisation]) -> None:
    """Plans of approach and risk analyses for the demo companies: most handed in for
    year 1, one late and two missing; two handed in for year 2 already; risks from a
    pool of real RBC risks in metal chains."""
    from .models import PlanOfApproach, RbcTheme, RiskEntry

    if PlanOfApproach.objects.exists():
        return
    years = {year.number: year for year in agreement.years.all()}
    generator = random.Random(2026)  # noqa: S311 - demo data, not security
    themes = [value for value in RbcTheme.values if value != "other"]
    for company in companies:
        officer = _officer(company)
        handed_in = PLANS_YEAR_ONE.get(company.name)
        chosen = generator.sample(DEMO_RISKS, k=generator.randint(2, 4))
        if company.name == "Hollandse Draadtrekkerij B.V.":
            chosen = list(DEMO_RISKS[:4])
        for number, when in ((1, handed_in), (2, None)):
            if number == 2 and company.name in PLANS_YEAR_TWO:
                when = dt.date(2026, 11, 12)
            if when is None:
                continue
            chosen_themes = sorted(
                {risk[0] for risk in chosen} | set(generator.sample(themes, k=1)),
                key=themes.index,
            )
            PlanOfApproach.objects.create(
                organisation=company,
                agreement_year=years[number],
                themes=chosen_themes,
                report_link=f"https://www.{slugify(company.name)}.nl/duurzaamheid",
                risks_addressed="; ".join(risk[8].split(".")[0] for risk in chosen)
                + ".",
                planned_actions=(
                    "Map tier 2 and 3 suppliers of the prioritised materials; ask "
                    "smelters for RMAP or equivalent audits; join the relevant risk "
                    "module; report progress in the next self-assessment."
                ),
                submitted_at=dt.datetime.combine(when, dt.time(11, 30), tzinfo=dt.UTC),
                submitted_by=officer,
            )
        for risk in chosen:
            (
                theme,
                country,
                material,
                scale,
                scope,
                irr,
                likelihood,
                prioritised,
                explanation,
                gender,
            ) = risk
            RiskEntry.objects.create(
                organisation=company,
                agreement_year=years[1],
                theme=theme,
                country=country,
                material=material,
                scale=scale,
                scope=scope,
                irremediability=irr,
                likelihood=likelihood,
                prioritised=prioritised,
                explanation=explanation,
                gender_considered=bool(gender),
                gender_notes=gender,
                updated_by=officer,
            )


def _open_round(
    secretariat, framework, year, kind, name, opens_on, closes_on, companies
):
    round_ = rounds.round_create(
        agreement_year=year,
        kind=kind,
        name=name,
        framework=framework,
        opens_on=opens_on,
        closes_on=closes_on,
        actor=secretariat,
    )
    rounds.round_change_status(round=round_, status=RoundStatus.OPEN, actor=secretariat)
    rounds.round_invite(round=round_, organisations=companies, actor=secretariat)
    return round_


def _officer(organisation: Organisation) -> User:
    """The company's first admin; a compliance officer is created for demo companies
    that have nobody yet."""
    person = (
        organisation.users.filter(organisation_role=OrganisationRole.ADMIN)
        .order_by("pk")
        .first()
    )
    if person is None:
        slug = slugify(organisation.name.removesuffix(" B.V."))[:40]
        person = User.objects.create_user(
            f"mvo@{slug}.convenant.test",
            None,
            first_name="Compliance",
            last_name="Officer",
            organisation=organisation,
            organisation_role=OrganisationRole.ADMIN,
        )
    return person


def _profile(organisation: Organisation) -> dict:
    return {
        "recycler": organisation.is_recycler,
        "cahra_sourcing": organisation.name
        in {"Delftse Batterijtechniek B.V.", "Friese Edelmetaal B.V."},
        "sources_3tg": organisation.name
        in {"Friese Edelmetaal B.V.", "Limburgse Kabelfabriek B.V."},
        "csrd_category": organisation.csrd_category or "vsme",
        "fte": organisation.fte or 0,
    }


def _value(question: Question, target: int, generator: random.Random):
    aim = max(0, min(100, target + generator.randint(-30, 30)))
    if question.type == "single":
        return min(question.options, key=lambda o: abs(float(o.points) - aim)).value
    if question.type == "multi":
        chosen, total = [], 0.0
        for option in sorted(question.options, key=lambda o: -float(o.points)):
            if total >= aim:
                break
            if option.points > 0:
                chosen.append(option.value)
                total += float(option.points)
        return chosen or None
    if question.type == "boolean":
        return "yes" if aim >= 50 else "no"
    if question.type == "number":
        return generator.randint(1, 90)
    return "Zie het jaarverslag en het MVO-beleid op onze website."


def _answer(assessment, target, generator, only_step=None):
    framework = assessment.round.framework.parsed
    officer = _officer(assessment.organisation)
    profile = _profile(assessment.organisation)
    profile_save(assessment=assessment, profile=profile, actor=officer)
    applicable = applicable_codes(framework, profile)
    for step in framework.steps:
        if only_step is not None and step.code != only_step:
            continue
        for question in step.questions:
            if question.code not in applicable:
                continue
            explained = generator.randint(0, 100) < target + 20
            Answer.objects.update_or_create(
                assessment=assessment,
                question_code=question.code,
                defaults={
                    "value": _value(question, target, generator),
                    "explanation": (
                        "Vastgelegd in ons beleid en besproken in het managementoverleg."
                        if explained
                        else ""
                    ),
                    "updated_by": officer,
                },
            )
    # Counted again through the service, as a person's save would.
    profile_save(assessment=assessment, profile=profile, actor=officer)


def _fill_and_submit(assessment: Assessment, target: int, generator):
    _answer(assessment, target, generator)
    return judgements.assessment_submit(
        assessment=assessment, actor=_officer(assessment.organisation)
    )


def _improve(assessment: Assessment, generator) -> None:
    first = assessment.scores.get(kind="first")
    codes = set(first.result["insufficient"]) | set(first.result["unsubstantiated"])
    framework = assessment.round.framework.parsed
    officer = _officer(assessment.organisation)
    for step in framework.steps:
        for question in step.questions:
            if question.code in codes and generator.random() < 0.7:
                answer = assessment.answers.filter(question_code=question.code).first()
                if answer is None:
                    continue
                answer.value = _value(question, 85, generator)
                answer.explanation = "Aangevuld na het verbetergesprek."
                answer.updated_by = officer
                answer.save()


# --- NGO insight (art. 13) ---------------------------------------------------------------

INSIGHT_NGO = "Terre des Hommes Nederland"
# Terre des Hommes takes part in the cobalt and copper risk module with three companies
# that have judgements; it also follows the demo company admin's company on its own.
INSIGHT_MODULE = "R2"
INSIGHT_COMPANIES = ("Hollandse Draadtrekkerij B.V.",)


def seed_insight(*, secretariat: User) -> None:
    """Grants for the demo NGO, after the governance demo gave it a valid NDA and its
    modules. Running it again adds nothing; when the NGO is not entitled on the day the
    demo is loaded, nothing is granted."""
    from django.core.exceptions import ValidationError

    from governance.models import Module

    from .models import CompanyInsightGrant
    from .services import insight

    ngo = Organisation.objects.filter(name=INSIGHT_NGO).first()
    module = Module.objects.filter(code=INSIGHT_MODULE).first()
    if ngo is None or module is None:
        return
    try:
        insight.insight_grant_module(organisation=ngo, module=module, actor=secretariat)
        for company in Organisation.objects.filter(name__in=INSIGHT_COMPANIES):
            if not CompanyInsightGrant.objects.filter(
                organisation=ngo, content_object=company
            ).exists():
                insight.insight_grant(
                    organisation=ngo, company=company, actor=secretariat
                )
    except ValidationError:
        return
