"""Case numbers: the year and seven digits (20260000123), counted afresh each year.

On PostgreSQL each year has its own sequence: reports made at the same moment never wait for one another
(a counter row would stay locked until each report commits, capping the whole city near 150 reports a
second). A report takes its number and its key from their sequences in one statement before its transaction,
so that the transaction is its writes alone (``citymgmt.rows.one_transaction``). A report that is rolled back
leaves its number unused, as sequences do. The year's first report creates the sequence, and reports at that
very moment wait for it to commit, once a year. On SQLite, which writes one transaction at a time anyway, the
year's ``CaseSequence`` row counts.
"""

from __future__ import annotations

import functools

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from .models import Case, CaseSequence

_ready: set[str] = set()


def next_number(year: int) -> str:
    if connection.vendor != "postgresql":
        CaseSequence.objects.get_or_create(year=year)
        CaseSequence.objects.filter(year=year).update(last=F("last") + 1)
        last = CaseSequence.objects.get(year=year).last
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [_sequence(year)])
            last = cursor.fetchone()[0]
    return _formatted(year, last)


def number_and_key(year: int) -> tuple[str, int | None]:
    """The next number of ``year`` and, on PostgreSQL, the new case's primary key (elsewhere the INSERT gives it)."""
    if connection.vendor != "postgresql":
        return next_number(year), None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s), nextval(%s)", [_sequence(year), _key_sequence()])
        last, key = cursor.fetchone()
    return _formatted(year, last), key


def _formatted(year: int, last: int) -> str:
    return f"{year}{last:07d}"


@functools.cache
def _key_sequence() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Case._meta.db_table])
        return cursor.fetchone()[0]


def highest(year: int) -> int:
    """The highest number of ``year`` any case holds (for a bulk writer that numbers cases itself)."""
    numbers = (f"{year}0000000", f"{year}9999999")  # a range the unique index serves (a prefix LIKE needs its own)
    number = Case.objects.filter(number__range=numbers).order_by("-number").values_list("number", flat=True)
    return max((int(n[4:]) for n in number[:1] if len(n) == 11), default=0)


def set_last(year: int, last: int) -> None:
    """The next report of ``year`` is numbered ``last + 1``."""
    if connection.vendor != "postgresql":
        CaseSequence.objects.update_or_create(year=year, defaults={"last": last})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, %s, %s)", [_sequence(year), max(last, 1), last > 0])


def _sequence(year: int) -> str:
    name = f"cases_number_{int(year)}"
    if name not in _ready:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:  # after the numbers given so far (also by the counter rows of old)
                counted = CaseSequence.objects.filter(year=year).values_list("last", flat=True).first() or 0
                start = max(counted, highest(year)) + 1
                try:
                    with transaction.atomic():
                        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START {start:d}")
                except IntegrityError:  # another process created it at the same moment
                    pass
        transaction.on_commit(lambda: _ready.add(name))  # not before: a rollback would take it away again
    return name


def forget() -> None:
    """Look for the sequences afresh (after a rollback that may have taken them away: tests)."""
    _ready.clear()
