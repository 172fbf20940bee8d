"""Writing hundreds of thousands of rows quickly: the demo's year of cases, its grids and components.

Django's ``bulk_create`` spends most of its time preparing each value of each row through the field's generic
machinery; here each field gets one converter chosen once, primary keys are assigned ahead (so that the rows
that refer to them can be written in the same pass), and the rows go out with ``executemany``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.contrib.gis.db.models import GeometryField
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 5000


def next_pk(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _converter(field: models.Field) -> Callable[[models.Model], object]:
    attname, ops = field.attname, connection.ops
    if field.is_relation:

        def related_id(obj):
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):  # assigned before the related row had its key
                related = field.get_cached_value(obj)
                value = related.pk if related is not None else None
            return value

        return related_id
    if isinstance(field, models.DateTimeField):
        return lambda obj: ops.adapt_datetimefield_value(getattr(obj, attname))
    if isinstance(field, models.DateField):
        return lambda obj: ops.adapt_datefield_value(getattr(obj, attname))
    if isinstance(field, models.JSONField) and field.encoder is None:
        return lambda obj: json.dumps(getattr(obj, attname))
    if isinstance(field, models.JSONField | GeometryField):
        return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)
    return lambda obj: getattr(obj, attname)


def _placeholder(field: models.Field, objects, compiler) -> str:
    """``%s``, or for a geometry the function that makes one of the parameter (e.g. ``GeomFromText``)."""
    if not isinstance(field, GeometryField):
        return "%s"
    sample = next((getattr(obj, field.attname) for obj in objects if getattr(obj, field.attname) is not None), None)
    assert all(getattr(obj, field.attname) is not None for obj in objects) or sample is None, field
    return (
        field.get_placeholder(field.get_db_prep_save(sample, connection), compiler, connection)
        if sample is not None
        else "%s"
    )


def insert(objects: Iterable[models.Model]) -> int:
    """Insert objects of one model, all with their primary keys or all without (the database then gives
    them, and the objects do not learn them); returns how many."""
    objects = list(objects)
    if not objects:
        return 0
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objects[0].pk is None)]
    for field in fields:  # what save() fills in: the time of auto_now(_add) fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, field.pre_save(obj, add=True))
    compiler = models.sql.InsertQuery(model).get_compiler(connection=connection)
    placeholders = [_placeholder(field, objects, compiler) for field in fields]
    table, quote = model._meta.db_table, connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in fields)}) VALUES ({', '.join(placeholders)})"
    )
    convert = [_converter(f) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH):
            cursor.executemany(sql, [[c(obj) for c in convert] for obj in objects[start : start + BATCH]])
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return len(objects)


def update(model: type[models.Model], column: str, rows: list[tuple[object, int]]) -> None:
    """Set one column of many rows: ``rows`` are (value, primary key)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE {quote(model._meta.pk.column)} = %s",
            rows,
        )


def reset_sequences(*models_: type[models.Model]) -> None:
    """After rows were written with explicit keys, the next automatic key follows them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def analyze() -> None:
    """Refresh the query planner's statistics after a bulk load (without them PostgreSQL plans the first
    queries over the new rows as if the tables were empty)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
