"""The center's stage limits as editable rows. Frozen: the values as they were when this was written."""

from django.db import migrations

# 15 working minutes for intake, registration, dispatch and closure review [seed]; 30 for sending
# verification or check tasks and for the supervisor's verification and check [default].
STAGE_LIMITS = {"intake": (15, "wmin"), "verify": (30, "wmin"), "register": (15, "wmin"), "dispatch": (15, "wmin"),
                "send_check": (30, "wmin"), "check": (30, "wmin"), "close": (15, "wmin")}


def create_stage_limits(apps, schema_editor):
    StageLimit = apps.get_model("cases", "StageLimit")
    for stage, (amount, unit) in STAGE_LIMITS.items():
        StageLimit.objects.get_or_create(stage=stage, defaults={"amount": amount, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_lifecycle")]
    operations = [migrations.RunPython(create_stage_limits, migrations.RunPython.noop)]
