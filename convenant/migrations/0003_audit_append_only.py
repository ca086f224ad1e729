from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION convenant_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER convenant_audit_append_only
    BEFORE UPDATE OR DELETE ON convenant_auditentry
    FOR EACH ROW EXECUTE FUNCTION convenant_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS convenant_audit_append_only ON convenant_auditentry;
DROP FUNCTION IF EXISTS convenant_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """On PostgreSQL the database itself refuses to change or delete audit entries."""

    dependencies = [("convenant", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
