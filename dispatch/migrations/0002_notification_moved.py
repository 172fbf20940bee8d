# Notification moved to the notifications app; the table is kept (state-only).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial"), ("notifications", "0001_moved_from_dispatch")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
