"""A report's writes are one transaction sent in one round trip (``citymgmt.rows.one_transaction``): all of them
or none, and nothing written beside the pipeline."""

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection

from accounts.choices import OrgKind
from accounts.models import Organization
from cases.models import Case, CaseEvent, CaseStep, LedgerEntry
from cases.services import report_case
from cases.workflow import Action
from citymgmt import rows
from demo.geometry import lonlat
from tests.lifecycle import garbage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # outside any transaction, as a request


def report(supervisor, **options):
    where = Point(*lonlat(50.5, 50.5), srid=4326)
    fields = {"source": "supervisor", "category": garbage(), "description": "破损", "location": where}
    return report_case(actor=supervisor, **fields, **options)


def organization(code: str) -> Organization:
    return Organization(code=code, name=code, kind=OrgKind.SUPERVISOR_TEAM)


def test_a_report_outside_a_transaction_writes_the_case_with_its_step_event_and_ledger_row(users, city):
    assert not connection.in_atomic_block
    case, created = report(users.supervisor)
    assert created and Case.objects.filter(pk=case.pk, number=case.number).exists()
    assert CaseStep.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, action=Action.REPORT).count() == 1
    assert LedgerEntry.objects.filter(case=case, valid_to=None).count() == 1


def test_a_retried_report_outside_a_transaction_answers_the_first_case_and_writes_nothing(users, city):
    first, created = report(users.supervisor, idempotency_key="phone-1")
    again, created_again = report(users.supervisor, idempotency_key="phone-1")  # its pipeline fails on the key
    assert created and not created_again and again.pk == first.pk
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_the_connection_a_retried_report_failed_on_writes_the_next_reports(users, city):
    """The retry is the statements' second run, when psycopg prepares them: the pipeline's error made PostgreSQL
    skip the later statements' preparation, and the connection (kept by a web worker) refused every later report
    with "prepared statement does not exist" until it was closed."""
    assert connection.settings_dict["OPTIONS"].get("prepare_threshold") == 1  # as in production
    report(users.supervisor, idempotency_key="phone-1")
    pid = backend_pid()
    report(users.supervisor, idempotency_key="phone-1")
    for n in range(3):  # plain reports and another retry, on the same connection
        case, created = report(users.supervisor, idempotency_key=f"phone-{n + 2}")
        assert created and CaseEvent.objects.filter(case=case).count() == 1
    assert report(users.supervisor, idempotency_key="phone-2") == (Case.objects.get(idempotency_key="phone-2"), False)
    assert report(users.supervisor)[1]
    assert backend_pid() == pid and Case.objects.count() == 5


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_writes_sent_together_are_all_kept_or_none():
    Organization.objects.create(code="taken", name="taken", kind=OrgKind.SUPERVISOR_TEAM)
    with pytest.raises(IntegrityError), rows.one_transaction(), rows.together():
        rows.insert(organization("fresh"))
        rows.insert(organization("taken"))  # the second fails: the first is rolled back with it
    assert not Organization.objects.filter(code="fresh").exists()
    with rows.one_transaction(), rows.together():
        rows.insert(organization("fresh"))
    assert Organization.objects.filter(code="fresh").exists()


def test_a_statement_beside_the_pipeline_or_a_second_pipeline_is_refused():
    with pytest.raises(RuntimeError, match="together only"), rows.one_transaction():
        Organization.objects.create(code="alone", name="alone", kind=OrgKind.SUPERVISOR_TEAM)  # would commit alone
    with pytest.raises(RuntimeError, match="not in two"), rows.one_transaction():
        with rows.together():
            rows.insert(organization("first"))
        with rows.together():  # would be a transaction of its own
            rows.insert(organization("second"))
    assert not Organization.objects.filter(code__in=["alone", "second"]).exists()


def test_plain_values_are_written_as_the_orm_converts_them(users, city):
    case, _created = report(users.supervisor)
    for instance in (case, *CaseStep.objects.filter(case=case), *CaseEvent.objects.filter(case=case)):
        fields = [f for f in type(instance)._meta.concrete_fields if rows._unchanged(f)]
        assert len(fields) > 5
        converted = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
        assert rows._values(instance, fields, connection, adding=False) == converted
