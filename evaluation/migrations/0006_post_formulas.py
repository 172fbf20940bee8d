"""Creates the default score formulas of the posts (supervisors, intake operators, shift leaders, dispatchers) (domain spec §5).

Frozen: the formulas are read from ``initial_data/formulas-std-1.json`` beside this migration (as they
were when it was written), never from live code."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

FORMULAS = Path(__file__).with_name("initial_data") / "formulas-std-1.json"
OBJECT_TYPES = ("supervisor", "intake", "shift_leader", "dispatcher")


def create_formulas(apps, schema_editor):
    ScoreFormula = apps.get_model("evaluation", "ScoreFormula")
    for object_type, components in json.loads(FORMULAS.read_text(encoding="utf-8")).items():
        if object_type in OBJECT_TYPES:
            ScoreFormula.objects.get_or_create(
                object_type=object_type, version="std-1",
                defaults={"valid_from": dt.date(2000, 1, 1), "components": components,
                          "note": "Domain spec §5 defaults (standard's informative annex)"},
            )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0005_deliveries")]
    operations = [migrations.RunPython(create_formulas, migrations.RunPython.noop)]
