"""On SQLite too, refuse UPDATE and DELETE of audit rows in the database itself.

PostgreSQL has had its trigger since 0002; until now SQLite relied on the model alone, so raw SQL
(or a bulk path that skips the model) could change the trail.
"""

from django.db import migrations

from taperwell.audit.db import SQLITE_CREATE_TRIGGERS, SQLITE_DROP_TRIGGERS


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_CREATE_TRIGGERS:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_refuse_changes_on_postgresql")]
    operations = [migrations.RunPython(forwards, backwards)]
