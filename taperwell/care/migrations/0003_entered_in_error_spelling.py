"""One spelling of "entered in error" across taperwell: entered_in_error, as check-ins, goals and
skills already store it (FHIR's "entered-in-error" is produced by the FHIR export)."""

from django.db import migrations, models

FIELDS = [("ClinicalNote", "status")]


def respell(old, new):
    def run(apps, schema_editor):
        for model_name, field in FIELDS:
            model = apps.get_model("care", model_name)
            model.objects.filter(**{field: old}).update(**{field: new})

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_flag_patient_status_rank_raised_index"),
    ]

    operations = [
        migrations.RunPython(
            respell("entered-in-error", "entered_in_error"),
            respell("entered_in_error", "entered-in-error"),
        ),
        migrations.AlterField(
            model_name="clinicalnote",
            name="status",
            field=models.CharField(
                choices=[("current", "Current"), ("entered_in_error", "Entered in error")],
                default="current",
                max_length=20,
            ),
        ),
    ]
