"""Reads of confidentiality agreements, modules and yearly documents, scoped to the
person asking; each list in a fixed number of queries whatever the number of rows.

What NGO insight (art. 13) and the answers to area requests (art. 22) depend on is
asked with `governance.permissions.confidentiality_valid` and `module_participant`
(and their bulk forms); this module only lists and fetches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from convenant.models import AgreementYear

from .. import permissions
from ..models import Organisation, OrganisationKind, Participation
from ..models.confidentiality import (
    ConfidentialityAgreement,
    ConfidentialityKind,
    ConfidentialityState,
    Module,
    ModuleParticipation,
    YearlyDocument,
    YearlyDocumentKind,
    running_on_q,
    valid_on_q,
)

# --- Confidentiality agreements ---------------------------------------------------------


@dataclass(frozen=True)
class AgreementFilters:
    state: str = ""
    kind: str = ""
    q: str = ""


def confidentiality_list(
    *, user, filters: AgreementFilters | None = None, on: dt.date | None = None
) -> list[ConfidentialityAgreement]:
    """The agreements the person may see, filtered by state (as of `on`, today by
    default), kind and organisation name; one query."""
    filters = filters or AgreementFilters()
    day = on or timezone.localdate()
    qs = permissions.confidentiality_visible_to(user).select_related(
        "organisation", "signed_by", "recorded_by", "revoked_by"
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(organisation__name__icontains=filters.q)
    items = list(qs.order_by("organisation__name", "-valid_from", "-pk"))
    for item in items:
        # The page shows each state; computing it once here keeps it out of templates.
        item.current_state = item.state(day)
        item.current_state_label = ConfidentialityState(item.current_state).label
    if filters.state:
        items = [item for item in items if item.current_state == filters.state]
    return items


def confidentiality_get(*, user, pk: int) -> ConfidentialityAgreement:
    """One agreement, or 404 when it does not exist or is not the person's to see."""
    item = get_object_or_404(
        permissions.confidentiality_visible_to(user).select_related(
            "organisation", "signed_by", "recorded_by", "revoked_by"
        ),
        pk=pk,
    )
    item.current_state = item.state()
    item.current_state_label = ConfidentialityState(item.current_state).label
    return item


def confidentiality_holders() -> QuerySet[Organisation]:
    """The organisations that sign agreements: NGOs, unions and supporters."""
    return Organisation.objects.filter(
        Q(kind__in=[OrganisationKind.NGO, OrganisationKind.UNION])
        | Q(participation=Participation.SUPPORTER)
    ).order_by("name", "id")


def confidentiality_agreement_for(
    organisation, *, kinds=None, on: dt.date | None = None
) -> ConfidentialityAgreement | None:
    """The organisation's agreement of one of `kinds` valid on `on` that lasts
    longest: the one an approval relies on."""
    day = on or timezone.localdate()
    qs = ConfidentialityAgreement.objects.filter(
        valid_on_q(day), organisation_id=getattr(organisation, "pk", organisation)
    )
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    # An open end lasts longest; then the latest end date, then the newest.
    return qs.order_by(F("valid_until").desc(nulls_first=True), "-pk").first()


def confidentiality_counts(*, on: dt.date | None = None) -> dict[str, int]:
    """Agreements per state, for the secretariat's overview."""
    day = on or timezone.localdate()
    counts = dict.fromkeys(ConfidentialityState.values, 0)
    for item in ConfidentialityAgreement.objects.only(
        "signed_on", "valid_from", "valid_until", "revoked_at"
    ):
        counts[item.state(day)] += 1
    return counts


AREA_REQUEST_KINDS = (ConfidentialityKind.CLAUSE, ConfidentialityKind.NDA)


# --- Modules (art. 29-30) ---------------------------------------------------------------


def module_list(*, user, on: dt.date | None = None) -> list[Module]:
    """The modules with their participants in two queries. The secretariat sees every
    participation with its dates; everybody else the organisations taking part today."""
    return list(_modules(user, on).order_by("kind", "code"))


def module_get(*, user, pk: int, on: dt.date | None = None) -> Module:
    for module in _modules(user, on).filter(pk=pk):
        return module
    raise Http404


def _modules(user, on):
    if not permissions.can_see_modules(user):
        return Module.objects.none()
    day = on or timezone.localdate()
    participations = ModuleParticipation.objects.select_related(
        "organisation", "added_by"
    )
    if not permissions.can_manage_modules(user):
        participations = participations.filter(running_on_q(day))
    return Module.objects.prefetch_related(
        Prefetch(
            "participations",
            queryset=participations.order_by("organisation__name", "-starts_on"),
        )
    )


def module_participation_get(*, user, pk: int) -> ModuleParticipation:
    if not permissions.can_manage_modules(user):
        raise Http404
    return get_object_or_404(
        ModuleParticipation.objects.select_related("module", "organisation"), pk=pk
    )


def module_candidates() -> QuerySet[Organisation]:
    """Who can take part in a module: the parties and supporters."""
    return Organisation.objects.filter(
        participation__in=[Participation.PARTY, Participation.SUPPORTER]
    ).order_by("name", "id")


def framework_module_titles() -> dict[str, dict]:
    """The modules the newest assessment framework names (K1, P2, ...), by code, with
    their titles in {"nl": ..., "en": ...}; one query. The framework is not changed
    here: a module with the same code is mentioned as the one the framework advises."""
    from monitoring.models import Framework

    framework = Framework.objects.order_by("-loaded_at", "-pk").only("data").first()
    if framework is None:
        return {}
    return {
        entry.get("code"): entry.get("title") or {}
        for entry in (framework.data or {}).get("modules", [])
        if isinstance(entry, dict) and entry.get("code")
    }


# --- Yearly documents (art. 50, 63-64) ---------------------------------------------------


@dataclass(frozen=True)
class YearlyRow:
    kind: str
    label: str
    document: YearlyDocument | None


def yearly_documents_of_year(*, user, agreement_year: AgreementYear) -> list[YearlyRow]:
    """The three kinds of document of the year, each with its document when there is
    one the person may see; one query."""
    documents = {
        document.kind: document
        for document in permissions.yearly_document_visible_to(user)
        .filter(agreement_year=agreement_year)
        .select_related("updated_by")
    }
    return [
        YearlyRow(kind=kind, label=str(label), document=documents.get(kind))
        for kind, label in YearlyDocumentKind.choices
    ]


def yearly_current_year(*, agreement) -> AgreementYear | None:
    """The agreement year running today; before the term the first, after it the
    last."""
    years = agreement.years.order_by("number")
    today = timezone.localdate()
    running = years.filter(starts_on__lte=today, ends_on__gte=today).first()
    if running is not None:
        return running
    return years.first() if today < agreement.starts_on else years.last()


def yearly_document_get(*, user, pk: int) -> YearlyDocument:
    return get_object_or_404(
        permissions.yearly_document_visible_to(user).select_related(
            "agreement_year", "updated_by"
        ),
        pk=pk,
    )


def yearly_document_of(
    *, agreement_year: AgreementYear, kind: str
) -> YearlyDocument | None:
    return YearlyDocument.objects.filter(
        agreement_year=agreement_year, kind=kind
    ).first()
