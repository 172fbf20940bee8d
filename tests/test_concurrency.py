"""Races against real PostgreSQL: row locks and unique keys, not luck, decide the outcome."""

import threading

import pytest
from django.db import connection

from cases.models import Case, CaseEvent
from cases.services import perform, report_case
from cases.workflow import IllegalTransition
from tests.lifecycle import S, advance, garbage, new_case

# serialized_rollback: a transactional test flushes the tables; this restores the data migrations' rows.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(*calls):
    """Run the calls at the same moment on separate threads (own DB connections); return results/errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_dispatchers_dispatching_at_once_one_wins_one_event(users, city):
    case = advance(new_case(users, city), users, city, S.REGISTERED)
    results = race(
        lambda: perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.gov1),
        lambda: perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.dept),
    )
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, IllegalTransition)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert losses[0].state == S.DISPATCHED
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1
    assert Case.objects.get(pk=case.pk).assignee == wins[0].assignee


def test_the_same_idempotency_key_posted_concurrently_makes_one_case(users, city):
    def post():
        return report_case(
            actor=users.intake_operator,
            source="hotline",
            category=garbage(),
            description="重复提交",
            area=city.s11,
            idempotency_key="client-key-1",
        )

    results = race(post, post, post)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({case.pk for case, _created in results}) == 1
    assert sorted(created for _case, created in results) == [False, False, True]
    assert Case.objects.filter(idempotency_key="client-key-1").count() == 1


def test_concurrent_reports_get_distinct_consecutive_numbers(users, city):
    def post(i):
        return lambda: report_case(
            actor=users.intake_operator, source="hotline", category=garbage(), description=f"第{i}件", area=city.s11
        )[0]

    results = race(*(post(i) for i in range(6)))
    numbers = sorted(r.number for r in results)
    assert len(set(numbers)) == 6
    assert [int(n[4:]) for n in numbers] == list(range(int(numbers[0][4:]), int(numbers[0][4:]) + 6))
