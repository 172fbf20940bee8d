"""Five of the case table's 24 indexes repeat the first column of another (state, district, created_by) or
serve a prefix LIKE on the number that nothing asks any more; every report and every action (a state change
is never a HOT update) wrote into each of them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NUMBER_LIKE = "cases_case_number_980c9551_like"


def drop_number_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NUMBER_LIKE}")


def create_number_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NUMBER_LIKE} ON cases_case (number varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_password_policy_and_audit_log"),
        ("cases", "0014_open_steps_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_number_like, create_number_like),
        migrations.AlterField(
            model_name="case",
            name="created_by",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
                verbose_name="district",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="state",
            field=models.CharField(
                choices=[
                    ("reported", "Reported"),
                    ("verifying", "Verifying"),
                    ("pending_registration", "Pending registration"),
                    ("registered", "Registered"),
                    ("dispatched", "Dispatched"),
                    ("returned", "Returned"),
                    ("handled", "Handled"),
                    ("checking", "Checking"),
                    ("pending_closure", "Pending closure"),
                    ("parked", "Parked"),
                    ("closed", "Closed"),
                    ("not_accepted", "Not accepted"),
                    ("not_registered", "Not registered"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=24,
                verbose_name="state",
            ),
        ),
    ]
