"""Reads of accession applications and of the supporter's signatures, scoped to the
person asking; list pages in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import (
    CURRENT_TEXT_VERSIONS,
    AccessionApplication,
    AccessionResponse,
    AccessionStatus,
    Organisation,
    OrganisationStatus,
    Participation,
    ResponseKind,
    Signature,
    SignedDocument,
    text_template,
)


def accession_list(*, user, status: str = "") -> QuerySet[AccessionApplication]:
    """The applications the person may see, newest first, with their organisation and
    the number of questions, hearing requests and unanswered responses."""
    qs = permissions.accession_visible_to(user)
    if status in AccessionStatus.values:
        qs = qs.filter(status=status)
    return (
        qs.select_related("organisation")
        .annotate(
            questions=Count(
                "responses", filter=Q(responses__kind=ResponseKind.QUESTION)
            ),
            hearings=Count("responses", filter=Q(responses__kind=ResponseKind.HEARING)),
            unanswered=Count(
                "responses", filter=Q(responses__answered_at__isnull=True)
            ),
        )
        .order_by("-submitted_at", "-pk")
    )


def accession_get(*, user, pk: int) -> AccessionApplication:
    """One application, or 404 when it does not exist or is not the person's to see."""
    return get_object_or_404(
        permissions.accession_visible_to(user).select_related(
            "organisation", "checked_by", "submitted_by"
        ),
        pk=pk,
    )


def accession_responses(
    *, user, application: AccessionApplication
) -> QuerySet[AccessionResponse]:
    """The responses to an application: all of them for the secretariat, those of the
    person's own organisation for a party."""
    qs = application.responses.select_related(
        "organisation", "created_by", "answered_by"
    ).order_by("created_at", "pk")
    if permissions.can_review_accessions(user):
        return qs
    if user.is_authenticated and user.organisation_id:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()


def accession_response_get(*, user, pk: int) -> AccessionResponse:
    """A response the secretariat answers; 404 for anything not visible."""
    qs = AccessionResponse.objects.filter(
        application__in=permissions.accession_visible_to(user)
    )
    if not permissions.can_review_accessions(user):
        qs = qs.filter(organisation_id=user.organisation_id)
    return get_object_or_404(qs.select_related("application"), pk=pk)


# --- Signatures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedText:
    """One text a supporter signs, in its current version, with the organisation's
    signature of that version (None when not signed yet) and its earlier signatures."""

    document: str
    label: str
    version: str
    template: str
    signature: Signature | None
    earlier: tuple[Signature, ...]


def _texts(signatures: list[Signature]) -> list[SignedText]:
    texts = []
    for document in SignedDocument:
        version = CURRENT_TEXT_VERSIONS[document]
        own = [s for s in signatures if s.document == document]
        current = next((s for s in own if s.version == version), None)
        texts.append(
            SignedText(
                document=document.value,
                label=str(document.label),
                version=version,
                template=text_template(document.value, version),
                signature=current,
                earlier=tuple(s for s in own if s is not current),
            )
        )
    return texts


def _signatures_of(organisation_ids) -> QuerySet[Signature]:
    return (
        Signature.objects.filter(organisation_id__in=organisation_ids)
        .select_related("signed_by")
        .order_by("document", "-signed_at", "-pk")
    )


def supporter_texts(*, organisation: Organisation) -> list[SignedText]:
    """The texts the organisation signs, with where it stands for each."""
    return _texts(list(_signatures_of([organisation.pk])))


@dataclass(frozen=True)
class SignatureRow:
    organisation: Organisation
    texts: list[SignedText]

    @property
    def complete(self) -> bool:
        return all(text.signature is not None for text in self.texts)


def signature_overview(*, user) -> list[SignatureRow]:
    """Per supporter (and per organisation that ever signed), which versions of each
    text were signed by whom and when. The secretariat only; two queries."""
    if not permissions.can_view_signatures(user):
        return []
    organisations = (
        Organisation.objects.filter(
            Q(
                participation=Participation.SUPPORTER,
                status__in=[
                    OrganisationStatus.ACTIVE,
                    OrganisationStatus.WITHDRAWING,
                ],
            )
            | Q(signatures__isnull=False)
        )
        .distinct()
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("signed_by").order_by(
                    "document", "-signed_at", "-pk"
                ),
                to_attr="signature_list",
            )
        )
        .order_by("name", "pk")
    )
    return [
        SignatureRow(organisation=o, texts=_texts(o.signature_list))
        for o in organisations
    ]


def organisation_signature_texts(
    *, user, organisation: Organisation
) -> list[SignedText]:
    """The signatures of one organisation, for the secretariat."""
    if not permissions.can_view_signatures(user):
        return []
    return supporter_texts(organisation=organisation)
