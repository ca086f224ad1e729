"""Demo data: accession and the supporter's signatures.

- Gelderse Koudwalserij B.V. applied to accede as a party; the secretariat announced it
  and parties may still respond: Terre des Hommes asked a question, FNV Metaal asked for
  a hearing.
- Stichting Kenniscentrum Circulair Metaal, a knowledge institute, acceded as a
  supporter in March 2026 and signed the supporter declaration and the confidentiality
  protocol.
- Limburgse Oppervlaktetechniek B.V. applied as a party; its period for responses has
  ended and the Kerngroep is deciding.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..models import (
    AccessionApplication,
    AccessionResponse,
    Invitation,
    Organisation,
    SignedDocument,
    User,
)
from ..services import membership as services
from ..services.decisions import decision_finalise, decision_for

SUPPORTER_ACCOUNT = "steunbetuiger@convenant.test"


def _letter(title: str) -> SimpleUploadedFile:
    """A small PDF with one line of text: the motivation letter of the demo."""
    text = title.replace("(", "").replace(")", "").encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length "
        + str(len(stream)).encode()
        + b">>stream\n"
        + stream
        + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += str(number).encode() + b" 0 obj" + content + b"endobj\n"
    xref = len(body)
    body += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += (
        b"trailer<</Size " + str(len(objects) + 1).encode() + b"/Root 1 0 R>>\n"
        b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    )
    return SimpleUploadedFile("motivatiebrief.pdf", body, "application/pdf")


def _apply(*, kvk: str, **fields) -> AccessionApplication | None:
    """Apply once: None when the demo applied for this KvK number before."""
    if Organisation.objects.filter(kvk_number=kvk).exists():
        return None
    return services.accession_apply(
        kvk_number=kvk,
        letter=_letter(f"Motivatiebrief {fields['name']}"),
        endorsement_confirmed=True,
        **fields,
    )


def _backdate(
    application: AccessionApplication, *, submitted: dt.date, **dates
) -> None:
    # The demo tells a history: the services stamp "now", the story needs earlier days.
    def moment(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))

    values = {"submitted_at": moment(submitted)}
    if "announced" in dates:
        values["checked_at"] = values["announced_at"] = moment(dates["announced"])
    if "deadline" in dates:
        values["response_deadline"] = dates["deadline"]
    AccessionApplication.objects.filter(pk=application.pk).update(**values)
    application.refresh_from_db()


def _announced(secretariat: User) -> None:
    application = _apply(
        kvk="71839204",
        name="Gelderse Koudwalserij B.V.",
        kind="company",
        country="NL",
        fte=140,
        in_metal_supply_chain=True,
        participation="party",
        contact_name="Marloes Hendriks",
        contact_email="m.hendriks@gelderse-koudwalserij.test",
    )
    if application is None:
        return
    today = timezone.localdate()
    services.accession_announce(
        application=application,
        response_deadline=today + dt.timedelta(days=17),
        actor=secretariat,
    )
    _backdate(
        application,
        submitted=today - dt.timedelta(days=16),
        announced=today - dt.timedelta(days=11),
    )
    question = services.accession_respond(
        application=application,
        kind="question",
        text=(
            "In de motivatiebrief staat dat het bedrijf staal inkoopt bij walserijen in "
            "India en Turkije. Welke stappen zet het bedrijf om kinderarbeid in deze "
            "ketens uit te sluiten, en heeft het al een risicoanalyse met genderperspectief?"
        ),
        actor=User.objects.get(email="ngo@convenant.test"),
    )
    hearing = services.accession_respond(
        application=application,
        kind="hearing",
        text=(
            "FNV Metaal wil de aanvrager graag eerst horen over de arbeidsomstandigheden "
            "in de eigen productie en over de capaciteit die het bedrijf vrijmaakt voor "
            "due diligence."
        ),
        actor=User.objects.get(email="vakbond@convenant.test"),
    )
    for response, days_ago in ((question, 8), (hearing, 3)):
        AccessionResponse.objects.filter(pk=response.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago, hours=2)
        )


def _approved_supporter(secretariat: User) -> None:
    from convenant.management.commands.seed_demo import DEMO_PASSWORD

    application = _apply(
        kvk="58302716",
        name="Stichting Kenniscentrum Circulair Metaal",
        kind="ngo",
        country="NL",
        fte=None,
        in_metal_supply_chain=False,
        participation="supporter",
        contact_name="Daan Verhoeven",
        contact_email=SUPPORTER_ACCOUNT,
    )
    if application is None:
        return
    services.accession_announce(
        application=application,
        response_deadline=timezone.localdate() + dt.timedelta(days=1),
        actor=secretariat,
    )
    _backdate(
        application,
        submitted=dt.date(2026, 1, 19),
        announced=dt.date(2026, 1, 26),
        deadline=dt.date(2026, 2, 23),
    )
    decision = services.accession_put_to_kerngroep(
        application=application, actor=secretariat
    )
    decision_finalise(
        decision=decision,
        outcome="adopted",
        actor=secretariat,
        decided_on=dt.date(2026, 3, 12),
        explanation="De Kerngroep verwelkomt het kenniscentrum als steunbetuiger.",
    )
    organisation = Organisation.objects.get(pk=application.organisation_id)
    # The contact person accepted the invitation: the demo account of the supporter.
    person = User.objects.create_user(
        SUPPORTER_ACCOUNT,
        DEMO_PASSWORD,
        first_name="Daan",
        last_name="Verhoeven",
        organisation=organisation,
        organisation_role="admin",
    )
    EmailAddress.objects.create(
        user=person, email=person.email, verified=True, primary=True
    )
    Invitation.objects.filter(
        organisation=organisation, email=SUPPORTER_ACCOUNT, accepted_at__isnull=True
    ).update(accepted_at=timezone.now(), user=person)
    for document in SignedDocument.values:
        services.signature_sign(
            organisation=organisation, document=document, actor=person
        )


def _with_the_kerngroep(secretariat: User) -> None:
    application = _apply(
        kvk="64420958",
        name="Limburgse Oppervlaktetechniek B.V.",
        kind="company",
        country="NL",
        fte=60,
        in_metal_supply_chain=True,
        participation="party",
        contact_name="Tom Geurts",
        contact_email="t.geurts@limburgse-oppervlaktetechniek.test",
    )
    if application is None or decision_for(application) is not None:
        return
    today = timezone.localdate()
    services.accession_announce(
        application=application,
        response_deadline=today + dt.timedelta(days=1),
        actor=secretariat,
    )
    _backdate(
        application,
        submitted=today - dt.timedelta(days=45),
        announced=today - dt.timedelta(days=38),
        deadline=today - dt.timedelta(days=10),
    )
    services.accession_put_to_kerngroep(application=application, actor=secretariat)


def seed(*, secretariat) -> None:
    """Idempotent: running it twice adds nothing the second time."""
    _announced(secretariat)
    _approved_supporter(secretariat)
    _with_the_kerngroep(secretariat)
