"""API tokens expire, can be read-only, and remember whether two-factor made them.

Tokens made before this expire 90 days after they were made (those older than that, at once),
and count as made without two-factor: where the owner's role needs it, they stop working.
"""

from datetime import timedelta

from django.db import migrations, models

LIFETIME = timedelta(days=90)


def expire_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + LIFETIME)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                help_text="After this the token no longer works (API_TOKEN_LIFETIME_DAYS)."
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(
                default=False,
                help_text="Can read, but not add or change anything.",
                verbose_name="read only",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="second_factor",
            field=models.BooleanField(default=False, editable=False),
        ),
    ]
