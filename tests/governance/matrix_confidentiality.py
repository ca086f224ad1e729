"""Permission-matrix rows of the confidentiality, module and yearly-document pages (see
tests/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from governance.models import (
    ConfidentialityAgreement,
    Module,
    ModuleParticipation,
    YearlyDocument,
)
from governance.selectors.confidentiality import yearly_current_year
from tests.governance.factories import (
    ConfidentialityAgreementFactory,
    ModuleFactory,
    ModuleParticipationFactory,
)
from tests.matrix import (
    NGO_UNION,
    Redirect,
    Row,
    World,
    only,
    secretariat_only,
    signed_in,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

TO_AGREEMENT = Redirect("governance:confidentiality_detail", "created")
TO_MODULE = Redirect("governance:module_detail", "same")
# Modules are for the people of active parties and supporters, the Kerngroep, the chair
# and the secretariat: the government is no party.
MODULE_READERS = signed_in(200) | {"government": 403}
# Their own agreement: the NGO's and union's people and the secretariat; 403 for the
# roles that never hold one.
OWN_AGREEMENT = only(NGO_UNION | {"secretariat"}, 200, 403)
OTHER_AGREEMENT = only(NGO_UNION, 404, 403) | {"secretariat": 200}
UNPUBLISHED_READERS = frozenset({"secretariat", "kerngroep", "chair"})

ROWS: tuple[Row, ...] = (
    # --- Confidentiality agreements ------------------------------------------------
    Row("governance:confidentiality_list", "GET", secretariat_only()),
    Row("governance:confidentiality_create", "GET", secretariat_only()),
    Row(
        "governance:confidentiality_create",
        "POST",
        secretariat_only(TO_AGREEMENT),
        data="confidentiality_record",
    ),
    Row("governance:confidentiality_own", "GET", only(NGO_UNION, 200, 403)),
    Row("governance:confidentiality_sign", "GET", only(NGO_UNION, 200, 403)),
    Row(
        "governance:confidentiality_sign",
        "POST",
        only(NGO_UNION, TO_AGREEMENT, 403),
        data="confidentiality_sign",
    ),
    Row(
        "governance:confidentiality_detail",
        "GET",
        OWN_AGREEMENT,
        target="own_agreement",
    ),
    Row(
        "governance:confidentiality_detail",
        "GET",
        OTHER_AGREEMENT,
        target="other_agreement",
    ),
    Row(
        "governance:confidentiality_scan",
        "GET",
        OWN_AGREEMENT,
        target="own_agreement",
    ),
    Row(
        "governance:confidentiality_scan",
        "GET",
        OTHER_AGREEMENT,
        target="other_agreement",
    ),
    Row(
        "governance:confidentiality_revoke",
        "GET",
        secretariat_only(),
        target="other_agreement",
    ),
    Row(
        "governance:confidentiality_revoke",
        "POST",
        secretariat_only(Redirect("governance:confidentiality_detail", "same")),
        target="other_agreement",
        data="confidentiality_revoke",
    ),
    # --- Modules ------------------------------------------------------------------
    Row("governance:module_list", "GET", MODULE_READERS),
    Row("governance:module_detail", "GET", MODULE_READERS, target="module"),
    Row("governance:module_create", "GET", secretariat_only()),
    Row(
        "governance:module_create",
        "POST",
        secretariat_only(Redirect("governance:module_detail", "created")),
        data="module",
    ),
    Row("governance:module_update", "GET", secretariat_only(), target="module"),
    Row(
        "governance:module_update",
        "POST",
        secretariat_only(TO_MODULE),
        target="module",
        data="module_update",
    ),
    Row(
        "governance:module_participant_add",
        "GET",
        secretariat_only(),
        target="module",
    ),
    Row(
        "governance:module_participant_add",
        "POST",
        secretariat_only(TO_MODULE),
        target="module",
        data="module_participant",
    ),
    Row(
        "governance:module_participation_end",
        "GET",
        secretariat_only(),
        target="participation",
    ),
    Row(
        "governance:module_participation_end",
        "POST",
        secretariat_only(Redirect("governance:module_detail", "module")),
        target="participation",
        data="participation_end",
    ),
    # --- Yearly documents ---------------------------------------------------------
    Row(
        "governance:yearly_document_index",
        "GET",
        signed_in(Redirect("governance:yearly_document_year", "current_year")),
    ),
    Row(
        "governance:yearly_document_year",
        "GET",
        signed_in(200),
        target="yearly_year",
    ),
    Row(
        "governance:yearly_document_edit",
        "GET",
        secretariat_only(),
        target="yearly_edit",
    ),
    Row(
        "governance:yearly_document_edit",
        "POST",
        secretariat_only(Redirect("governance:yearly_document_edit", "same")),
        target="yearly_edit",
        data="yearly_document",
    ),
    Row(
        "governance:yearly_document_status",
        "GET",
        secretariat_only(405),
        target="draft_document",
    ),
    Row(
        "governance:yearly_document_status",
        "POST",
        secretariat_only(
            Redirect("governance:yearly_document_edit", "draft_document_page")
        ),
        target="draft_document",
        data="yearly_status",
    ),
    Row(
        "governance:yearly_document_file",
        "GET",
        signed_in(200),
        target="published_document",
    ),
    Row(
        "governance:yearly_document_file",
        "GET",
        only(UNPUBLISHED_READERS, 200, 404),
        target="draft_document",
    ),
)


DATA: dict[str, Callable[[World], dict]] = {
    "confidentiality_record": lambda world: {
        "organisation": world.context["other_ngo"].pk,
        "kind": "nda",
        "text_version": "2025-1",
        "signed_by_name": "Joris Bakker",
        "signed_on": "2026-03-01",
        "valid_from": "",
        "valid_until": "",
    },
    "confidentiality_sign": lambda world: {"on_behalf": "on"},
    "confidentiality_revoke": lambda world: {
        "revocation_reason": "Namen van bedrijven extern gedeeld."
    },
    "module": lambda world: {
        "code": "K9",
        "kind": "knowledge",
        "name": "Kennismodule genderresponsieve due diligence",
        "description": "",
        "starts_on": "2026-02-01",
        "ends_on": "",
    },
    "module_update": lambda world: {
        "code": Module.objects.get(pk=world.targets["module"]["pk"]).code,
        "kind": "risk",
        "name": "Risicomodule kobalt en koper DRC",
        "description": "Haut-Katanga en Lualaba.",
        "starts_on": "2026-01-15",
        "ends_on": "",
    },
    "module_participant": lambda world: {
        "organisation": world.context["own_company"].pk,
        "starts_on": "2026-02-01",
        "ends_on": "",
    },
    "participation_end": lambda world: {"ends_on": timezone.localdate().isoformat()},
    "yearly_document": lambda world: {"notes": "Eerste opzet."},
    "yearly_status": lambda world: {"status": "in_review"},
}
WATCHED: tuple = (
    ConfidentialityAgreement,
    Module,
    ModuleParticipation,
    YearlyDocument,
)
CREATED: dict = {
    "governance:confidentiality_detail": ConfidentialityAgreement,
    "governance:module_detail": Module,
}


def _use_test_storage() -> None:
    """Files go to the test's PRIVATE_MEDIA_ROOT (set by the matrix): the storage of
    a FileField is made when its model is imported, so it is pointed there anew."""
    storage = FileSystemStorage(
        location=str(settings.PRIVATE_MEDIA_ROOT), base_url=None
    )
    ConfidentialityAgreement._meta.get_field("scan").storage = storage
    YearlyDocument._meta.get_field("file").storage = storage


def build(world: World) -> None:
    """Adds this area's objects to the world and their kwargs to world.targets.

    Both NGOs of the world hold a valid confidentiality clause with a signed copy, so
    that the secretariat can approve their area requests (art. 22); the other NGO takes
    part in a module; year 1 has a published progress report and a draft year plan."""
    _use_test_storage()
    secretariat = world.context["secretariat_person"]
    agreements = {}
    for side in ("own", "other"):
        agreement = ConfidentialityAgreementFactory(
            organisation=world.context[f"{side}_ngo"],
            recorded_by=secretariat,
            scan_name="clausule.pdf",
        )
        agreement.scan.save("upload", ContentFile(PDF), save=True)
        agreements[side] = agreement
    module = ModuleFactory(code="R2", kind="risk", updated_by=secretariat)
    participation = ModuleParticipationFactory(
        module=module, organisation=world.context["other_ngo"], added_by=secretariat
    )
    year = world.context["year"]
    published = YearlyDocument(
        agreement_year=year,
        kind="progress_report",
        status="published",
        original_name="voortgang.pdf",
        content_type="application/pdf",
        updated_by=secretariat,
        published_at=timezone.now(),
    )
    published.file.save("upload", ContentFile(PDF), save=True)
    draft = YearlyDocument(
        agreement_year=year,
        kind="year_plan",
        original_name="jaarplan.pdf",
        content_type="application/pdf",
        updated_by=secretariat,
    )
    draft.file.save("upload", ContentFile(PDF), save=True)
    current = yearly_current_year(agreement=year.agreement)
    world.targets.update(
        {
            "own_agreement": {"pk": agreements["own"].pk},
            "other_agreement": {"pk": agreements["other"].pk},
            "module": {"pk": module.pk},
            "participation": {"pk": participation.pk},
            "current_year": {"year": current.number},
            "yearly_year": {"year": year.number},
            "yearly_edit": {"year": year.number, "kind": "government_information"},
            "published_document": {"pk": published.pk},
            "draft_document": {"pk": draft.pk},
            "draft_document_page": {"year": year.number, "kind": "year_plan"},
        }
    )
