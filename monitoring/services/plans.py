"""Writes for the yearly plan of approach (art. 11) and the risk analysis (art. 25-28).

A company's own people hand in its plan and keep its risk analysis, for any agreement year
that has begun: a plan handed in after its year ended is late, not refused. Each service
checks who acts, validates, saves, writes an audit entry; a replaced plan file is removed
only once the change is committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.models import AgreementYear
from governance.models import Organisation

from .. import permissions
from ..evidence import check_upload
from ..models import PlanOfApproach, RbcTheme, RiskEntry

RISK_FIELDS = (
    "theme",
    "country",
    "material",
    "scale",
    "scope",
    "irremediability",
    "likelihood",
    "prioritised",
    "explanation",
    "gender_considered",
    "gender_notes",
)


def _require_own_company(actor, organisation: Organisation) -> None:
    if not permissions.is_own_company(actor, organisation.pk):
        raise PermissionDenied(
            _("Only the company's own people hand in its plan and risk analysis.")
        )


def _require_started(agreement_year: AgreementYear) -> None:
    if agreement_year.starts_on > timezone.localdate():
        raise ValidationError(
            _("%(year)s has not begun yet; it begins on %(date)s.")
            % {"year": agreement_year, "date": agreement_year.starts_on.isoformat()},
            code="not_started",
        )


def _clean_themes(themes: Iterable[str]) -> list[str]:
    chosen = set(themes)
    unknown = chosen - set(RbcTheme.values)
    if unknown:
        raise ValidationError(
            {
                "themes": _("Unknown theme: %(themes)s.")
                % {"themes": ", ".join(sorted(unknown))}
            }
        )
    if not chosen:
        raise ValidationError({"themes": _("Choose at least one theme.")})
    # In the order of the list of themes, so summaries read the same everywhere.
    return [value for value in RbcTheme.values if value in chosen]


def _delete_file_on_commit(name: str) -> None:
    if name:
        storage = PlanOfApproach._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def plan_submit(
    *,
    organisation: Organisation,
    agreement_year: AgreementYear,
    themes: Iterable[str],
    risks_addressed: str,
    planned_actions: str,
    report_link: str = "",
    file: UploadedFile | None = None,
    remove_file: bool = False,
    actor,
    request: HttpRequest | None = None,
) -> PlanOfApproach:
    """Hand in, or replace, the company's plan of approach for the year: a document, a
    link to its CSRD/CSDDD report, or both, with the structured summary (themes, risks
    addressed, planned actions). Handing in again replaces the earlier version."""
    _require_own_company(actor, organisation)
    _require_started(agreement_year)
    themes = _clean_themes(themes)
    plan = (
        PlanOfApproach.objects.select_for_update()
        .filter(organisation=organisation, agreement_year=agreement_year)
        .first()
    )
    created = plan is None
    if plan is None:
        plan = PlanOfApproach(organisation=organisation, agreement_year=agreement_year)
    old_file = str(plan.file.name or "")
    checked = check_upload(file) if file is not None else None
    keeps_file = bool(old_file) and not remove_file and checked is None
    report_link = (report_link or "").strip()
    if checked is None and not keeps_file and not report_link:
        raise ValidationError(
            {
                "file": _(
                    "Add the plan as a document, or give the link to your CSRD or "
                    "CSDDD report (or both)."
                )
            }
        )
    plan.themes = themes
    plan.risks_addressed = (risks_addressed or "").strip()
    plan.planned_actions = (planned_actions or "").strip()
    plan.report_link = report_link
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    if not keeps_file:
        plan.file = ""
        plan.original_name = ""
    plan.full_clean(exclude=["file"])
    stored = ""
    if checked is not None:
        # upload_to gives the stored file a random name; the given name plays no part.
        plan.file.save("upload", file, save=False)
        plan.original_name = checked.original_name
        stored = str(plan.file.name)
    try:
        plan.save()
        audit_record(
            actor=actor,
            action="plan.create" if created else "plan.update",
            obj=plan,
            organisation=organisation,
            request=request,
            details={
                "year": agreement_year.number,
                "themes": themes,
                "file": plan.original_name,
                "link": report_link,
            },
        )
    except BaseException:
        if stored:
            plan.file.storage.delete(stored)
        raise
    if old_file and not keeps_file:
        _delete_file_on_commit(old_file)
    return plan


def _apply_risk(risk: RiskEntry, values: dict) -> None:
    unknown = set(values) - set(RISK_FIELDS)
    if unknown:
        raise ValueError(f"not fields of a risk: {sorted(unknown)}")
    for field, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(risk, field, value)
    if not risk.gender_considered and risk.gender_notes:
        raise ValidationError(
            {
                "gender_considered": _(
                    "You describe a gender perspective: tick that it was considered."
                )
            }
        )


@transaction.atomic
def risk_create(
    *,
    organisation: Organisation,
    agreement_year: AgreementYear,
    values: dict,
    actor,
    request: HttpRequest | None = None,
) -> RiskEntry:
    """Add one of the company's main risks to its analysis for the year."""
    _require_own_company(actor, organisation)
    _require_started(agreement_year)
    risk = RiskEntry(
        organisation=organisation, agreement_year=agreement_year, updated_by=actor
    )
    _apply_risk(risk, values)
    risk.updated_at = timezone.now()
    risk.full_clean()
    risk.save()
    audit_record(
        actor=actor,
        action="risk.create",
        obj=risk,
        organisation=organisation,
        request=request,
        details={"year": agreement_year.number, "theme": risk.theme},
    )
    return risk


@transaction.atomic
def risk_update(
    *, risk: RiskEntry, values: dict, actor, request: HttpRequest | None = None
) -> RiskEntry:
    risk = RiskEntry.objects.select_for_update().get(pk=risk.pk)
    _require_own_company(actor, risk.organisation)
    before = {field: str(getattr(risk, field)) for field in RISK_FIELDS}
    _apply_risk(risk, values)
    risk.updated_by = actor
    risk.updated_at = timezone.now()
    risk.full_clean()
    risk.save()
    after = {field: str(getattr(risk, field)) for field in RISK_FIELDS}
    audit_record(
        actor=actor,
        action="risk.update",
        obj=risk,
        organisation=risk.organisation,
        request=request,
        details={
            "changed": {
                field: [before[field], after[field]]
                for field in RISK_FIELDS
                if before[field] != after[field]
            }
        },
    )
    return risk


@transaction.atomic
def risk_delete(*, risk: RiskEntry, actor, request: HttpRequest | None = None) -> None:
    risk = RiskEntry.objects.select_for_update().get(pk=risk.pk)
    _require_own_company(actor, risk.organisation)
    audit_record(
        actor=actor,
        action="risk.delete",
        obj=risk,
        organisation=risk.organisation,
        request=request,
        details={"year": risk.agreement_year.number, "risk": str(risk)},
    )
    risk.delete()


@transaction.atomic
def risk_copy_forward(
    *,
    organisation: Organisation,
    agreement_year: AgreementYear,
    actor,
    request: HttpRequest | None = None,
) -> int:
    """Start this year's analysis from last year's risks, to review and update. Only
    into an empty analysis, so nothing written this year is overwritten. Returns the
    number of risks copied."""
    _require_own_company(actor, organisation)
    _require_started(agreement_year)
    if RiskEntry.objects.filter(
        organisation=organisation, agreement_year=agreement_year
    ).exists():
        raise ValidationError(
            _("This year's risk analysis has risks already; nothing was copied.")
        )
    previous = list(
        RiskEntry.objects.filter(
            organisation=organisation,
            agreement_year__agreement=agreement_year.agreement,
            agreement_year__number=agreement_year.number - 1,
        ).order_by("pk")
    )
    if not previous:
        raise ValidationError(_("Last year's risk analysis has no risks to copy."))
    now = timezone.now()
    copies = [
        RiskEntry(
            organisation=organisation,
            agreement_year=agreement_year,
            updated_by=actor,
            updated_at=now,
            **{field: getattr(old, field) for field in RISK_FIELDS},
        )
        for old in previous
    ]
    RiskEntry.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        action="risk.copy_forward",
        organisation=organisation,
        request=request,
        details={"year": agreement_year.number, "count": len(copies)},
    )
    return len(copies)
