import datetime as dt

from django.db import migrations


def load_reference_data(apps, schema_editor):
    from cases.reference import load_categories

    load_categories(apps.get_model("cases", "MajorCategory"), apps.get_model("cases", "Category"))
    WorkSchedule = apps.get_model("cases", "WorkSchedule")
    if not WorkSchedule.objects.exists():
        schedule = WorkSchedule.objects.create(name="08:00–12:00, 14:00–18:00", valid_from=dt.date(2000, 1, 1))
        for start, end in ((8, 12), (14, 18)):
            schedule.periods.create(start=dt.time(start), end=dt.time(end))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
