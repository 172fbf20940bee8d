# The classification moved to its own app (state only: the tables are unchanged).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("gisbase", "0002_census_cameras_gazetteer"), ("classification", "0001_moved_from_cases")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="component", name="category",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="components", verbose_name="category", to="classification.category"),
                ),
            ],
            database_operations=[],
        ),
    ]
