from decimal import Decimal

from django.db import migrations

# The contribution bands published for the metals agreement (art. 80), in EUR a year.
BANDS = [
    (0, 9, Decimal("500")),
    (10, 49, Decimal("1250")),
    (50, 249, Decimal("2500")),
    (250, 999, Decimal("5000")),
    (1000, 4999, Decimal("7500")),
    (5000, None, Decimal("10000")),
]


def forwards(apps, schema_editor):
    Agreement = apps.get_model("convenant", "Agreement")
    FteBand = apps.get_model("governance", "FteBand")
    agreement = Agreement.objects.filter(code="metaal-2025-2029").first()
    if agreement is None or FteBand.objects.filter(agreement=agreement).exists():
        return
    FteBand.objects.bulk_create(
        FteBand(agreement=agreement, min_fte=lo, max_fte=hi, amount=amount)
        for lo, hi, amount in BANDS
    )


def backwards(apps, schema_editor):
    FteBand = apps.get_model("governance", "FteBand")
    FteBand.objects.filter(agreement__code="metaal-2025-2029").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
        ("convenant", "0004_metals_agreement"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
