import datetime as dt
from decimal import Decimal

from django.db import migrations

CODE = "metaal-2025-2029"

# Agreement years run from the anniversary of the start (16 October); year 5 is the
# closing stretch up to the end of the term, for the evaluation (art. 33, 66-68).
YEARS = [
    (1, dt.date(2025, 10, 16), dt.date(2026, 10, 15)),
    (2, dt.date(2026, 10, 16), dt.date(2027, 10, 15)),
    (3, dt.date(2027, 10, 16), dt.date(2028, 10, 15)),
    (4, dt.date(2028, 10, 16), dt.date(2029, 10, 15)),
    (5, dt.date(2029, 10, 16), dt.date(2029, 12, 31)),
]


def forwards(apps, schema_editor):
    Agreement = apps.get_model("convenant", "Agreement")
    AgreementYear = apps.get_model("convenant", "AgreementYear")
    agreement, created = Agreement.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "Internationale MVO Sectorovereenkomst voor de Metaalsector 2025-2029",
            "short_name": "IMVO Metaal",
            "starts_on": dt.date(2025, 10, 16),
            "ends_on": dt.date(2029, 12, 31),
            "government_share": Decimal("47"),
            "sector_share": Decimal("33"),
            "ser_share": Decimal("20"),
            "supporter_contribution": Decimal("1000"),
        },
    )
    if created:
        AgreementYear.objects.bulk_create(
            AgreementYear(agreement=agreement, number=n, starts_on=s, ends_on=e)
            for n, s, e in YEARS
        )


def backwards(apps, schema_editor):
    apps.get_model("convenant", "Agreement").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("convenant", "0003_audit_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
