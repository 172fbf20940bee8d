from django.db import migrations


def create_stage_limits(apps, schema_editor):
    from cases.reference import DEFAULT_STAGE_LIMITS

    StageLimit = apps.get_model("cases", "StageLimit")
    for stage, (amount, unit) in DEFAULT_STAGE_LIMITS.items():
        StageLimit.objects.get_or_create(stage=stage, defaults={"amount": amount, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_lifecycle")]
    operations = [migrations.RunPython(create_stage_limits, migrations.RunPython.noop)]
