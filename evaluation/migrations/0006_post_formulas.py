import datetime as dt

from django.db import migrations


def create_formulas(apps, schema_editor):
    from evaluation.scores import DEFAULT_FORMULAS

    ScoreFormula = apps.get_model("evaluation", "ScoreFormula")
    for object_type, components in DEFAULT_FORMULAS.items():
        ScoreFormula.objects.get_or_create(
            object_type=object_type, version="std-1",
            defaults={"valid_from": dt.date(2000, 1, 1), "components": components,
                      "note": "Domain spec §5 defaults (standard's informative annex)"},
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0005_deliveries")]
    operations = [migrations.RunPython(create_formulas, migrations.RunPython.noop)]
