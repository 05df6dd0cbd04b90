from django.db import migrations, models

ENGLISH_DEFAULT = "Need to talk now? Call or text 988, any time, day or night."
SPANISH_DEFAULT = (
    "¿Necesita hablar ahora? Llame al 988 y oprima el 2 para hablar en español, o envíe un "
    "mensaje de texto con la palabra AYUDA al 988. A cualquier hora, de día o de noche."
)


def keep_own_wording_until_translated(apps, schema_editor):
    """A clinic that wrote its own crisis wording (or uses another number) keeps showing its
    own words, in English, until an admin writes them in Spanish: the default Spanish words
    speak of 988 and might not be what that clinic tells its patients."""
    Clinic = apps.get_model("clinics", "Clinic")
    Clinic.objects.exclude(crisis_line_text=ENGLISH_DEFAULT, crisis_line_number="988").update(
        crisis_line_text_es=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0002_maintenance_checkin_cadence"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="crisis_line_text_es",
            field=models.CharField(
                blank=True,
                default=SPANISH_DEFAULT,
                max_length=240,
                verbose_name="crisis line wording in Spanish",
            ),
        ),
        migrations.RunPython(keep_own_wording_until_translated, migrations.RunPython.noop),
    ]
