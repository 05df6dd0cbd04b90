"""One spelling of "entered in error" across taperwell: entered_in_error, as check-ins, goals and
skills already store it (FHIR's "entered-in-error" is produced by the FHIR export)."""

from django.db import migrations, models

FIELDS = [("MedicationChange", "kind"), ("PatientMedication", "status")]


def respell(old, new):
    def run(apps, schema_editor):
        for model_name, field in FIELDS:
            model = apps.get_model("medications", model_name)
            model.objects.filter(**{field: old}).update(**{field: new})

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("medications", "0002_naloxone_plan"),
    ]

    operations = [
        migrations.RunPython(
            respell("entered-in-error", "entered_in_error"),
            respell("entered_in_error", "entered-in-error"),
        ),
        migrations.AlterField(
            model_name="medicationchange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("added", "Added"),
                    ("changed", "Changed"),
                    ("stopped", "Stopped"),
                    ("entered_in_error", "Marked entered in error"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="patientmedication",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "Taking"),
                    ("stopped", "Stopped"),
                    ("entered_in_error", "Entered in error"),
                ],
                default="active",
                max_length=20,
            ),
        ),
    ]
