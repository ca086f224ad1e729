"""Who may open which page: role x URL name x method -> expected response.

The pattern of integreat-cms: one table decides access for every named URL of the
project, and `test_every_url_name_is_in_the_matrix` fails when a view is added without a
decision here. Reading the table:

- anonymous people are sent to the sign-in page (302, with ?next=) for protected pages;
- a signed-in person whose role does not allow the page gets 403;
- an object that exists but is not the person's to see gives 404 (scoped selectors);
- allowed: 200 for GET, a 302 for a POST that succeeds.

URL kwargs come from `World`: the requesting person's own organisation, another company,
invitations to both, a colleague, a person of the other company, an agreement year and an
invitation token. Every case builds its own world, so POSTs that change things do not
leak into other cases.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from convenant.models import Agreement, AgreementYear, AuditEntry
from governance.models import (
    Contribution,
    FteBand,
    Invitation,
    Organisation,
    OrganisationKind,
    User,
)
from ketenkaart.models import (
    AreaRequest,
    DisclosureRule,
    ExpertiseProfile,
    Location,
    LocationImport,
    LocationList,
    LocationRelease,
    ReleaseCell,
    ReleaseStatus,
    RestrictedDisclosure,
    SupplierReport,
    SupplierReportCompany,
    SupplierReportNote,
)
from monitoring.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    Framework,
    ImprovementTalk,
    PlanOfApproach,
    ReviewComment,
    RiskEntry,
    Round,
    RoundKind,
    RoundStatus,
    ScoreKind,
    ScoreRecord,
    Signal,
    TalkAction,
    TalkStatus,
)
from monitoring.selectors.assessments import question_prefix
from tests.conftest import ROLES, make_person
from tests.governance.conftest import invitation_with_token
from tests.governance.factories import OrganisationFactory, UserFactory
from tests.ketenkaart.factories import (
    LocationFactory,
    LocationImportFactory,
    LocationListFactory,
    use_report_storage,
)
from tests.matrix import (
    ANONYMOUS,
    COMPANY,
    EXTENSIONS,
    NGO_UNION,
    SIGN_IN,
    TO_DASHBOARD,
    TO_OWN_RESULT,
    TO_OWN_STEP,
    TO_ROUND,
    Expected,
    Redirect,
    Row,
    World,
    company_page,
    everyone,
    only,
    other_assessment,
    own_admins,
    own_assessment,
    secretariat_only,
    secretariat_sees_other,
    signed_in,
)
from tests.monitoring.company_factories import (
    pdf_bytes,
    profiled_assessment,
    stored_evidence,
    upload,
    use_private_storage,
)
from tests.monitoring.factories import (
    TEST_FRAMEWORK_YAML,
    AssessmentFactory,
    FrameworkFactory,
    RoundFactory,
    ScoreRecordFactory,
)

MATRIX: tuple[Row, ...] = (
    # --- the project's own pages --------------------------------------------------------
    Row("dashboard", "GET", signed_in()),
    Row("health", "GET", everyone(200)),
    Row("set_language", "POST", everyone(TO_DASHBOARD), data="language"),
    Row("convenant:calendar", "GET", signed_in()),
    Row("governance:governance_overview", "GET", signed_in()),
    Row("convenant:agreement_update", "GET", secretariat_only()),
    Row(
        "convenant:agreement_update",
        "POST",
        secretariat_only(Redirect("convenant:calendar")),
        data="agreement",
    ),
    Row("convenant:year_update", "GET", secretariat_only(), target="year"),
    Row(
        "convenant:year_update",
        "POST",
        secretariat_only(Redirect("convenant:calendar")),
        target="year",
        data="year",
    ),
    Row("convenant:audit_log", "GET", secretariat_only()),
    Row("governance:organisation_list", "GET", secretariat_only()),
    Row("governance:organisation_create", "GET", secretariat_only()),
    Row(
        "governance:organisation_create",
        "POST",
        secretariat_only(Redirect("governance:organisation_detail", "created")),
        data="new_organisation",
    ),
    Row("governance:organisation_detail", "GET", signed_in(), target="own_org"),
    Row(
        "governance:organisation_detail",
        "GET",
        secretariat_sees_other(200),
        target="other_org",
    ),
    Row("governance:organisation_update", "GET", secretariat_only(), target="own_org"),
    Row(
        "governance:organisation_update", "GET", secretariat_only(), target="other_org"
    ),
    Row(
        "governance:organisation_update",
        "POST",
        secretariat_only(Redirect("governance:organisation_detail", "same")),
        target="other_org",
        data="organisation_edit",
    ),
    Row(
        "governance:organisation_status",
        "GET",
        secretariat_only(405),
        target="other_org",
    ),
    Row(
        "governance:organisation_status",
        "POST",
        secretariat_only(Redirect("governance:organisation_detail", "same")),
        target="other_org",
        data="status",
    ),
    Row("governance:organisation_invite", "GET", own_admins(200), target="own_org"),
    Row(
        "governance:organisation_invite",
        "GET",
        secretariat_sees_other(200),
        target="other_org",
    ),
    Row(
        "governance:organisation_invite",
        "POST",
        own_admins(Redirect("governance:organisation_detail", "same")),
        target="own_org",
        data="invitation",
    ),
    Row(
        "governance:organisation_invite",
        "POST",
        secretariat_sees_other(Redirect("governance:organisation_detail", "same")),
        target="other_org",
        data="invitation",
    ),
    Row(
        "governance:invitation_revoke",
        "GET",
        signed_in(405),
        target="own_invitation",
    ),
    Row(
        "governance:invitation_revoke",
        "POST",
        own_admins(Redirect("governance:organisation_detail", "own_org")),
        target="own_invitation",
    ),
    Row(
        "governance:invitation_revoke",
        "POST",
        secretariat_sees_other(Redirect("governance:organisation_detail", "other_org")),
        target="other_invitation",
    ),
    Row(
        "governance:user_set_active",
        "POST",
        own_admins(Redirect("governance:organisation_detail", "own_org")),
        target="colleague",
        data="switch_off",
    ),
    Row(
        "governance:user_set_active",
        "POST",
        secretariat_sees_other(Redirect("governance:organisation_detail", "other_org")),
        target="other_person",
        data="switch_off",
    ),
    # The invitation link is for people without an account; a signed-in person is sent
    # to the dashboard (and told to sign out first).
    Row(
        "governance:invitation_accept",
        "GET",
        signed_in(TO_DASHBOARD, anonymous=200),
        target="token",
    ),
    Row(
        "governance:invitation_accept",
        "POST",
        everyone(TO_DASHBOARD),
        target="token",
        data="accept",
    ),
    Row(
        "governance:invitation_accept",
        "GET",
        signed_in(TO_DASHBOARD, anonymous=404),
        target="unknown_token",
    ),
    # Import and export of organisations, and finance: the secretariat's alone.
    Row("governance:organisation_import", "GET", secretariat_only()),
    # Posting no file shows the form again with its error.
    Row("governance:organisation_import", "POST", secretariat_only(200)),
    Row("governance:organisation_import_confirm", "GET", secretariat_only(405)),
    # Nothing waits for confirmation: back to the upload step.
    Row(
        "governance:organisation_import_confirm",
        "POST",
        secretariat_only(Redirect("governance:organisation_import")),
    ),
    Row("governance:organisation_import_template", "GET", secretariat_only()),
    Row("governance:organisation_export", "GET", secretariat_only()),
    Row("governance:finance", "GET", secretariat_only()),
    Row(
        "governance:contribution_generate",
        "POST",
        secretariat_only(Redirect("governance:finance")),
        data="finance_year",
    ),
    Row(
        "governance:contribution_status",
        "POST",
        secretariat_only(Redirect("governance:finance")),
        target="contribution",
        data="contribution_status",
    ),
    Row("governance:contribution_export", "GET", secretariat_only()),
    Row("governance:fte_bands", "GET", secretariat_only()),
    # --- monitoring, the secretariat's side (monitoring/views/secretariat.py) --------
    # Frameworks, rounds, the overview and the ledger: the secretariat's alone.
    *(
        Row(name, "GET", secretariat_only())
        for name in (
            "monitoring:framework_list",
            "monitoring:framework_upload",
            "monitoring:round_list",
            "monitoring:round_create",
            "monitoring:overview",
        )
    ),
    *(
        Row(name, "GET", secretariat_only(), target="framework")
        for name in ("monitoring:framework_detail", "monitoring:framework_download")
    ),
    *(
        Row(name, "GET", secretariat_only(), target="round")
        for name in (
            "monitoring:round_detail",
            "monitoring:round_update",
            "monitoring:round_invite",
        )
    ),
    *(
        Row(name, "GET", secretariat_only(405), target="round")
        for name in ("monitoring:round_status", "monitoring:round_remind")
    ),
    Row("monitoring:ledger", "GET", secretariat_only(), target="other_org"),
    Row(
        "monitoring:framework_upload",
        "POST",
        secretariat_only(Redirect("monitoring:framework_detail", "created")),
        data="framework_v2",
    ),
    Row(
        "monitoring:round_create",
        "POST",
        secretariat_only(Redirect("monitoring:round_detail", "created")),
        data="new_round",
    ),
    Row(
        "monitoring:round_update",
        "POST",
        secretariat_only(TO_ROUND),
        target="round",
        data="round_edit",
    ),
    Row(
        "monitoring:round_status",
        "POST",
        secretariat_only(TO_ROUND),
        target="round",
        data="round_close",
    ),
    Row(
        "monitoring:round_invite",
        "POST",
        secretariat_only(TO_ROUND),
        target="round",
        data="round_invite",
    ),
    Row(
        "monitoring:round_remind",
        "POST",
        secretariat_only(TO_ROUND),
        target="round",
    ),
    # --- monitoring, the company's side (monitoring/views/company.py) ------------------
    # "My assessments" is the company's list; the secretariat follows a round's
    # companies on round_detail instead, so the view refuses it (403).
    Row("monitoring:assessment_list", "GET", only(COMPANY, 200, 403)),
    # The pages of one assessment: the company's own; another company's is not there
    # for it (404); the secretariat reads every assessment (its review), read-only.
    *(
        row
        for name, own, other in (
            ("monitoring:assessment_profile", "own_assessment", "other_assessment"),
            ("monitoring:assessment_step", "own_step", "other_step"),
            ("monitoring:answer_save", "own_question", "other_question"),
            ("monitoring:assessment_review", "own_assessment", "other_assessment"),
            ("monitoring:assessment_result", "own_assessment", "other_assessment"),
            ("monitoring:evidence_download", "own_evidence", "other_evidence"),
        )
        for row in (
            Row(name, "GET", own_assessment(200, secretariat=200), target=own),
            Row(name, "GET", other_assessment(secretariat=200), target=other),
        )
    ),
    # Actions are POST only: the people who may open the assessment get 405 on GET.
    *(
        Row(name, "GET", company_page(405, 405), target=target)
        for name, target in (
            ("monitoring:evidence_upload", "own_question"),
            ("monitoring:evidence_delete", "own_evidence"),
            ("monitoring:assessment_submit", "own_assessment"),
            ("monitoring:assessment_resubmit", "own_assessment"),
            ("monitoring:assessment_copy_forward", "own_assessment"),
        )
    ),
    # Changing an assessment is the company's alone: the secretariat reads, never
    # writes (403), another company's assessment is not found (404).
    *(
        row
        for name, own, other, success, data in (
            (
                "monitoring:assessment_profile",
                "own_assessment",
                "other_assessment",
                TO_OWN_STEP,
                "profile",
            ),
            (
                "monitoring:assessment_step",
                "own_step",
                "other_step",
                TO_OWN_STEP,
                "step_answers",
            ),
            (
                "monitoring:answer_save",
                "own_question",
                "other_question",
                TO_OWN_STEP,
                "answer",
            ),
            (
                "monitoring:evidence_upload",
                "own_question",
                "other_question",
                TO_OWN_STEP,
                "evidence",
            ),
            (
                "monitoring:evidence_delete",
                "own_evidence",
                "other_evidence",
                TO_OWN_STEP,
                "",
            ),
            # Nothing answered yet: the judgement is red and the window opens.
            (
                "monitoring:assessment_submit",
                "own_assessment",
                "other_assessment",
                TO_OWN_RESULT,
                "",
            ),
            # No improvement window is open: back to the result with the reason.
            (
                "monitoring:assessment_resubmit",
                "own_assessment",
                "other_assessment",
                TO_OWN_RESULT,
                "",
            ),
            # No earlier assessment to copy from: on to the first step.
            (
                "monitoring:assessment_copy_forward",
                "own_assessment",
                "other_assessment",
                TO_OWN_STEP,
                "",
            ),
        )
        for row in (
            Row(name, "POST", own_assessment(success), target=own, data=data),
            Row(name, "POST", other_assessment(), target=other, data=data),
        )
    ),
    # --- monitoring, the follow-up of a judgement (monitoring/views/followup.py) ---------
    # The queue, planning and changing talks, their notes and actions, the review of a
    # submission and its comments: the secretariat's alone (SecretariatMixin: 403 for
    # every other role, before any object is looked up). The talks are on the current
    # round's assessments; the orange judgements, the answers and their requests for
    # clarification on the submitted assessments of the earlier round.
    Row("monitoring:talk_queue", "GET", secretariat_only()),
    *(
        row
        for target in ("own_judged", "other_judged")
        for row in (
            Row("monitoring:talk_create", "GET", secretariat_only(), target=target),
            # Judged orange without a planned talk: the talk is planned.
            Row(
                "monitoring:talk_create",
                "POST",
                secretariat_only(Redirect("monitoring:talk_detail", "created")),
                target=target,
                data="talk",
            ),
            Row(
                "monitoring:assessment_review_secretariat",
                "GET",
                secretariat_only(),
                target=target,
            ),
        )
    ),
    *(
        row
        for target in ("own_talk", "other_talk")
        for row in (
            Row("monitoring:talk_update", "GET", secretariat_only(), target=target),
            Row(
                "monitoring:talk_update",
                "POST",
                secretariat_only(Redirect("monitoring:talk_detail", "same")),
                target=target,
                data="talk_edit",
            ),
            Row(
                "monitoring:talk_cancel",
                "POST",
                secretariat_only(Redirect("monitoring:talk_detail", "same")),
                target=target,
            ),
            # The talk started two hours ago: the notes make it held.
            Row(
                "monitoring:talk_notes",
                "POST",
                secretariat_only(Redirect("monitoring:talk_detail", "same")),
                target=target,
                data="talk_notes",
            ),
            Row(
                "monitoring:talk_action_add",
                "POST",
                secretariat_only(Redirect("monitoring:talk_detail", "same")),
                target=target,
                data="talk_action",
            ),
        )
    ),
    *(
        Row(
            "monitoring:talk_action_update",
            "POST",
            secretariat_only(Redirect("monitoring:talk_detail", talk)),
            target=action,
            data="talk_action_update",
        )
        for action, talk in (("own_action", "own_talk"), ("other_action", "other_talk"))
    ),
    *(
        row
        for answer, comment, judged in (
            ("own_answer", "own_comment", "own_judged"),
            ("other_answer", "other_comment", "other_judged"),
        )
        for row in (
            Row(
                "monitoring:comment_add",
                "POST",
                secretariat_only(
                    Redirect("monitoring:assessment_review_secretariat", judged)
                ),
                target=answer,
                data="comment",
            ),
            Row(
                "monitoring:comment_resolve",
                "POST",
                secretariat_only(
                    Redirect("monitoring:assessment_review_secretariat", judged)
                ),
                target=comment,
            ),
        )
    ),
    # Actions are POST only: the secretariat gets 405 on GET.
    *(
        Row(name, "GET", secretariat_only(405), target=target)
        for name, target in (
            ("monitoring:talk_cancel", "own_talk"),
            ("monitoring:talk_notes", "own_talk"),
            ("monitoring:talk_action_add", "own_talk"),
            ("monitoring:talk_action_update", "own_action"),
            ("monitoring:comment_add", "own_answer"),
            ("monitoring:comment_resolve", "own_comment"),
        )
    ),
    # The company sees its own talks (without the notes) and requests for clarification;
    # another company's are not there for it (404); the secretariat sees all of them.
    *(
        row
        for name, own, other in (
            ("monitoring:talk_detail", "own_talk", "other_talk"),
            ("monitoring:talk_list", "own_assessment", "other_assessment"),
            ("monitoring:clarification_list", "own_judged", "other_judged"),
        )
        for row in (
            Row(name, "GET", company_page(200, 200), target=own),
            Row(name, "GET", company_page(404, 200), target=other),
        )
    ),
    # Only the company replies to a request on its own answer; the secretariat comments
    # with comment_add and is refused here (403).
    Row(
        "monitoring:comment_reply", "GET", company_page(405, 405), target="own_comment"
    ),
    Row(
        "monitoring:comment_reply",
        "POST",
        company_page(Redirect("monitoring:clarification_list", "own_judged"), 403),
        target="own_comment",
        data="reply",
    ),
    Row(
        "monitoring:comment_reply",
        "POST",
        company_page(404, 403),
        target="other_comment",
        data="reply",
    ),
    # --- plans of approach and risk analyses (views/plans.py) ---------------------------
    # A company's people hand in their own plan and keep their own risk analysis; the
    # secretariat sees everybody's (read-only); another company's are not there (404).
    Row("monitoring:plan_list", "GET", only(COMPANY, 200, 403)),
    Row("monitoring:plan_overview", "GET", secretariat_only()),
    Row("monitoring:plan_edit", "GET", only(COMPANY, 200, 403), target="plan_year"),
    Row(
        "monitoring:plan_edit",
        "POST",
        only(COMPANY, Redirect("monitoring:plan_edit", "same"), 403),
        target="plan_year",
        data="plan",
    ),
    Row("monitoring:plan_file", "GET", company_page(200, 200), target="own_plan"),
    Row("monitoring:plan_file", "GET", company_page(404, 200), target="other_plan"),
    *(
        Row("monitoring:company_plan", "GET", secretariat_only(), target=target)
        for target in ("own_company_plan", "other_company_plan")
    ),
    Row("monitoring:risk_list", "GET", only(COMPANY, 200, 403), target="plan_year"),
    Row("monitoring:risk_create", "GET", only(COMPANY, 200, 403), target="plan_year"),
    Row(
        "monitoring:risk_create",
        "POST",
        only(COMPANY, Redirect("monitoring:risk_list", "same"), 403),
        target="plan_year",
        data="risk",
    ),
    # Year 1 has risks already: nothing is copied, the page says why.
    Row(
        "monitoring:risk_copy_forward",
        "POST",
        only(COMPANY, Redirect("monitoring:risk_list", "same"), 403),
        target="plan_year",
    ),
    Row("monitoring:risk_update", "GET", only(COMPANY, 200, 403), target="own_risk"),
    Row("monitoring:risk_update", "GET", only(COMPANY, 404, 403), target="other_risk"),
    Row(
        "monitoring:risk_update",
        "POST",
        only(COMPANY, Redirect("monitoring:risk_list", "plan_year"), 403),
        target="own_risk",
        data="risk",
    ),
    Row(
        "monitoring:risk_update",
        "POST",
        only(COMPANY, 404, 403),
        target="other_risk",
        data="risk",
    ),
    Row(
        "monitoring:risk_delete",
        "POST",
        only(COMPANY, Redirect("monitoring:risk_list", "plan_year"), 403),
        target="own_risk",
    ),
    Row("monitoring:risk_delete", "POST", only(COMPANY, 404, 403), target="other_risk"),
    *(
        Row(name, "GET", only(COMPANY, 405, 403), target=target)
        for name, target in (
            ("monitoring:risk_copy_forward", "plan_year"),
            ("monitoring:risk_delete", "own_risk"),
        )
    ),
    # --- ketenkaart: production-location lists (ketenkaart/views/) ----------------------
    # A company keeps its own list (admins and members alike); the secretariat reads
    # every list on its own pages and is refused the company's (403); nobody else sees
    # a list at all (403). Another company's location or import is not there (404).
    *(
        Row(name, "GET", only(COMPANY, 200, 403), target=target)
        for name, target in (
            ("ketenkaart:list_index", ""),
            ("ketenkaart:list_detail", "list_year"),
            ("ketenkaart:location_create", "list_year"),
            ("ketenkaart:list_export", "list_year"),
            ("ketenkaart:import_upload", "list_year"),
            ("ketenkaart:location_update", "own_location"),
            ("ketenkaart:location_delete", "own_location"),
            ("ketenkaart:import_detail", "own_import"),
            ("ketenkaart:import_progress", "own_import"),
        )
    ),
    *(
        Row(name, "GET", only(COMPANY, 404, 403), target=target)
        for name, target in (
            ("ketenkaart:location_update", "other_location"),
            ("ketenkaart:location_delete", "other_location"),
            ("ketenkaart:import_detail", "other_import"),
            ("ketenkaart:import_progress", "other_import"),
        )
    ),
    *(
        Row(name, "GET", only(COMPANY, 405, 403), target=target)
        for name, target in (
            ("ketenkaart:list_submit", "list_year"),
            ("ketenkaart:import_confirm", "own_import"),
        )
    ),
    Row(
        "ketenkaart:location_create",
        "POST",
        only(COMPANY, Redirect("ketenkaart:list_detail", "same"), 403),
        target="list_year",
        data="location",
    ),
    Row(
        "ketenkaart:location_update",
        "POST",
        only(COMPANY, Redirect("ketenkaart:list_detail", "list_year"), 403),
        target="own_location",
        data="location",
    ),
    Row(
        "ketenkaart:location_update",
        "POST",
        only(COMPANY, 404, 403),
        target="other_location",
        data="location",
    ),
    Row(
        "ketenkaart:location_delete",
        "POST",
        only(COMPANY, Redirect("ketenkaart:list_detail", "list_year"), 403),
        target="own_location",
    ),
    Row(
        "ketenkaart:location_delete",
        "POST",
        only(COMPANY, 404, 403),
        target="other_location",
    ),
    # The own list has a location: it is submitted.
    Row(
        "ketenkaart:list_submit",
        "POST",
        only(COMPANY, Redirect("ketenkaart:list_detail", "same"), 403),
        target="list_year",
    ),
    # Posting no file shows the form again with its error.
    Row(
        "ketenkaart:import_upload", "POST", only(COMPANY, 200, 403), target="list_year"
    ),
    # The own import found a problem, so there is nothing to confirm: back to it.
    Row(
        "ketenkaart:import_confirm",
        "POST",
        only(COMPANY, Redirect("ketenkaart:import_detail", "same"), 403),
        target="own_import",
    ),
    Row(
        "ketenkaart:import_confirm",
        "POST",
        only(COMPANY, 404, 403),
        target="other_import",
    ),
    # The template holds no company's data: for the companies and the secretariat.
    Row(
        "ketenkaart:import_template",
        "GET",
        only(COMPANY | {"secretariat"}, 200, 403),
    ),
    # Every company's list, with name and address data: the secretariat's alone.
    Row("ketenkaart:overview", "GET", secretariat_only()),
    Row(
        "ketenkaart:company_list",
        "GET",
        secretariat_only(),
        target="other_company_list",
    ),
    Row(
        "ketenkaart:company_export",
        "GET",
        secretariat_only(),
        target="other_company_list",
    ),
    # --- ketenkaart: the published list (views/releases.py) ---------------------------
    # Every party sees published releases; the secretariat publishes, follows builds,
    # sees exact figures and records the rule and the Kerngroep's decisions.
    Row("ketenkaart:release_index", "GET", signed_in()),
    Row("ketenkaart:release_detail", "GET", signed_in(), target="release"),
    Row("ketenkaart:release_download", "GET", signed_in(), target="release_csv"),
    Row("ketenkaart:release_status", "GET", secretariat_only(), target="release"),
    Row("ketenkaart:release_exact", "GET", secretariat_only(), target="release"),
    Row("ketenkaart:release_publish", "GET", secretariat_only(405)),
    Row(
        "ketenkaart:release_publish",
        "POST",
        secretariat_only(Redirect("ketenkaart:release_detail", "created")),
        data="publish",
    ),
    Row("ketenkaart:disclosure_rules", "GET", secretariat_only()),
    Row(
        "ketenkaart:disclosure_rules",
        "POST",
        secretariat_only(Redirect("ketenkaart:disclosure_rules")),
        data="disclosure_rule",
    ),
    # Restricted disclosure: a company asks and withdraws for itself; the Kerngroep
    # (and the chair) read every request; the secretariat also records decisions.
    Row(
        "ketenkaart:restriction_list",
        "GET",
        only(COMPANY | {"secretariat", "kerngroep", "chair"}, 200, 403),
    ),
    Row(
        "ketenkaart:restriction_list",
        "POST",
        only(COMPANY, Redirect("ketenkaart:restriction_list"), 403),
        data="restriction",
    ),
    Row(
        "ketenkaart:restriction_withdraw",
        "POST",
        only(COMPANY, Redirect("ketenkaart:restriction_list"), 403),
        target="own_restriction",
    ),
    Row(
        "ketenkaart:restriction_withdraw",
        "POST",
        only(COMPANY, 404, 403),
        target="other_restriction",
    ),
    Row(
        "ketenkaart:restriction_withdraw",
        "GET",
        only(COMPANY | {"secretariat", "kerngroep", "chair"}, 405, 403),
        target="own_restriction",
    ),
    Row(
        "ketenkaart:restriction_decide",
        "GET",
        secretariat_only(),
        target="other_restriction",
    ),
    Row(
        "ketenkaart:restriction_decide",
        "POST",
        secretariat_only(Redirect("ketenkaart:restriction_list")),
        target="other_restriction",
        data="decision",
    ),
    # --- ketenkaart: requests and reports around the map (views/requests.py) ----------
    # NGOs and unions ask which companies are active in an area and see their own
    # requests (another organisation's: 404); the secretariat sees and decides all.
    Row(
        "ketenkaart:area_request_list",
        "GET",
        only(NGO_UNION | {"secretariat"}, 200, 403),
    ),
    Row("ketenkaart:area_request_create", "GET", only(NGO_UNION, 200, 403)),
    Row(
        "ketenkaart:area_request_create",
        "POST",
        only(NGO_UNION, Redirect("ketenkaart:area_request_detail", "created"), 403),
        data="area_request",
    ),
    Row(
        "ketenkaart:area_request_detail",
        "GET",
        only(NGO_UNION | {"secretariat"}, 200, 403),
        target="own_area_request",
    ),
    Row(
        "ketenkaart:area_request_detail",
        "GET",
        only(NGO_UNION, 404, 403) | {"secretariat": 200},
        target="other_area_request",
    ),
    Row(
        "ketenkaart:area_request_decide",
        "GET",
        secretariat_only(),
        target="other_area_request",
    ),
    Row(
        "ketenkaart:area_request_decide",
        "POST",
        secretariat_only(Redirect("ketenkaart:area_request_detail", "same")),
        target="other_area_request",
        data="area_decision",
    ),
    # The expertise overview is shared with every party; NGOs and unions keep their own.
    Row("ketenkaart:expertise_list", "GET", signed_in()),
    Row("ketenkaart:expertise_edit", "GET", only(NGO_UNION, 200, 403)),
    Row(
        "ketenkaart:expertise_edit",
        "POST",
        only(NGO_UNION, Redirect("ketenkaart:expertise_list"), 403),
        data="expertise",
    ),
    # Supplier reports: the reporter sees its own, a company those it was pointed to,
    # the secretariat all; only the secretariat matches; the reporter never sees the
    # dialogue with companies, a company never the evidence.
    Row(
        "ketenkaart:supplier_report_list",
        "GET",
        only(NGO_UNION | COMPANY | {"secretariat"}, 200, 403),
    ),
    Row("ketenkaart:supplier_report_create", "GET", only(NGO_UNION, 200, 403)),
    Row(
        "ketenkaart:supplier_report_create",
        "POST",
        only(NGO_UNION, Redirect("ketenkaart:supplier_report_detail", "created"), 403),
        data="supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_detail",
        "GET",
        only(NGO_UNION | {"secretariat"}, 200, 403) | dict.fromkeys(COMPANY, 404),
        target="own_supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_detail",
        "GET",
        only(COMPANY | {"secretariat"}, 200, 403) | dict.fromkeys(NGO_UNION, 404),
        target="other_supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_evidence",
        "GET",
        only(NGO_UNION | {"secretariat"}, 200, 403) | dict.fromkeys(COMPANY, 404),
        target="own_supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_evidence",
        "GET",
        only({"secretariat"}, 200, 403) | dict.fromkeys(NGO_UNION | COMPANY, 404),
        target="other_supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_match",
        "GET",
        secretariat_only(),
        target="own_supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_match",
        "POST",
        secretariat_only(Redirect("ketenkaart:supplier_report_detail", "same")),
        target="own_supplier_report",
        data="supplier_match",
    ),
    Row(
        "ketenkaart:supplier_report_note",
        "GET",
        only(COMPANY | {"secretariat"}, 405, 403),
        target="other_supplier_report",
    ),
    Row(
        "ketenkaart:supplier_report_note",
        "POST",
        only(
            COMPANY | {"secretariat"},
            Redirect("ketenkaart:supplier_report_detail", "same"),
            403,
        ),
        target="other_supplier_report",
        data="supplier_note",
    ),
    Row(
        "ketenkaart:supplier_report_note",
        "POST",
        only(
            {"secretariat"}, Redirect("ketenkaart:supplier_report_detail", "same"), 403
        )
        | dict.fromkeys(COMPANY, 404),
        target="own_supplier_report",
        data="supplier_note",
    ),
    # --- allauth: sign-in, account and two-factor pages -------------------------------
    Row("account_login", "GET", signed_in(TO_DASHBOARD, anonymous=200)),
    Row(
        "account_logout",
        "GET",
        signed_in(200, anonymous=Redirect("account_login")),
    ),
    Row("account_logout", "POST", everyone(Redirect("account_login"))),
    # Sign-up is closed (invitation only): allauth shows its "sign-up closed" page.
    Row("account_signup", "GET", signed_in(TO_DASHBOARD, anonymous=200)),
    Row(
        "account_signup",
        "POST",
        signed_in(TO_DASHBOARD, anonymous=200),
        data="signup",
    ),
    Row("account_inactive", "GET", everyone(200)),
    Row("account_reauthenticate", "GET", signed_in()),
    Row("account_email", "GET", signed_in()),
    Row("account_email_verification_sent", "GET", everyone(200)),
    Row("account_confirm_email", "GET", everyone(200), target="email_key"),
    Row("account_change_password", "GET", signed_in()),
    # Everybody has a password (set when accepting the invitation).
    Row("account_set_password", "GET", signed_in(Redirect("account_change_password"))),
    Row("account_reset_password", "GET", everyone(200)),
    Row("account_reset_password_done", "GET", everyone(200)),
    Row("account_reset_password_from_key", "GET", everyone(200), target="reset_key"),
    Row("account_reset_password_from_key_done", "GET", everyone(200)),
    # Sign-in by emailed code is not switched on: nothing to confirm.
    Row(
        "account_confirm_login_code",
        "GET",
        signed_in(TO_DASHBOARD, anonymous=Redirect("account_login")),
    ),
    Row("mfa_index", "GET", signed_in()),
    # Only reachable half-way through a sign-in; otherwise back to the start.
    Row(
        "mfa_authenticate",
        "GET",
        signed_in(TO_DASHBOARD, anonymous=Redirect("account_login")),
    ),
    Row("mfa_reauthenticate", "GET", signed_in(Redirect("account_reauthenticate"))),
    # Setting up an authenticator asks for the password again first: force_login in
    # these tests records no recent sign-in (test_auth.py covers the real flow).
    Row(
        "mfa_activate_totp",
        "GET",
        signed_in(Redirect("account_reauthenticate", with_next=True)),
    ),
    Row(
        "mfa_generate_recovery_codes",
        "GET",
        signed_in(Redirect("account_reauthenticate", with_next=True)),
    ),
    # Nobody in the matrix has an authenticator yet: nothing to switch off or show.
    Row("mfa_deactivate_totp", "GET", signed_in(404)),
    Row("mfa_view_recovery_codes", "GET", signed_in(404)),
    Row("mfa_download_recovery_codes", "GET", signed_in(404)),
    # --- the Django admin --------------------------------------------------------------
    # Nobody in the matrix is staff: the admin sends them to its login page. That page
    # (convenant.views.admin_login) signs nobody in itself: anonymous people go on to
    # allauth's sign-in page (?next= the admin, not the login page), and a signed-in
    # person who is not staff is refused.
    Row("admin:index", "GET", everyone(Redirect("admin:login", with_next=True))),
    Row("admin:login", "GET", signed_in(403, anonymous=Redirect("account_login"))),
    Row("admin:logout", "GET", everyone(Redirect("admin:index"))),
)

# The areas that bring their own rows, data, watched tables and world objects.
_EXTENSIONS = tuple(importlib.import_module(name) for name in EXTENSIONS)
MATRIX += tuple(row for module in _EXTENSIONS for row in module.ROWS)

# ADMIN RULE: every other name in the `admin` namespace (model changelists, add/change/
# delete/history pages, app lists, password change, autocomplete, jsi18n, view_on_site)
# passes through the same `AdminSite.admin_view` staff check as admin:index, so one rule
# covers them: anybody who is not staff is sent to admin:login (see
# test_rest_of_the_admin_sends_non_staff_to_its_login). New admin pages are covered
# automatically.
ADMIN_NAMESPACE = "admin:"


def covered_by_admin_rule(name: str) -> bool:
    return name.startswith(ADMIN_NAMESPACE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, monkeypatch, tmp_path):
    """Evidence is written to and read from a temporary folder. The evidence field's
    storage is made when the model is imported, so besides the setting the storage
    itself is moved there."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    use_private_storage(monkeypatch, settings.PRIVATE_MEDIA_ROOT)
    use_report_storage(monkeypatch, settings.PRIVATE_MEDIA_ROOT)


# --- the URL list ---------------------------------------------------------------------


@dataclass(frozen=True)
class NamedUrl:
    name: str
    kwargs: tuple[str, ...]


def named_urls(
    patterns=None, namespace: str = "", kwargs: tuple[str, ...] = ()
) -> Iterator[NamedUrl]:
    """Every named URL pattern of the project, with its full name (namespace:name) and
    the kwargs it needs."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        own_kwargs = kwargs + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            prefix = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from named_urls(pattern.url_patterns, prefix, own_kwargs)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield NamedUrl(f"{namespace}{pattern.name}", own_kwargs)


# --- the world each case runs in ------------------------------------------------------


# The question the matrix answers and adds documents to: 1.1 of the test framework
# (single choice, documents required), which applies to the profile of
# profiled_assessment.
QUESTION = "1.1"


def build_world(role: str) -> World:
    person = None if role == ANONYMOUS else make_person(role)
    own_org = person.organisation if person else OrganisationFactory()
    other_org = OrganisationFactory(name="Andere Metaal B.V.")
    colleague = UserFactory(organisation=own_org)
    other_person = UserFactory(organisation=other_org)
    own_invitation, _ = invitation_with_token(organisation=own_org)
    other_invitation, _ = invitation_with_token(organisation=other_org)
    _, token = invitation_with_token(organisation=other_org)
    year = AgreementYear.objects.get(agreement__code="metaal-2025-2029", number=1)
    contribution = Contribution.objects.create(
        organisation=other_org, agreement_year=year, fte=other_org.fte, amount=500
    )
    # Monitoring: an open round of the test framework in which the requesting person's
    # company (another company when the person belongs to none) and the other company
    # are filling in their profiled assessments, each with one document at question
    # 1.1; a company not invited yet; and a judgement of the other company in an
    # earlier, closed round, for its ledger.
    framework = FrameworkFactory()
    round_ = RoundFactory(framework=framework)
    own_company = (
        own_org
        if own_org.kind == OrganisationKind.COMPANY
        else OrganisationFactory(name="Eigen Metaal B.V.")
    )
    own_assessment = profiled_assessment(round=round_, organisation=own_company)
    other_assessment = profiled_assessment(round=round_, organisation=other_org)
    own_evidence = stored_evidence(own_assessment)
    other_evidence = stored_evidence(other_assessment)
    OrganisationFactory(name="Nog Niet Uitgenodigd B.V.")
    earlier = RoundFactory(
        framework=framework,
        name="Proefmeting",
        opens_on=dt.date(2025, 11, 3),
        closes_on=dt.date(2026, 1, 30),
        status=RoundStatus.CLOSED,
    )
    # The follow-up: in the earlier round both companies submitted and were judged
    # orange (first judgement), so each is waiting for an improvement talk; each has an
    # answer (left empty, so nothing is copied forward from it) with an open request for
    # clarification. In the current round each company has a planned talk that started
    # two hours ago (so its notes can be recorded), with one agreed action.
    secretariat_person = round_.created_by
    judged = {}
    comments = {}
    talks = {}
    actions = {}
    for side, company, current in (
        ("own", own_company, own_assessment),
        ("other", other_org, other_assessment),
    ):
        judged[side] = AssessmentFactory(
            round=earlier,
            organisation=company,
            status=AssessmentStatus.SUBMITTED,
            submitted_at=dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC),
        )
        ScoreRecordFactory(
            assessment=judged[side], kind=ScoreKind.FIRST, signal=Signal.ORANGE
        )
        answer = Answer.objects.create(
            assessment=judged[side], question_code=QUESTION, revision=0
        )
        comments[side] = ReviewComment.objects.create(
            answer=answer,
            kind=ReviewComment.Kind.CLARIFICATION,
            text="Sinds welk jaar geldt dit beleid?",
            author=secretariat_person,
        )
        talks[side] = ImprovementTalk.objects.create(
            assessment=current,
            scheduled_at=timezone.now() - dt.timedelta(hours=2),
            location="Den Haag",
            management_present=True,
            status=TalkStatus.PLANNED,
            created_by=secretariat_person,
        )
        actions[side] = TalkAction.objects.create(
            talk=talks[side],
            description="Beleid publiceren",
            due_on=dt.date(2030, 1, 31),
        )
    # Plans and risk analyses: each company handed in a plan (with a document) for
    # year 1 and recorded one risk.
    plans = {}
    risks = {}
    for side, company in (("own", own_company), ("other", other_org)):
        plan = PlanOfApproach(
            organisation=company,
            agreement_year=year,
            themes=["child_labour"],
            risks_addressed="Kinderarbeid bij ambachtelijke mijnen.",
            planned_actions="Audit van de smelter.",
            original_name="plan-van-aanpak.pdf",
            submitted_by=secretariat_person,
        )
        plan.file.save("upload", ContentFile(pdf_bytes()), save=False)
        plan.save()
        plans[side] = plan
        risks[side] = RiskEntry.objects.create(
            organisation=company,
            agreement_year=year,
            theme="child_labour",
            country="CD",
            material="cobalt",
            scale=5,
            scope=4,
            irremediability=5,
            likelihood=3,
            explanation="Ambachtelijke kobaltmijnen.",
            updated_by=secretariat_person,
        )
    # Ketenkaart: the requesting person's company (another company when the person
    # belongs to none) and the other company each have a list with one location, and an
    # upload whose check found a problem.
    own_location = LocationFactory(
        location_list=LocationListFactory(company=own_company)
    )
    other_location = LocationFactory(
        location_list=LocationListFactory(company=other_org)
    )
    own_import = LocationImportFactory(company=own_company)
    other_import = LocationImportFactory(company=other_org)
    # The published list: a submitted list of 2025 (of a third company) to publish
    # from, a published release with one figure, and restricted disclosure: the own
    # company's approved restriction and the other company's request still waiting.
    LocationFactory(
        location_list=LocationListFactory(
            company=OrganisationFactory(name="Derde Metaal B.V."),
            year=2025,
            status="submitted",
            submitted_at=timezone.now(),
        )
    )
    release = LocationRelease.objects.create(
        year=2025,
        number=1,
        status=ReleaseStatus.PUBLISHED,
        rules={"k": 3},
        published_at=timezone.now(),
    )
    ReleaseCell.objects.create(
        release=release,
        position=0,
        area_level="country",
        area_code="CD",
        activity="mining",
        companies_band="3-4",
        locations_band="10-49",
        exact_companies=3,
        exact_locations=12,
        company_ids=[own_company.pk, other_org.pk],
        countries=["CD"],
    )
    own_restriction = RestrictedDisclosure.objects.create(
        company=own_company,
        requested_level="region",
        reason="Eén leverancier zou herkenbaar zijn.",
        status="approved",
        approved_level="region",
        decided_on=dt.date(2026, 3, 12),
        requested_by=secretariat_person,
    )
    other_restriction = RestrictedDisclosure.objects.create(
        company=other_org,
        requested_level="world",
        reason="Onze enige smelter zou herkenbaar zijn.",
        requested_by=secretariat_person,
    )
    # Requests and reports around the map: an area request and a supplier report of
    # the requesting person's NGO or union (of another NGO when the person belongs to
    # none) and of the other NGO; the other NGO's report (with evidence) was pointed to
    # the own company, the own one to nobody yet. The own company lists the reported
    # supplier, so the secretariat can notify it.
    own_ngo = (
        own_org
        if own_org.kind in {OrganisationKind.NGO, OrganisationKind.UNION}
        else OrganisationFactory(name="Eigen NGO", ngo=True)
    )
    other_ngo = OrganisationFactory(name="Andere NGO", ngo=True)
    area_requests = {
        side: AreaRequest.objects.create(
            organisation=ngo,
            area_level="country",
            area_code="CD",
            reason="Kobalt uit ambachtelijke mijnen.",
            requested_by=secretariat_person,
        )
        for side, ngo in (("own", own_ngo), ("other", other_ngo))
    }
    supplier_reports = {}
    for side, ngo in (("own", own_ngo), ("other", other_ngo)):
        supplier_report = SupplierReport(
            organisation=ngo,
            supplier_name=own_location.supplier_name,
            normalised_name=own_location.normalised_name,
            country=own_location.country,
            activity="mining",
            description="Onveilige werkomstandigheden.",
            evidence_name="foto.pdf",
            evidence_type="application/pdf",
            reported_by=secretariat_person,
        )
        supplier_report.evidence.save("upload", ContentFile(pdf_bytes()), save=False)
        supplier_report.save()
        supplier_reports[side] = supplier_report
    SupplierReportCompany.objects.create(
        report=supplier_reports["other"],
        company=own_company,
        matched_names=[own_location.supplier_name],
        notified_by=secretariat_person,
    )
    world = World(person=person, own_org=own_org, other_org=other_org)
    world.context = {
        "own_company": own_company,
        "other_company": other_org,
        "own_ngo": own_ngo,
        "other_ngo": other_ngo,
        "secretariat_person": secretariat_person,
        "year": year,
    }
    world.targets = {
        "own_org": {"pk": own_org.pk},
        "other_org": {"pk": other_org.pk},
        "own_invitation": {"pk": own_invitation.pk},
        "other_invitation": {"pk": other_invitation.pk},
        "colleague": {"pk": colleague.pk},
        "other_person": {"pk": other_person.pk},
        "year": {"pk": year.pk},
        "contribution": {"pk": contribution.pk},
        "token": {"token": token},
        "unknown_token": {"token": "no-such-invitation-token"},
        "framework": {"pk": framework.pk},
        "round": {"pk": round_.pk},
        "own_assessment": {"pk": own_assessment.pk},
        "other_assessment": {"pk": other_assessment.pk},
        "own_step": {"pk": own_assessment.pk, "step": "1"},
        "other_step": {"pk": other_assessment.pk, "step": "1"},
        "own_question": {"pk": own_assessment.pk, "code": QUESTION},
        "other_question": {"pk": other_assessment.pk, "code": QUESTION},
        "own_evidence": {"pk": own_evidence.pk},
        "other_evidence": {"pk": other_evidence.pk},
        **{
            f"{side}_{name}": {"pk": objects[side].pk}
            for side in ("own", "other")
            for name, objects in (
                ("judged", judged),
                ("answer", {k: c.answer for k, c in comments.items()}),
                ("comment", comments),
                ("talk", talks),
                ("action", actions),
            )
        },
        "plan_year": {"year": year.number},
        "own_company_plan": {"pk": own_company.pk, "year": year.number},
        "other_company_plan": {"pk": other_org.pk, "year": year.number},
        **{
            f"{side}_{name}": {"pk": objects[side].pk}
            for side in ("own", "other")
            for name, objects in (("plan", plans), ("risk", risks))
        },
        "list_year": {"year": own_location.location_list.year},
        "release": {"pk": release.pk},
        "release_csv": {"pk": release.pk, "fmt": "csv"},
        "own_restriction": {"pk": own_restriction.pk},
        "other_restriction": {"pk": other_restriction.pk},
        "own_area_request": {"pk": area_requests["own"].pk},
        "other_area_request": {"pk": area_requests["other"].pk},
        "own_supplier_report": {"pk": supplier_reports["own"].pk},
        "other_supplier_report": {"pk": supplier_reports["other"].pk},
        "matched_company": {"pk": own_company.pk},
        "own_location": {"pk": own_location.pk},
        "other_location": {"pk": other_location.pk},
        "own_import": {"pk": own_import.pk},
        "other_import": {"pk": other_import.pk},
        "other_company_list": {
            "pk": other_org.pk,
            "year": other_location.location_list.year,
        },
        "email_key": {"key": "no-such-confirmation-key"},
        "reset_key": {"uidb36": "1", "key": "no-such-reset-key"},
    }
    for module in _EXTENSIONS:
        module.build(world)
    return world


def _organisation_data(world: World) -> dict:
    other = world.other_org
    return {
        "name": f"{other.name} (renamed)",
        "kind": "company",
        "kvk_number": other.kvk_number,
        "country": "NL",
        "fte": "80",
        "in_metal_supply_chain": "on",
        "csrd_category": "vsme",
        "participation": "party",
        "signed_on": "2025-10-16",
    }


def _round_data(world: World, **changes) -> dict:
    round_ = Round.objects.get(pk=world.targets["round"]["pk"])
    data = {
        "agreement_year": round_.agreement_year_id,
        "kind": round_.kind,
        "name": round_.name,
        "framework": round_.framework_id,
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
    }
    data.update(changes)
    return data


def _answer_data(world: World) -> dict:
    """An answer to QUESTION, as the step page posts it (its first revision)."""
    framework = Framework.objects.get(pk=world.targets["framework"]["pk"]).parsed
    prefix = question_prefix(framework, QUESTION)
    return {
        f"{prefix}-answer": "adopted",
        f"{prefix}-explanation": "Vastgesteld op 1 maart.",
        f"{prefix}-revision": "0",
        f"{prefix}-digest": "",
    }


def _prefixed(world: World, kind: str, fields: dict) -> dict:
    """The follow-up pages show one form per answer, action or comment, prefixed with
    its kind and pk: the fields for both the own and the other company's object (the
    form reads those of the object posted to and ignores the rest)."""
    return {
        f"{kind}-{world.targets[f'{side}_{kind}']['pk']}-{name}": value
        for side in ("own", "other")
        for name, value in fields.items()
    }


DATA: dict[str, Callable[[World], dict]] = {
    "language": lambda world: {"language": "en", "next": "/"},
    "location": lambda world: {
        "supplier_name": "Mina Ministro Hales",
        "address": "Camino a Chuquicamata",
        "city": "Calama",
        "country": "CL",
        "region_code": "CL-AN",
        "activity": "mining",
        "materials": ["copper"],
        "tier": "3",
        "external_id": "",
    },
    "agreement": lambda world: {
        "name": "Internationale MVO Sectorovereenkomst voor de Metaalsector 2025-2029",
        "short_name": "IMVO Metaal",
        "starts_on": "2025-10-16",
        "ends_on": "2029-12-31",
        "government_share": "47",
        "sector_share": "33",
        "ser_share": "20",
        "supporter_contribution": "1000",
    },
    "year": lambda world: {"starts_on": "2025-10-16", "ends_on": "2026-10-15"},
    "new_organisation": lambda world: {
        "name": "Nieuw Staal B.V.",
        "kind": "company",
        "kvk_number": "87654321",
        "country": "NL",
        "fte": "40",
        "in_metal_supply_chain": "on",
        "csrd_category": "vsme",
        "participation": "party",
        "status": "applicant",
        "signed_on": "",
    },
    "organisation_edit": _organisation_data,
    "status": lambda world: {"status": "withdrawing", "signed_on": ""},
    "invitation": lambda world: {
        "email": "nieuwe.collega@convenant.test",
        "first_name": "Nieuwe",
        "last_name": "Collega",
        "role": "member",
    },
    "finance_year": lambda world: {"year": "1"},
    "contribution_status": lambda world: {"status": "invoiced", "on": "2026-11-02"},
    "switch_off": lambda world: {"active": "0"},
    "accept": lambda world: {
        "first_name": "Robin",
        "last_name": "Jansen",
        "password1": "Zilver-Erts-Smelt-42",
        "password2": "Zilver-Erts-Smelt-42",
    },
    "signup": lambda world: {
        "email": "zelf.aanmelden@convenant.test",
        "password1": "Zilver-Erts-Smelt-42",
        "password2": "Zilver-Erts-Smelt-42",
    },
    "framework_v2": lambda world: {
        "text": TEST_FRAMEWORK_YAML.replace("version: 1", "version: 2", 1)
    },
    "new_round": lambda world: (
        _round_data(
            world, kind=RoundKind.EXTRA, name="Extra meting", opens_on="2026-07-01"
        )
        | {"closes_on": "2026-09-30"}
    ),
    "round_edit": lambda world: _round_data(world, name="Nulmeting (hernoemd)"),
    "round_close": lambda world: {"action": "close"},
    "round_invite": lambda world: {
        "organisations": [Organisation.objects.get(name="Nog Niet Uitgenodigd B.V.").pk]
    },
    "profile": lambda world: {
        "recycler": "no",
        "cahra_sourcing": "yes",
        "sources_3tg": "no",
        "csrd_category": "vsme",
        "fte": "120",
    },
    "step_answers": _answer_data,
    "answer": _answer_data,
    "evidence": lambda world: {"file": upload("gedragscode.pdf", pdf_bytes())},
    "talk": lambda world: {
        "scheduled_at": "2030-05-06T10:00",
        "duration_minutes": "90",
        "location": "Utrecht, zaal 3",
        "video_link": "",
        "participants": "Directeur; inkoper",
        "management_present": "on",
    },
    "talk_edit": lambda world: {
        "scheduled_at": "2030-05-07T14:00",
        "duration_minutes": "60",
        "location": "Den Haag",
        "video_link": "",
        "participants": "Directeur",
        "management_present": "on",
    },
    "talk_notes": lambda world: {"notes": "Directie was aanwezig; goed gesprek."},
    "talk_action": lambda world: {
        "description": "Leveranciers in kaart brengen",
        "due_on": "2030-03-31",
    },
    "talk_action_update": lambda world: _prefixed(
        world,
        "action",
        {"done_on": "2026-01-30", "follow_up": "Gepubliceerd op de website"},
    ),
    "comment": lambda world: _prefixed(
        world, "answer", {"kind": "comment", "text": "Graag het besluit toevoegen."}
    ),
    "reply": lambda world: _prefixed(world, "comment", {"text": "Sinds 2025."}),
    "publish": lambda world: {"year": "2025"},
    "disclosure_rule": lambda world: {
        "k": "4",
        "dominance_percent": "85",
        "valid_from": "2026-11-01",
        "decided_on": "2026-10-20",
        "note": "Kerngroep 20 oktober 2026",
    },
    "restriction": lambda world: {
        "requested_level": "subregion",
        "reason": "Onze enige leverancier in Rwanda zou herkenbaar zijn.",
    },
    "decision": lambda world: {
        "outcome": "approved",
        "level": "region",
        "decided_on": "2026-11-02",
        "note": "",
    },
    "area_request": lambda world: {
        "area": "subregion:017",
        "activity": "mining",
        "year": "",
        "reason": "Kinderarbeid in de kobaltmijnbouw.",
    },
    # The approval relies on the NGO's confidentiality clause, which
    # tests/governance/matrix_confidentiality.py gives both NGOs of the world.
    "area_decision": lambda world: {"outcome": "approved", "note": ""},
    "expertise": lambda world: {
        "countries": ["CD"],
        "areas": ["017"],
        "materials": ["cobalt"],
        "themes": ["child_labour"],
        "description": "Partners in Kolwezi.",
        "contact_name": "Lotte Visser",
        "contact_email": "lotte@tdh.test",
        "contact_phone": "",
    },
    "supplier_report": lambda world: {
        "supplier_name": "Mutanda Mining",
        "country": "CD",
        "activity": "mining",
        "description": "Gedwongen ontruiming.",
    },
    "supplier_match": lambda world: {
        "companies": [world.targets["matched_company"]["pk"]]
    },
    "supplier_note": lambda world: {"text": "Wij nemen contact op.", "status": ""},
    "plan": lambda world: {
        "themes": ["child_labour", "environment"],
        "risks_addressed": "Kobalt uit ambachtelijke mijnen.",
        "planned_actions": "Smelter auditen.",
        "report_link": "https://example.org/jaarverslag-2026.pdf",
    },
    "risk": lambda world: {
        "theme": "forced_labour",
        "country": "CN",
        "material": "graphite",
        "scale": "4",
        "scope": "4",
        "irremediability": "4",
        "likelihood": "3",
        "prioritised": "on",
        "explanation": "Grafiet uit Xinjiang.",
    },
}
for _module in _EXTENSIONS:
    DATA.update(_module.DATA)


# Tables a request could write to. A refused request leaves every row as it was.
WATCHED = (
    Agreement,
    AgreementYear,
    Answer,
    Assessment,
    AuditEntry,
    Contribution,
    Evidence,
    Framework,
    FteBand,
    ImprovementTalk,
    Invitation,
    DisclosureRule,
    Location,
    LocationImport,
    LocationList,
    LocationRelease,
    ReleaseCell,
    RestrictedDisclosure,
    AreaRequest,
    ExpertiseProfile,
    SupplierReport,
    SupplierReportCompany,
    SupplierReportNote,
    Organisation,
    PlanOfApproach,
    ReviewComment,
    RiskEntry,
    Round,
    ScoreRecord,
    TalkAction,
    User,
)
WATCHED += tuple(model for module in _EXTENSIONS for model in module.WATCHED)
REFUSALS = (403, 404, 405, SIGN_IN)


def snapshot() -> dict[str, list[dict]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED
    }


# The model whose newest row a "created" redirect leads to, by the URL it leads to.
CREATED = {
    "governance:organisation_detail": Organisation,
    "monitoring:framework_detail": Framework,
    "monitoring:round_detail": Round,
    "monitoring:talk_detail": ImprovementTalk,
    "ketenkaart:release_detail": LocationRelease,
    "ketenkaart:area_request_detail": AreaRequest,
    "ketenkaart:supplier_report_detail": SupplierReport,
}
for _module in _EXTENSIONS:
    CREATED.update(_module.CREATED)


def assert_response(response, expected: Expected, path: str, world: World, row: Row):
    if isinstance(expected, int):
        assert response.status_code == expected, response.get("Location")
        return
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    if expected.target == "same":
        kwargs = world.targets[row.target]
    elif expected.target == "created":
        kwargs = {"pk": CREATED[expected.to].objects.latest("id").pk}
    elif expected.target:
        kwargs = world.targets[expected.target]
    else:
        kwargs = None
    assert location.path == reverse(expected.to, kwargs=kwargs)
    if expected.with_next:
        assert parse_qs(location.query)["next"] == [path]


def _cases():
    for row in MATRIX:
        for role in ROLES:
            target = f"-{row.target}" if row.target else ""
            yield pytest.param(row, role, id=f"{row.name}-{row.method}{target}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), list(_cases()))
def test_permission_matrix(client, row: Row, role: str):
    world = build_world(role)
    if world.person is not None:
        client.force_login(world.person)
    path = reverse(row.name, kwargs=world.targets[row.target] if row.target else None)
    before = snapshot()
    if row.method == "GET":
        response = client.get(path)
    else:
        data = DATA[row.data](world) if row.data else {}
        response = client.post(path, data)

    expected = row.expect[role]
    assert_response(response, expected, path, world, row)
    if expected in REFUSALS:
        assert snapshot() == before, "a refused request changed nothing"


# Views that others are writing right now, whose access is theirs to decide: until a
# row is added above, their case below is an expected failure. Every view is decided
# now; a new one in progress goes here.
UNDECIDED: frozenset[str] = frozenset()


def _url_names():
    for url in named_urls():
        if covered_by_admin_rule(url.name):
            continue
        marks = []
        if url.name in UNDECIDED:
            marks.append(pytest.mark.xfail(strict=False, reason="view in progress"))
        yield pytest.param(url.name, id=url.name, marks=marks)


@pytest.mark.parametrize("name", list(_url_names()))
def test_every_url_name_is_in_the_matrix(name: str):
    """Adding a view means deciding here who may see it."""
    assert name in {row.name for row in MATRIX}


def test_the_matrix_names_only_existing_urls():
    existing = {url.name for url in named_urls()}
    assert sorted({row.name for row in MATRIX} - existing) == []


def test_the_admin_rule_covers_the_admin_namespace():
    admin_names = {
        url.name for url in named_urls() if url.name.startswith(ADMIN_NAMESPACE)
    }
    assert {"admin:index", "admin:login", "admin:logout"} <= admin_names
    assert all(covered_by_admin_rule(name) for name in admin_names)


# Values for the kwargs of admin URLs; the objects need not exist, since the staff check
# comes first.
ADMIN_KWARGS = {"app_label": "governance", "object_id": "1", "content_type_id": "1"}


def _admin_cases():
    explicit = {row.name for row in MATRIX}
    for url in named_urls():
        if url.name.startswith(ADMIN_NAMESPACE) and url.name not in explicit:
            for role in (ANONYMOUS, "company_admin", "secretariat"):
                yield pytest.param(url, role, id=f"{url.name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role"), list(_admin_cases()))
def test_rest_of_the_admin_sends_non_staff_to_its_login(client, url: NamedUrl, role):
    if role != ANONYMOUS:
        client.force_login(make_person(role))
    kwargs = {name: ADMIN_KWARGS.get(name, "1") for name in url.kwargs} or None
    path = reverse(url.name, kwargs=kwargs)

    response = client.get(path)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("admin:login")
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.django_db
def test_staff_reach_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
