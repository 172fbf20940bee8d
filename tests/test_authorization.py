"""Who may take which action on which case: what the page offers equals what ``perform`` accepts, for every
action of the state machine × every role × cases in every situation (own area, another district, assigned to
someone else), generated from the workflow table so that a new action is covered the day it is declared."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from accounts.choices import Role
from accounts.services import create_user
from cases.choices import CaseState
from cases.models import Case
from cases.services import perform
from cases.workflow import ACTIONS, TRANSITIONS, available_transitions
from citymgmt.errors import Conflict

from .conftest import PASSWORD
from .lifecycle import advance, at, new_case

S = CaseState
NOW = at(2026, 11, 25, 10)


class Rollback(Exception):
    pass


def situations(users, city):
    """Cases in every situation an action can meet, in district 1 and (a few) in district 2."""
    users.supervisor2 = create_user(
        username="supervisor2", password=PASSWORD, organization=city.team, roles=(Role.SUPERVISOR,)
    )

    def case(state, area=city.s11):
        c = new_case(users, city, area=area)
        return advance(c, users, city, state) if state != S.REPORTED else c

    def act(c, who, action, **params):
        return perform(case_id=c.pk, action=action, actor=who, now=NOW, **params)

    cases = {
        "reported": case(S.REPORTED),
        "reported_d2": case(S.REPORTED, area=city.s21),
        "pending_registration": case(S.PENDING_REGISTRATION),
        "registered": case(S.REGISTERED),
        "handled": case(S.HANDLED),
        "checking": case(S.CHECKING),
        "pending_closure": case(S.PENDING_CLOSURE),
        "at_unit_d2": act(case(S.REGISTERED, area=city.s21), users.dispatcher, "dispatch", unit=city.gov2),
    }
    c = act(case(S.REPORTED), users.intake_operator, "send_verification", supervisor=users.supervisor2)
    cases["verifying_other_supervisor"] = c
    cases["checking_other_supervisor"] = act(
        case(S.HANDLED), users.intake_operator, "send_check", supervisor=users.supervisor2
    )
    cases["at_unit"] = case(S.DISPATCHED)  # dispatched by the city straight to gov1
    cases["assigned_to_worker"] = act(case(S.DISPATCHED), users.unit_operator_d1, "assign", person=users.gov1_worker)
    c = act(case(S.DISPATCHED), users.unit_operator_d1, "request_extension", hours=8, note="需要协调")
    cases["extension_asked"] = c

    def park_asked():
        return act(case(S.DISPATCHED), users.unit_operator_d1, "request_park", until=dt.date(2027, 3, 1), note="等资金")

    cases["park_asked"] = park_asked()
    cases["parked"] = act(park_asked(), users.dispatcher, "approve_park")
    cases["returned"] = act(case(S.DISPATCHED), users.unit_operator_d1, "return", note="非本单位职责")
    at_platform = act(case(S.REGISTERED), users.dispatcher, "dispatch", unit=city.p1)
    cases["at_platform"] = at_platform
    at_office = act(case(S.REGISTERED), users.dispatcher, "dispatch", unit=city.p1)
    cases["at_office"] = act(at_office, users.district_operator, "redispatch", unit=city.office11)
    c = act(case(S.REGISTERED), users.dispatcher, "dispatch", unit=city.p1)
    c = act(c, users.district_operator, "redispatch", unit=city.office11)
    cases["office_asks_extension"] = act(c, users.street_office, "request_extension", hours=8, note="需要协调")
    c = act(case(S.REGISTERED), users.dispatcher, "dispatch", unit=city.p1)
    c = act(c, users.district_operator, "redispatch", unit=city.office11)
    cases["returned_to_platform"] = act(c, users.street_office, "return", note="非本单位职责")
    c = act(case(S.DISPATCHED), users.unit_operator_d1, "return", note="应由市政处负责", responsible=city.dept)
    cases["disputed"] = c
    c = act(case(S.REGISTERED), users.dispatcher, "dispatch", unit=city.p1)
    c = act(c, users.district_operator, "redispatch", unit=city.office11)
    cases["disputed_at_platform"] = act(c, users.street_office, "return", note="职责不清", responsible=city.gov1)
    return cases


def params_for(action, case, city):
    """Valid input for ``action`` on ``case``, made from the inputs' declarations: a refusal can then only be
    about who, not about what (a new action's inputs are covered the day it is declared)."""
    d1 = case.district_id == city.d1.pk
    point = (city.grid11 if d1 else city.grid21).geometry.centroid
    value = {
        "unit": lambda spec: (
            (city.gov1 if case.assignee_id != city.gov1.pk else city.office11)
            if action == "redispatch"
            else (city.gov1 if d1 else city.gov2)
        ),
        "person": lambda spec: case.assignee and case.assignee.members.first(),
        "boolean": lambda spec: True,
        "integer": lambda spec: spec.minimum,
        "float": lambda spec: point.x if spec.name == "longitude" else point.y,
        "date": lambda spec: dt.date(2027, 3, 1),
        "choice": lambda spec: spec.choices.values[0],
    }
    return {spec.name: value[spec.kind](spec) for spec in TRANSITIONS[action].inputs if spec.required}


def accepted(action, case, actor, city) -> bool:
    try:
        with transaction.atomic():
            perform(case_id=case.pk, action=action, actor=actor, now=NOW, note="理由", **params_for(action, case, city))
            raise Rollback
    except Rollback:
        return True
    except (PermissionDenied, Conflict, Http404):
        return False
    except ValidationError as error:  # the input above was meant to be valid
        raise AssertionError(f"{action} by {actor} on {case.number}: {error}") from None


def offered(action, case, actor) -> bool:
    visible = Case.objects.restrict(actor).filter(pk=case.pk).exists()
    return visible and action in {t.action for t in available_transitions(actor, case)}


@pytest.mark.django_db
def test_the_page_offers_exactly_what_perform_accepts(users, city):
    cases = situations(users, city)
    actors = {
        name: getattr(users, name)
        for name in (
            "leader",
            "intake_operator",
            "shift_leader",
            "dispatcher",
            "supervisor",
            "supervisor2",
            "district_operator",
            "district_operator_d2",
            "unit_operator",
            "unit_operator_d1",
            "gov1_worker",
            "street_office",
            "administrator",
        )
    }
    mismatches, allowed = [], set()
    for situation, case in cases.items():
        case.refresh_from_db()
        for action in ACTIONS:
            if case.state not in TRANSITIONS[action].sources:
                continue
            for name, actor in actors.items():
                offer, accept = offered(action, case, actor), accepted(action, case, actor, city)
                if offer != accept:
                    mismatches.append((situation, action, name, offer, accept))
                if accept:
                    allowed.add((situation, action, name))
    assert not mismatches
    # Every action is taken by someone in some situation (the matrix is not vacuous) ...
    assert {action for _s, action, _n in allowed} == set(ACTIONS)
    # ... and the assignment of the case decides who, not the role alone.
    denied = [
        ("extension_asked", "approve_extension", "district_operator"),  # the city dispatched it
        ("office_asks_extension", "approve_extension", "dispatcher"),  # the district platform dispatched it
        ("parked", "resume", "district_operator"),
        ("park_asked", "approve_park", "district_operator"),
        ("verifying_other_supervisor", "verify", "supervisor"),
        ("checking_other_supervisor", "check", "supervisor"),
        ("assigned_to_worker", "handle", "unit_operator_d1"),  # assigned to gov1_worker
        ("at_unit", "handle", "unit_operator"),  # another unit
        ("at_unit_d2", "return", "unit_operator_d1"),
        ("returned_to_platform", "dispatch", "dispatcher"),  # the district platform holds it
        ("at_platform", "redispatch", "district_operator_d2"),
        ("reported", "accept", "administrator"),  # administrators configure, they do not take cases
    ]
    for triple in denied:
        assert triple not in allowed, triple
    for triple in [
        ("extension_asked", "approve_extension", "dispatcher"),
        ("office_asks_extension", "approve_extension", "district_operator"),
        ("verifying_other_supervisor", "verify", "supervisor2"),
        ("assigned_to_worker", "handle", "gov1_worker"),
        ("returned_to_platform", "dispatch", "district_operator"),
        ("at_platform", "redispatch", "district_operator"),
    ]:
        assert triple in allowed, triple


@pytest.mark.django_db
def test_a_refused_action_answers_403_over_the_api_and_changes_nothing(users, city):
    from rest_framework.test import APIClient

    case = situations(users, city)["verifying_other_supervisor"]
    api = APIClient()
    api.force_authenticate(users.supervisor)
    response = api.post(f"/api/cases/{case.pk}/verify/", {"found": True}, format="json")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == S.VERIFYING and case.events.count() == 2
