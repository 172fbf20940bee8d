# The classification moved to its own app (state only: the tables are unchanged).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_handler"),
        ("classification", "0001_moved_from_cases"),
        ("gisbase", "0003_category_moved"),
        ("dispatch", "0003_category_moved"),
    ]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case", name="category",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="cases",
                                            to="classification.category", verbose_name="category"),
                ),
                migrations.DeleteModel(name="Category"),
                migrations.DeleteModel(name="MajorCategory"),
            ],
            database_operations=[],
        ),
    ]
