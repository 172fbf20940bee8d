"""Intake at volume: numbers that never wait for each other, reference data read once per process, a report
written in a handful of statements and answered from what was written."""

import threading

import pytest
from django.contrib.auth.models import update_last_login
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import directory
from accounts.scope import in_scope
from cases.models import Case, CaseEvent, CaseStep
from cases.numbering import next_number, set_last
from cases.services import access_case, perform, report_case
from citymgmt import memo, rows
from classification.models import Category
from demo.geometry import lonlat
from gis.geocoding import locate
from tests.lifecycle import garbage, new_case

pytestmark = pytest.mark.django_db


def report(client, category=None, **extra):
    lon, lat = lonlat(50.5, 50.5)
    body = {
        "source": "supervisor",
        "category": category or garbage().pk,
        "description": "井盖破损",
        "longitude": lon,
        "latitude": lat,
    }
    headers = {name: extra.pop(name) for name in list(extra) if name.startswith("HTTP_")}
    key = extra.pop("key", "k1")
    return client.post("/api/cases/", body | extra, format="json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_a_report_is_answered_from_what_was_written_in_a_few_statements(
    users, city, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(users.supervisor)
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: the year's sequence is known
        report(client, key="warm")  # and the process has its copies of the tree, roles and categories
    category = garbage().pk
    with CaptureQueriesContext(connection) as queries:
        answer = report(client, category, key="k2")
    assert answer.status_code == 201, answer.content
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    # the grid of the point, the number and key, the case, its first step, its event, its ledger row (and savepoints)
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == [
        "SELECT", "SELECT", "INSERT", "INSERT", "INSERT", "INSERT"
    ]  # fmt: skip
    assert answer.json() == client.get(f"/api/cases/{answer.json()['id']}/").json()
    again = report(client, key="k2")  # a retry finds the first case through the key's constraint
    assert again.status_code == 200 and again.json()["number"] == answer.json()["number"]


RECEIPT = {"id", "number", "state", "state_display", "stage_deadline", "handling_deadline", "reported_at"}


def test_a_sender_that_prefers_a_receipt_gets_one_without_anything_read_back(users, city):
    client = APIClient()
    client.force_authenticate(users.supervisor)
    minimal = {"HTTP_PREFER": "respond-async, return = minimal"}
    answer = report(client, key="r1", **minimal)
    assert answer.status_code == 201 and answer["Preference-Applied"] == "return=minimal"
    full = client.get(f"/api/cases/{answer.json()['id']}/").json()
    assert set(answer.json()) == RECEIPT and answer.json() == {k: full[k] for k in RECEIPT}
    again = report(client, key="r1", **minimal)  # a retry: the same receipt
    assert again.status_code == 200 and again.json() == answer.json()
    assert "events" in report(client, key="r2").json()  # no preference: the whole case, as before

    desk = APIClient()
    desk.force_authenticate(users.intake_operator)
    url = f"/api/cases/{answer.json()['id']}/send_verification/"
    with CaptureQueriesContext(connection) as queries:
        moved = desk.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="a1", **minimal)
    assert moved.status_code == 200 and set(moved.json()) == RECEIPT and moved.json()["state"] == "verifying"
    assert not [q for q in queries.captured_queries if "cases_attachment" in q["sql"]]
    retried = desk.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="a1", **minimal)
    assert retried.status_code == 200 and retried.json()["state"] == "verifying"


def test_a_retry_gets_its_case_even_where_a_new_report_would_now_be_refused(users, city):
    first = new_case(users, city, idempotency_key="phone-1")
    Category.objects.filter(pk=first.category_id).update(is_active=False)
    memo.changed()  # (a bulk update sends no signal)
    retired = Category.objects.get(pk=first.category_id)
    fields = {"source": first.source, "category": retired, "description": first.description, "area": city.s11}
    again, created = report_case(
        actor=users.intake_operator, idempotency_key="phone-1", now=first.reported_at, **fields
    )
    assert (again.pk, created) == (first.pk, False)
    with pytest.raises(ValidationError):  # a new report of the retired category is refused
        report_case(actor=users.intake_operator, idempotency_key="phone-2", **fields)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_number_is_given_while_another_report_is_still_uncommitted():
    set_last(2031, 1)  # the year's sequence exists (its first report creates it)
    first = {}

    def hold_a_number(ready, release):
        with transaction.atomic():
            first["number"] = next_number(2031)
            ready.set()
            release.wait(10)
        connections.close_all()

    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_a_number, args=(ready, release))
    holder.start()
    assert ready.wait(10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")  # a counter row held by the other would time out here
            second = next_number(2031)
            cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        holder.join()
    assert int(second[4:]) == int(first["number"][4:]) + 1 == 3 and second.startswith("2031")


def test_the_process_copies_follow_changes_here_at_once_and_elsewhere_within_a_second(users, city):
    assert in_scope(users.district_operator, city.s11)
    city.p1.is_active = False
    city.p1.save()  # through the ORM: this process forgets at once
    assert not in_scope(users.district_operator, city.s11)

    from accounts.models import Organization

    Organization.objects.filter(pk=city.p1.pk).update(is_active=True)  # as another process would have done it
    assert not in_scope(users.district_operator, city.s11)  # this process does not know yet
    memo._announce()  # that process's commit moves the generation mark...
    memo._seen.generation, memo._seen.checked = "before", 0.0  # ...which this one reads within a second
    assert in_scope(users.district_operator, city.s11)
    assert directory.organization(city.p1.pk).is_active
    update_last_login(None, users.dispatcher)  # a sign-in saves the user: nothing copied changed
    assert directory.tree.loaded
    cache.delete(memo.GENERATION_KEY)


def test_an_action_writes_only_what_changed_in_one_statement_a_row(users, city):
    case = new_case(users, city)
    before = Case.objects.values().get(pk=case.pk)
    with CaptureQueriesContext(connection) as queries:
        perform(case_id=case.pk, action="send_verification", actor=users.intake_operator)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in ("UPDATE", "INSERT", "WITH")]
    # the case (its changed fields only), the intake step closed, the verification step, the event, the ledger
    assert len(writes) == 5, writes
    case_update = next(w for w in writes if w.startswith('UPDATE "cases_case" '))
    assert '"description"' not in case_update and '"location"' not in case_update and '"state"' in case_update
    after = Case.objects.values().get(pk=case.pk)
    assert {k for k in after if after[k] != before[k]} >= {"state", "stage_deadline", "updated_at"}
    assert after["description"] == before["description"] and after["location"] == before["location"]
    intake, verification = CaseStep.objects.filter(case=case).order_by("entered_at", "pk")
    assert intake.completed_at is not None and intake.person_id == users.intake_operator.pk
    assert verification.completed_at is None and verification.deadline == after["stage_deadline"]
    event = CaseEvent.objects.get(case=case, action="send_verification")
    assert (event.from_state, event.to_state, event.actor_id) == ("reported", "verifying", users.intake_operator.pk)


def test_rows_writes_a_new_row_as_the_orm_would(users, city):
    case = new_case(users, city)
    event = CaseEvent(case=case, action="note", actor=users.intake_operator, at=case.reported_at, data={"k": [1, "二"]})
    rows.insert(event)
    assert event.pk and not event._state.adding
    stored = CaseEvent.objects.get(pk=event.pk)
    assert stored.data == {"k": [1, "二"]} and stored.actor_id == users.intake_operator.pk
    copy = Case.objects.get(pk=case.pk)
    copy.pk, copy.number, copy.idempotency_key = None, "20990000001", None
    copy.location = Point(*lonlat(50.5, 50.5), srid=4326)
    rows.insert(copy)  # a geometry, an auto_now
    stored = Case.objects.get(pk=copy.pk)
    assert stored.location.equals_exact(copy.location, 1e-9) and stored.updated_at >= case.updated_at


def test_a_compiled_read_gives_what_the_orm_gives(users, city):
    case = new_case(users, city)
    perform(case_id=case.pk, action="send_verification", actor=users.intake_operator)
    read = rows.Compiled(lambda: Case.objects.filter(pk=0))
    (fast,) = read(case.pk)
    slow = Case.objects.get(pk=case.pk)
    assert {f.attname: getattr(fast, f.attname) for f in Case._meta.concrete_fields} == {
        f.attname: getattr(slow, f.attname) for f in Case._meta.concrete_fields
    }
    assert not fast._state.adding and fast.category.pk == slow.category_id  # a model instance like any other
    steps = rows.Compiled(lambda: CaseStep.objects.filter(case_id=0).order_by("entered_at", "pk"))
    assert [s.pk for s in steps(case.pk)] == list(case.steps.order_by("entered_at", "pk").values_list("pk", flat=True))
    assert read(0) == []


def test_writes_sent_together_arrive_with_their_keys_or_not_at_all(users, city):
    case = new_case(users, city)
    first = CaseEvent(case=case, action="note", actor=users.intake_operator, at=case.reported_at)
    second = CaseEvent(case=case, action="note", actor=users.intake_operator, at=case.reported_at, note="2")
    with CaptureQueriesContext(connection) as queries, rows.together():
        rows.insert(first)
        rows.insert(second)
        assert first.pk is None and not queries.captured_queries  # nothing sent yet
    assert len(queries.captured_queries) == 2 and second.pk > first.pk
    assert CaseEvent.objects.get(pk=second.pk).note == "2"
    clash = Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if not f.primary_key})
    lost = CaseEvent(case=case, action="lost", actor=users.intake_operator, at=case.reported_at)
    with pytest.raises(IntegrityError), transaction.atomic(), rows.together():  # the case's number is taken
        rows.insert(lost)
        rows.insert(clash)
    assert not CaseEvent.objects.filter(action="lost").exists()


@pytest.mark.parametrize("key", ["abc", "-1", 0, 2**70, None, "1.5"])
def test_a_case_key_that_cannot_be_one_is_not_found(users, city, key):
    with pytest.raises(Http404):
        access_case(users.dispatcher, key)


def test_a_point_in_another_reference_system_finds_the_same_grid(city):
    point = Point(*lonlat(50.5, 50.5), srid=4326)
    assert locate(point.transform(3857, clone=True)).grid == locate(point).grid
