# The Notification model moved here from dispatch; its table stays where it is (state-only move).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("dispatch", "0001_initial"),
        ("accounts", "0001_initial"),
        ("cases", "0005_case_handler"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("kind", models.CharField(max_length=24, verbose_name="kind")),
                        ("message", models.CharField(max_length=300, verbose_name="message")),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True,
                                                            verbose_name="created at")),
                        ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                        ("case", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                                   related_name="notifications", to="cases.case",
                                                   verbose_name="case")),
                        ("organization", models.ForeignKey(blank=True, null=True,
                                                           on_delete=django.db.models.deletion.CASCADE,
                                                           related_name="notifications",
                                                           to="accounts.organization", verbose_name="organization")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                                                   related_name="notifications", to=settings.AUTH_USER_MODEL,
                                                   verbose_name="user")),
                    ],
                    options={"verbose_name": "notification", "verbose_name_plural": "notifications",
                             "ordering": ["-created_at"], "db_table": "dispatch_notification"},
                ),
            ],
            database_operations=[],
        ),
    ]
