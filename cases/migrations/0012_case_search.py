"""A trigram index over the text the header's search looks in (PostgreSQL; SpatiaLite scans instead). The
expression is ``cases.selectors.SEARCH_SQL``, frozen here as migrations must be."""

from django.db import migrations

SEARCH_SQL = """("cases_case"."number" || ' ' || "cases_case"."description" || ' ' || "cases_case"."address" || ' ' || \
"cases_case"."reporter_phone" || ' ' || "cases_case"."component_code")"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f"CREATE INDEX case_search_trgm ON cases_case USING gin ({SEARCH_SQL} gin_trgm_ops)")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_case_exports")]
    operations = [migrations.RunPython(add, remove, elidable=False)]
