"""Reading and writing rows on the state machine's hot path without compiling the same SQL again.

The ORM compiles the same INSERT or UPDATE again on every call (a step's ``bulk_update`` cost 3–6 ms of Python
for a 0.05 ms statement); here a statement is built once per model and set of fields, a read is compiled once
(``Compiled``), and PostgreSQL plans each statement once per connection. Values go through the fields' own
``pre_save`` and ``get_db_prep_save``, so ``auto_now``, JSON and geometry are written as the ORM writes them. No
signals are sent: use it only for models nothing listens to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from psycopg.pq import TransactionStatus

M = TypeVar("M", bound=models.Model)


def insert(instance: models.Model) -> None:
    """INSERT ``instance`` (every concrete field, its key if it has one already) and set its primary key."""
    # a parent assigned before it was saved: take its key now, as Model.save does
    instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
    db = connections[DEFAULT_DB_ALIAS]
    model = type(instance)
    keyed = instance.pk is not None  # reserved from its sequence (``cases.numbering.number_and_key``)
    fields = _writable(model, keyed)
    values = _values(instance, fields, db, adding=True)
    instance._state.adding, instance._state.db = False, db.alias

    def key(row: tuple[Any, ...]) -> None:
        instance.pk = row[0]

    execute(_insert_sql(model, _placeholders(db, fields, values), keyed), values, None if keyed else key)


def update(instance: models.Model, names: Sequence[str]) -> None:
    """UPDATE the named fields of ``instance`` (those with ``auto_now`` are set to now as well)."""
    model = type(instance)
    fields = _fields(model, tuple(names))
    if not fields:
        return
    db = connections[DEFAULT_DB_ALIAS]
    values = _values(instance, fields, db, adding=False)
    execute(_update_sql(model, fields, _placeholders(db, fields, values)), [*values, instance.pk])


def _values(instance: models.Model, fields: Sequence[models.Field], db: Any, *, adding: bool) -> list[Any]:
    """The fields' values as the database takes them (``pre_save``, ``get_db_prep_save``), a plain value of a plain
    field as it is: the conversions would return it unchanged, and were most of an insert's Python time."""
    values = []
    for field in fields:
        if plain := _unchanged(field):
            value = getattr(instance, field.attname)
            if type(value) in plain:
                values.append(value)
                continue
        values.append(field.get_db_prep_save(field.pre_save(instance, adding), db))
    return values


_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str, type(None)),
    models.TextField: (str, type(None)),
    models.BooleanField: (bool, type(None)),
    **{kind: (int, type(None)) for kind in (models.IntegerField, models.PositiveIntegerField, models.BigIntegerField)},
    **{kind: (int, type(None)) for kind in (models.SmallIntegerField, models.PositiveSmallIntegerField)},
    **{kind: (int, type(None)) for kind in (models.AutoField, models.BigAutoField)},
}


@cache
def _unchanged(field: models.Field) -> tuple[type, ...]:
    """The types of value ``field`` writes unchanged: Django's own field classes only (a subclass may convert)."""
    if type(field) is models.ForeignKey:
        return _unchanged(field.target_field)
    return _PLAIN.get(type(field), ())


# --- the statements, built once per model and set of fields ----------------------------------------------------


@cache
def _writable(model: type[models.Model], keyed: bool = False) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if keyed or not f.primary_key)


@cache
def _fields(model: type[models.Model], names: tuple[str, ...]) -> tuple[models.Field, ...]:
    """The named fields and those set on every save (``auto_now``)."""
    auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False) and f.name not in names]
    return tuple(model._meta.get_field(name) for name in (*names, *auto_now))  # type: ignore[misc]


def _placeholders(db: Any, fields: Sequence[models.Field], values: Sequence[Any]) -> tuple[str, ...]:
    """``%s`` for each value, or what its field wraps it in (a geometry in another SRID, say)."""
    return tuple(
        str(f.get_placeholder(v, None, db)) if hasattr(f, "get_placeholder") else "%s"
        for f, v in zip(fields, values, strict=True)
    )


@cache
def _insert_sql(model: type[models.Model], placeholders: tuple[str, ...], keyed: bool) -> str:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _writable(model, keyed))
    table, key = _quoted(model)
    returning = "" if keyed else f" RETURNING {key}"
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(placeholders)}){returning}"


@cache
def _update_sql(model: type[models.Model], fields: tuple[models.Field, ...], placeholders: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = {p}" for f, p in zip(fields, placeholders, strict=True))
    table, key = _quoted(model)
    return f"UPDATE {table} SET {assignments} WHERE {key} = %s"


def _quoted(model: type[models.Model]) -> tuple[str, str]:
    """The model's table and primary key column, quoted for the database."""
    return connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)


# --- sending them -----------------------------------------------------------------------------------------------

Returned = Callable[[tuple[Any, ...]], None]
_queued: ContextVar[list[tuple[str, Sequence[Any], Returned | None]] | None] = ContextVar("queued", default=None)


def execute(sql: str, params: Sequence[Any], returned: Returned | None = None) -> None:
    """Run one write now, or queue it inside ``together``; ``returned`` gets the row it returns."""
    if (queue := _queued.get()) is not None:
        queue.append((sql, params, returned))
        return
    with _cursor() as cursor:
        cursor.execute(sql, params)
        if returned:
            returned(cursor.fetchone())


@contextmanager
def together() -> Iterator[None]:
    """Send the writes made through this module inside the block together as it ends: on PostgreSQL in one
    round trip (a pipeline), elsewhere one by one. An inserted row gets its key only then, so nothing inside
    may need it; statements made another way run at once, before the queue."""
    token = _queued.set([])
    try:
        yield
        queue = _queued.get() or []
    finally:
        _queued.reset(token)
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        for sql, params, returned in queue:
            execute(sql, params, returned)
        return
    if _alone.get() == "sent":
        raise RuntimeError("rows.one_transaction() sends its writes in one together(), not in two")
    cursors = []
    sending = _sending.set(True)
    try:
        with db.wrap_database_errors, db.connection.pipeline():  # errors arrive at its end
            for sql, params, returned in queue:
                cursor = _cursor()
                cursor.execute(sql, params)
                cursors.append((cursor, returned))
    except DatabaseError:
        _forget_prepared(db.connection)
        raise
    finally:
        _sending.reset(sending)
    if _alone.get() == "open":
        _alone.set("sent")
    for cursor, returned in cursors:
        if returned:
            returned(cursor.fetchone())
        cursor.close()


@contextmanager
def one_transaction() -> Iterator[None]:
    """A block whose writes are made through this module, in one ``together``, as one transaction.

    On PostgreSQL, outside any transaction, that is the pipeline alone: PostgreSQL runs what a pipeline sends before
    its sync as one implicit transaction, committed at the sync or rolled back whole on an error, so neither BEGIN
    nor COMMIT costs a round trip (a report's writes: one round trip instead of three). A statement made another way
    inside the block, or a second ``together``, would commit on its own, and is refused. Elsewhere, or inside a
    transaction, ``atomic()``."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or db.in_atomic_block:
        with transaction.atomic():
            yield
        return
    alone = _alone.set("open")
    try:
        with db.execute_wrapper(_pipelined_only):
            yield
    finally:
        _alone.reset(alone)


def _forget_prepared(raw: Any) -> None:
    """After a failed pipeline outside a transaction, drop the connection's prepared statements on both sides.

    psycopg (3.3) takes a statement it prepares on its second run as prepared once the Parse is sent, without
    checking the answer; inside a pipeline PostgreSQL skips everything after an error up to the sync, that Parse
    too. Every later run of that statement on this connection would then fail ("prepared statement "_pg3_N" does
    not exist") until the connection is closed: with kept connections, each report after one retried report.
    ``DEALLOCATE ALL`` empties the server's statements and, seen by psycopg, its cache. Inside a transaction the
    rollback that follows the error does the same, so nothing is sent then."""
    if raw.info.transaction_status == TransactionStatus.IDLE and raw.prepare_threshold is not None:
        raw.execute("DEALLOCATE ALL", prepare=False)


_sending: ContextVar[bool] = ContextVar("sending", default=False)
_alone: ContextVar[str | None] = ContextVar("alone", default=None)  # inside one_transaction: "open", then "sent"


def _pipelined_only(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    if not _sending.get():
        raise RuntimeError(f"rows.one_transaction() sends its writes together only, not: {sql[:80]}")
    return execute(sql, params, many, context)


def _cursor() -> Any:
    """A cursor for the hot path. On PostgreSQL it binds parameters on the server, so that psycopg prepares a
    statement it runs again (``prepare_threshold`` in the settings) and PostgreSQL plans it once per
    connection; Django's own cursors bind on the client and never prepare."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or db.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return db.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    db.ensure_connection()
    raw = ServerBindingCursor(db.connection)
    return _Logged(raw, db) if db.queries_logged else db.make_cursor(raw)


class _Logged(CursorDebugWrapper):
    """Logs a statement as given (Django reads it back from client-side binding cursors only)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


# --- reading ---------------------------------------------------------------------------------------------------


def snapshot(instance: models.Model) -> dict[str, object]:
    """The instance's field values, to tell later which of them changed."""
    return instance.__dict__.copy()


def changed(instance: models.Model, since: dict[str, object]) -> list[str]:
    """Names of the fields whose value differs from ``since`` (a ``snapshot``)."""
    now = instance.__dict__
    return [name for name, attname in _names(type(instance)) if now.get(attname) != since.get(attname)]


@cache
def _names(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.attname) for f in model._meta.concrete_fields)


class Compiled(Generic[M]):
    """A query of whole rows compiled once per connection and run again with other parameter values.

    ``Compiled(lambda: Case.objects.filter(pk=0))(case_id)`` reads as ``Case.objects.filter(pk=case_id)`` does
    (the same SQL, converters and instances), without building and compiling the queryset each time. The
    factory's own values only mark where the parameters go; pass them in the order the SQL uses them.
    """

    def __init__(self, queryset: Callable[[], models.QuerySet[M]]) -> None:
        self.queryset = queryset
        self.local = threading.local()  # a compiler belongs to its thread's connection

    def _compiled(self) -> tuple[str, Any, list[Any], Callable[[Any], M]]:
        compiled: tuple[str, Any, list[Any], Callable[[Any], M]] | None = getattr(self.local, "compiled", None)
        if compiled is None:
            queryset = self.queryset()
            compiler = queryset.query.get_compiler(connection=connection)
            sql, _params = compiler.as_sql()
            columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
            names = [column.target.attname for column in columns]
            build = _builder(queryset.model, names, connection.alias)
            compiled = self.local.compiled = (sql, compiler, compiler.get_converters(columns), build)
        return compiled

    def __call__(self, *params: object) -> list[M]:
        sql, compiler, converters, build = self._compiled()
        with _cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if converters:
            found = compiler.apply_converters(found, converters)
        return [build(row) for row in found]


def _builder(model: type[M], names: list[str], alias: str) -> Callable[[Any], M]:
    """Make instances from whole rows as ``Model.from_db`` does, without ``Model.__init__``'s work per field
    (a tenth of a transition's time) where no one listens to the model's init signals."""
    if (
        len(names) != len(model._meta.concrete_fields)
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
    ):
        return lambda row: model.from_db(alias, names, row)

    def build(row: Any) -> M:
        instance = model.__new__(model)
        instance.__dict__.update(zip(names, row, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, alias
        return instance

    return build
