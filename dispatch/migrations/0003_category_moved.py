# The classification moved to its own app (state only: the tables are unchanged).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0002_notification_moved"), ("classification", "0001_moved_from_cases")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="responsibilityrule", name="category",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="rules", verbose_name="minor category", to="classification.category"),
                ),
                migrations.AlterField(
                    model_name="responsibilityrule", name="major",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="rules", verbose_name="major category", to="classification.majorcategory"),
                ),
            ],
            database_operations=[],
        ),
    ]
