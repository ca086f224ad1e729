"""Permission-matrix rows of the membership pages (see tests/matrix.py): accession
(art. 69-72) and the supporter's signatures.

- Anybody may apply, signed in or not.
- The secretariat sees every application; the parties' people, the Kerngroep and the
  chair see announced ones (a submitted one is 404 for them); the government sees none.
- Only people of a party respond; only the secretariat checks, announces, answers,
  puts to the Kerngroep and withdraws.
- Only a supporter's admin signs; no role of the matrix is one (their own tests cover
  it), so every signed-in role gets 403 there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.models import (
    AccessionApplication,
    AccessionResponse,
    Decision,
    Signature,
)
from tests.governance.factories import (
    LETTER_PDF,
    AccessionApplicationFactory,
    UserFactory,
)
from tests.matrix import (
    SIGN_IN,
    Redirect,
    Row,
    World,
    everyone,
    only,
    secretariat_only,
    signed_in,
)

# Who reads announced applications: the secretariat, the parties' people (the Kerngroep
# member of the matrix works for a party), and the chair.
READERS = frozenset(
    {
        "secretariat",
        "company_admin",
        "company_member",
        "ngo",
        "union",
        "branch",
        "kerngroep",
        "chair",
    }
)
PARTIES = frozenset(
    {"company_admin", "company_member", "ngo", "union", "branch", "kerngroep"}
)
TO_DETAIL = Redirect("governance:accession_detail", "same")
TO_ANNOUNCED = Redirect("governance:accession_detail", "announced_accession")


def _only_secretariat_reads(result) -> dict:
    """A submitted application: only the secretariat sees it, other readers get 404."""
    expect = only(READERS, 404, 403)
    expect["secretariat"] = result
    return expect


ROWS: tuple[Row, ...] = (
    Row("governance:accession_apply", "GET", everyone(200)),
    Row(
        "governance:accession_apply",
        "POST",
        everyone(Redirect("governance:accession_applied")),
        data="accession_apply",
    ),
    Row("governance:accession_applied", "GET", everyone(200)),
    Row("governance:accession_list", "GET", only(READERS, 200, 403)),
    Row(
        "governance:accession_detail",
        "GET",
        only(READERS, 200, 403),
        target="announced_accession",
    ),
    Row(
        "governance:accession_detail",
        "GET",
        _only_secretariat_reads(200),
        target="submitted_accession",
    ),
    Row(
        "governance:accession_letter",
        "GET",
        only(READERS, 200, 403),
        target="announced_accession",
    ),
    Row(
        "governance:accession_letter",
        "GET",
        _only_secretariat_reads(200),
        target="submitted_accession",
    ),
    Row(
        "governance:accession_announce",
        "POST",
        secretariat_only(TO_DETAIL),
        target="submitted_accession",
        data="accession_announce",
    ),
    Row(
        "governance:accession_respond",
        "POST",
        only(PARTIES, TO_DETAIL, 403),
        target="announced_accession",
        data="accession_respond",
    ),
    Row(
        "governance:accession_answer",
        "POST",
        secretariat_only(TO_ANNOUNCED),
        target="accession_response",
        data="accession_answer",
    ),
    Row(
        "governance:accession_to_kerngroep",
        "POST",
        secretariat_only(TO_DETAIL),
        target="due_accession",
    ),
    Row(
        "governance:accession_withdraw",
        "POST",
        secretariat_only(TO_DETAIL),
        target="announced_accession",
    ),
    Row("governance:supporter_texts", "GET", signed_in(403, SIGN_IN)),
    Row(
        "governance:supporter_sign",
        "POST",
        signed_in(403, SIGN_IN),
        target="supporter_document",
        data="supporter_sign",
    ),
    Row("governance:signature_list", "GET", secretariat_only()),
    Row(
        "governance:organisation_signatures",
        "GET",
        secretariat_only(),
        target="signatures_org",
    ),
)


def _apply(world: World) -> dict:
    return {
        "name": "Brabantse Gieterij B.V.",
        "kind": "company",
        "kvk_number": "98765432",
        "country": "NL",
        "fte": "40",
        "in_metal_supply_chain": "on",
        "participation": "party",
        "contact_name": "Joris Verbeek",
        "contact_email": "joris@brabantse-gieterij.test",
        "letter": SimpleUploadedFile(
            "motivatie.pdf", LETTER_PDF, content_type="application/pdf"
        ),
        "endorsement_confirmed": "on",
    }


DATA: dict[str, Callable[[World], dict]] = {
    "accession_apply": _apply,
    "accession_announce": lambda world: {
        "response_deadline": (timezone.localdate() + dt.timedelta(weeks=4)).isoformat()
    },
    "accession_respond": lambda world: {
        "kind": "question",
        "text": "Welke metalen verwerkt u en uit welke landen?",
    },
    "accession_answer": lambda world: {"answer": "Vooral staal uit Duitsland."},
    "supporter_sign": lambda world: {"confirm": "on"},
}
WATCHED: tuple = (AccessionApplication, AccessionResponse, Decision, Signature)
CREATED: dict = {}


def build(world: World) -> None:
    """A submitted application, an announced one with a question of the own NGO, and
    one whose period for responses has ended."""
    submitted = AccessionApplicationFactory()
    announced = AccessionApplicationFactory(announced=True)
    due = AccessionApplicationFactory(
        announced=True,
        response_deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    own_ngo = world.context["own_ngo"]
    response = AccessionResponse.objects.create(
        application=announced,
        organisation=own_ngo,
        kind="question",
        text="Hoe ziet uw due-diligenceproces eruit?",
        created_by=UserFactory(organisation=own_ngo),
    )
    world.targets.update(
        {
            "submitted_accession": {"pk": submitted.pk},
            "announced_accession": {"pk": announced.pk},
            "due_accession": {"pk": due.pk},
            "accession_response": {"pk": response.pk},
            "supporter_document": {"document": "supporter_declaration"},
            "signatures_org": {"pk": world.other_org.pk},
        }
    )
