"""The state machine: every legal transition, every illegal one, replay, deadlines, two-level dispatch."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cases.choices import OPEN_STATES, CaseSource, ClosureType, Stage
from cases.models import Case, CaseEvent
from cases.services import flag_overdue, perform
from cases.workflow import TRANSITIONS, IllegalTransition, NotNow, replay
from demo.geometry import lonlat
from notifications.models import Notification
from tests.lifecycle import PATH, S, advance, at, new_case, photo_after

pytestmark = pytest.mark.django_db


def test_a_public_report_walks_from_report_to_closure_and_replays(users, city):
    case = new_case(users, city)
    assert case.number.startswith("2026") and len(case.number) == 11
    case = advance(case, users, city, S.CLOSED)
    events = list(case.events.all())
    assert [e.action for e in events] == ["report"] + [action for _s, _w, action, _p in PATH]
    assert replay(events) == case.state == S.CLOSED
    assert case.closure_type == ClosureType.NORMAL
    assert not case.steps.filter(completed_at__isnull=True).exists()
    assert list(case.steps.values_list("stage", flat=True)) == [
        Stage.INTAKE,
        Stage.VERIFY,
        Stage.REGISTER,
        Stage.DISPATCH,
        Stage.HANDLE,
        Stage.SEND_CHECK,
        Stage.CHECK,
        Stage.CLOSE,
    ]


def test_events_record_actor_role_organization_and_are_immutable(users, city):
    case = new_case(users, city)
    event = case.events.get()
    assert (event.actor, event.actor_role, event.actor_organization) == (
        users.intake_operator,
        "intake_operator",
        city.center,
    )
    assert (event.from_state, event.to_state) == ("", S.REPORTED)
    event.note = "tampered"
    with pytest.raises(Exception, match="不可修改"):
        event.save()
    with pytest.raises(Exception, match="不可删除"):
        event.delete()


def test_a_supervisor_report_skips_verification(users, city):
    case = new_case(users, city, by="supervisor", source=CaseSource.PUBLIC)
    assert case.source == CaseSource.SUPERVISOR  # a supervisor's report is always a supervisor report
    case = perform(case_id=case.pk, action="accept", actor=users.intake_operator)
    assert case.state == S.PENDING_REGISTRATION


def test_self_handled_report_is_closed_at_once_and_counted_apart(users, city):
    with pytest.raises(ValidationError):  # handled on the spot: shown by a photo after
        new_case(users, city, by="supervisor", self_handled=True, photos=[])
    case = new_case(users, city, by="supervisor", self_handled=True, photos=photo_after())
    assert case.attachments.get().kind == "after"
    assert (case.state, case.self_handled, case.closure_type) == (S.CLOSED, True, ClosureType.NORMAL)
    with pytest.raises(ValidationError):
        new_case(users, city, by="intake_operator", self_handled=True, photos=photo_after())


# --- every legal transition -----------------------------------------------------------------------------

# action → (state to start from, actor, params, expected state)
LEGAL = {
    "accept": (S.REPORTED, "intake_operator", {}, S.PENDING_REGISTRATION),
    "send_verification": (S.REPORTED, "intake_operator", {}, S.VERIFYING),
    "not_accept": (S.REPORTED, "intake_operator", {"note": "重复上报"}, S.NOT_ACCEPTED),
    "verify": (S.VERIFYING, "supervisor", {"found": False, "note": "现场未发现"}, S.NOT_REGISTERED),
    "register": (S.PENDING_REGISTRATION, "shift_leader", {}, S.REGISTERED),
    "not_register": (S.PENDING_REGISTRATION, "shift_leader", {"note": "不符合立案标准"}, S.NOT_REGISTERED),
    "dispatch": (S.REGISTERED, "dispatcher", {"unit": "gov1"}, S.DISPATCHED),
    "redispatch": ("at_platform", "district_operator", {"unit": "office11"}, S.DISPATCHED),
    "return": (S.DISPATCHED, "unit_operator_d1", {"note": "非我单位职责"}, S.RETURNED),
    "handle": (S.DISPATCHED, "unit_operator_d1", {"note": "已清理"}, S.HANDLED),
    "assign": (S.DISPATCHED, "unit_operator_d1", {"person": "gov1_worker"}, S.DISPATCHED),
    "send_check": (S.HANDLED, "intake_operator", {}, S.CHECKING),
    "check": (S.CHECKING, "supervisor", {"fixed": False, "note": "仍有垃圾"}, S.DISPATCHED),
    "close": (S.PENDING_CLOSURE, "shift_leader", {}, S.CLOSED),
    "cancel": (S.DISPATCHED, "shift_leader", {"note": "误报"}, S.CANCELLED),
    "request_extension": (S.DISPATCHED, "unit_operator_d1", {"hours": 8, "note": "需要机械"}, S.DISPATCHED),
    "approve_extension": ("extension_pending", "dispatcher", {}, S.DISPATCHED),
    "deny_extension": ("extension_pending", "dispatcher", {}, S.DISPATCHED),
    "request_park": (S.DISPATCHED, "unit_operator_d1", {"until": "2027-03-01", "note": "等待资金"}, S.DISPATCHED),
    "approve_park": ("park_pending", "dispatcher", {}, S.PARKED),
    "deny_park": ("park_pending", "dispatcher", {}, S.DISPATCHED),
    "resume": (S.PARKED, "dispatcher", {}, S.DISPATCHED),
    "urge": (S.DISPATCHED, "leader", {"note": "尽快处理"}, S.DISPATCHED),
    "relocate": (
        S.REGISTERED,
        "dispatcher",
        {"longitude": lonlat(50.5, 50.5)[0], "latitude": lonlat(50.5, 50.5)[1]},
        S.REGISTERED,
    ),
    "flag_dispute": (S.RETURNED, "dispatcher", {"note": "两家单位都不认领"}, S.RETURNED),
    "state_position": ("disputed", "unit_operator_d1", {"note": "应由市政处负责"}, S.RETURNED),
    "rule": ("disputed", "dispatcher", {"unit": "gov1", "scope": "case", "note": "按属地管理"}, S.DISPATCHED),
}
assert set(LEGAL) == set(TRANSITIONS) - {"report"}


def bring(users, city, start):
    """A case in the named starting situation."""
    case = new_case(users, city)
    if start == "at_platform":
        case = advance(case, users, city, S.REGISTERED)
        return perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.p1)
    if start in ("extension_pending", "park_pending"):
        case = advance(case, users, city, S.DISPATCHED)
        request = {
            "extension_pending": ("request_extension", {"hours": 8}),
            "park_pending": ("request_park", {"until": "2027-03-01"}),
        }[start]
        return perform(case_id=case.pk, action=request[0], actor=users.unit_operator_d1, note="理由", **request[1])
    if start == "disputed":
        case = advance(case, users, city, S.DISPATCHED)
        return perform(
            case_id=case.pk, action="return", actor=users.unit_operator_d1, note="非我单位", responsible=city.dept
        )
    if start == S.RETURNED:
        case = advance(case, users, city, S.DISPATCHED)
        return perform(case_id=case.pk, action="return", actor=users.unit_operator_d1, note="非我单位")
    if start == S.PARKED:
        case = bring(users, city, "park_pending")
        return perform(case_id=case.pk, action="approve_park", actor=users.dispatcher)
    return advance(case, users, city, start)


@pytest.mark.parametrize("action", sorted(LEGAL))
def test_every_legal_transition(users, city, action):
    start, who, params, expected = LEGAL[action]
    case = bring(users, city, start)
    before = case.events.count()
    params = {
        k: getattr(city, v) if k == "unit" else getattr(users, v) if k == "person" else v for k, v in params.items()
    }
    case = perform(case_id=case.pk, action=action, actor=getattr(users, who), **params)
    assert case.state == expected
    assert case.events.count() == before + 1
    assert case.events.last().action == action
    assert replay(case.events.all()) == Case.objects.get(pk=case.pk).state


# --- every illegal transition ---------------------------------------------------------------------------

REACHABLE = [
    S.REPORTED,
    S.VERIFYING,
    S.PENDING_REGISTRATION,
    S.REGISTERED,
    S.DISPATCHED,
    S.HANDLED,
    S.CHECKING,
    S.PENDING_CLOSURE,
    S.CLOSED,
    S.PARKED,
]


@pytest.mark.parametrize("state", REACHABLE)
def test_every_illegal_transition_raises_and_changes_nothing(users, city, state):
    case = bring(users, city, state)
    snapshot = Case.objects.filter(pk=case.pk).values().get()
    events = case.events.count()
    illegal = [a for a, t in TRANSITIONS.items() if a != "report" and state not in t.sources]
    assert illegal
    for action in illegal:
        with pytest.raises(IllegalTransition) as error:
            perform(case_id=case.pk, action=action, actor=users.administrator, note="x")
        assert error.value.state == state
    assert Case.objects.filter(pk=case.pk).values().get() == snapshot
    assert case.events.count() == events


def test_terminal_voided_states_allow_nothing(users, city):
    case = new_case(users, city)
    case = perform(case_id=case.pk, action="not_accept", actor=users.intake_operator, note="重复")
    for action in set(TRANSITIONS) - {"report"}:
        with pytest.raises(IllegalTransition):
            perform(case_id=case.pk, action=action, actor=users.administrator, note="x")


# --- roles and scope --------------------------------------------------------------------------------------


def test_wrong_role_is_refused(users, city):
    case = new_case(users, city)
    with pytest.raises(PermissionDenied):
        perform(case_id=case.pk, action="send_verification", actor=users.dispatcher)
    assert case.events.count() == 1


def test_other_districts_and_units_do_not_even_see_the_case(users, city):
    case = advance(new_case(users, city), users, city, S.DISPATCHED)  # at gov1 in district 1
    with pytest.raises(Http404):
        perform(case_id=case.pk, action="handle", actor=users.unit_operator_d2, note="x")
    with pytest.raises(Http404):
        perform(case_id=case.pk, action="urge", actor=users.district_operator_d2, note="x")


def test_reporting_outside_ones_area_is_refused(users, city):
    with pytest.raises(PermissionDenied):
        new_case(users, city, by="district_operator", area=city.s21)


# --- two-level dispatch ----------------------------------------------------------------------------------


def test_city_to_district_platform_to_street_office_and_back(users, city):
    case = bring(users, city, "at_platform")
    assert (case.assignee, case.platform) == (city.p1, city.p1)
    assert Notification.objects.filter(organization=city.p1, case=case).exists()
    with pytest.raises(ValidationError):  # not its district's unit
        perform(case_id=case.pk, action="redispatch", actor=users.district_operator, unit=city.gov2)
    with pytest.raises(Http404):  # the other district cannot touch it
        perform(case_id=case.pk, action="redispatch", actor=users.district_operator_d2, unit=city.gov2)
    case = perform(case_id=case.pk, action="redispatch", actor=users.district_operator, unit=city.office11)
    assert case.assignee == city.office11
    case = perform(case_id=case.pk, action="return", actor=users.street_office, note="应由区政府处理")
    assert (case.state, case.platform, case.return_count) == (S.RETURNED, city.p1, 1)
    case = perform(case_id=case.pk, action="dispatch", actor=users.district_operator, unit=city.gov1)
    assert case.assignee == city.gov1 and case.events.last().data["previous_unit"] == city.office11.pk
    hops = list(case.events.values_list("action", flat=True))
    assert hops[-4:] == ["dispatch", "redispatch", "return", "dispatch"]


def test_platform_returns_a_case_to_the_city(users, city):
    case = bring(users, city, "at_platform")
    case = perform(case_id=case.pk, action="return", actor=users.district_operator, note="不属本区")
    assert (case.state, case.platform) == (S.RETURNED, None)
    with pytest.raises(PermissionDenied):
        perform(case_id=case.pk, action="dispatch", actor=users.district_operator, unit=city.gov1)
    case = perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.dept)
    assert case.assignee == city.dept


def test_a_platform_only_takes_cases_of_its_own_district(users, city):
    case = advance(new_case(users, city), users, city, S.REGISTERED)
    with pytest.raises(ValidationError):
        perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.p2)


# --- deadlines, extensions, rework, overdue ---------------------------------------------------------------


def test_handling_deadline_runs_in_working_time_over_the_weekend(users, city):
    case = advance(new_case(users, city, now=at(2026, 11, 27, 15)), users, city, S.REGISTERED, now=at(2026, 11, 27, 16))
    case = perform(
        case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.gov1, now=at(2026, 11, 27, 17)
    )  # Friday 17:00 + 4 working hours
    assert case.handling_deadline == at(2026, 11, 30, 11)
    assert case.stage_deadline == case.handling_deadline


def test_handling_deadline_skips_a_holiday_and_the_lunch_break(users, city):
    case = advance(new_case(users, city, now=at(2026, 9, 30, 8)), users, city, S.REGISTERED, now=at(2026, 9, 30, 9))
    case = perform(
        case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.gov1, now=at(2026, 9, 30, 16)
    )  # eve of National Day: 2 h today, 2 h on Oct 8
    assert case.handling_deadline == at(2026, 10, 8, 10)


def test_center_steps_have_fifteen_working_minutes(users, city):
    case = new_case(users, city, now=at(2026, 11, 25, 11, 50))
    assert case.stage_deadline == at(2026, 11, 25, 14, 5)  # across the lunch break


def test_extension_moves_the_deadline_by_working_hours(users, city):
    case = bring(users, city, "extension_pending")
    due = case.handling_deadline
    case = perform(case_id=case.pk, action="approve_extension", actor=users.dispatcher)
    assert case.extension_count == 1 and case.extension_hours == 8
    from cases.worktime import current_calendar

    assert case.handling_deadline == current_calendar().add(due, dt.timedelta(hours=8))
    assert case.steps.get(stage=Stage.HANDLE, completed_at__isnull=True).deadline == case.handling_deadline
    with pytest.raises(NotNow):  # nothing pending any more: 409, like any action the situation forbids
        perform(case_id=case.pk, action="approve_extension", actor=users.dispatcher)


def test_rework_sends_the_case_back_to_the_same_unit_with_a_new_deadline(users, city):
    case = advance(new_case(users, city), users, city, S.CHECKING)
    case = perform(case_id=case.pk, action="check", actor=users.supervisor, fixed=False, note="未清理干净")
    assert (case.state, case.assignee, case.rework_count) == (S.DISPATCHED, city.gov1, 1)
    assert Notification.objects.filter(organization=city.gov1, kind="rework").exists()
    with pytest.raises(IllegalTransition):
        perform(case_id=case.pk, action="check", actor=users.supervisor, fixed=True)


def test_overdue_is_flagged_once_the_deadline_passes_and_the_unit_is_told(users, city):
    case = advance(new_case(users, city), users, city, S.DISPATCHED, now=at(2026, 11, 25, 9))
    assert flag_overdue(now=case.handling_deadline - dt.timedelta(minutes=1)) == 0
    assert flag_overdue(now=case.handling_deadline + dt.timedelta(minutes=1)) == 1
    case.refresh_from_db()
    assert case.is_overdue
    assert Notification.objects.filter(organization=city.gov1, kind="overdue", case=case).count() == 1
    assert flag_overdue(now=case.handling_deadline + dt.timedelta(hours=1)) == 0  # once only
    case = perform(
        case_id=case.pk,
        action="handle",
        actor=users.unit_operator_d1,
        note="已清理",
        now=case.handling_deadline + dt.timedelta(hours=2),
    )
    assert case.steps.get(stage=Stage.HANDLE).on_time is False
    case = advance(case, users, city, S.CLOSED)
    assert case.closure_type == ClosureType.OVERDUE


def test_bad_input_writes_nothing(users, city):
    case = advance(new_case(users, city), users, city, S.REGISTERED)
    events = case.events.count()
    for params in ({"unit": 999999}, {"unit": "abc"}, {"unit": city.s11}, {}):
        with pytest.raises(ValidationError):
            perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, **params)
    with pytest.raises(ValidationError):
        perform(case_id=case.pk, action="cancel", actor=users.shift_leader)  # a reason is required
    assert case.events.count() == events
    assert Case.objects.get(pk=case.pk).state == S.REGISTERED


def test_open_states_are_all_covered_by_cancel():
    assert set(TRANSITIONS["cancel"].sources) == set(OPEN_STATES)


def test_replay_detects_a_broken_history(users, city):
    case = advance(new_case(users, city), users, city, S.REGISTERED)
    events = list(case.events.all())
    with pytest.raises(ValueError):
        replay([events[0], events[2]])
    assert CaseEvent.objects.filter(case=case).count() == 4


def test_relocating_re_geocodes_and_is_refused_outside_scope(users, city):
    case = new_case(users, city, by="intake_operator")
    lon, lat = lonlat(50.5, 50.5)
    case = perform(case_id=case.pk, action="relocate", actor=users.intake_operator, longitude=lon, latitude=lat)
    assert (case.grid, case.community, case.street) == (city.grid11, city.c111, city.s11)
    lon, lat = lonlat(60.5, 60.5)
    case = perform(case_id=case.pk, action="relocate", actor=users.intake_operator, longitude=lon, latitude=lat)
    assert (case.grid, case.district) == (city.grid21, city.d2)
    assert case.events.last().data["from"]["grid"] == "990101001001901"
    with pytest.raises(ValidationError):
        perform(case_id=case.pk, action="relocate", actor=users.intake_operator, longitude=116.4, latitude=39.9)


def test_assigning_names_the_person_and_narrows_their_queue(users, city):
    from cases.selectors import in_queue

    case = advance(new_case(users, city), users, city, S.DISPATCHED)  # at gov1
    with pytest.raises(ValidationError):  # not of the responsible unit
        perform(case_id=case.pk, action="assign", actor=users.unit_operator_d1, person=users.dispatcher)
    case = perform(case_id=case.pk, action="assign", actor=users.unit_operator_d1, person=users.gov1_worker)
    assert case.handler == users.gov1_worker
    assert Notification.objects.filter(user=users.gov1_worker, case=case).exists()
    assert case in in_queue(users.gov1_worker, "handle")
    assert case not in in_queue(users.unit_operator_d1, "handle")  # it is someone else's now
    case = perform(case_id=case.pk, action="return", actor=users.gov1_worker, note="非本单位")
    case = perform(case_id=case.pk, action="dispatch", actor=users.dispatcher, unit=city.gov2)
    assert case.handler is None  # a new unit names its own person
