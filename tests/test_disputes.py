"""Disputed responsibility (确权): two returns make a dispute, the parties state positions, the dispatching
platform rules, and a ruling that holds from now on becomes the responsibility rule the next case follows."""

import pytest
from django.core.exceptions import PermissionDenied

from cases.choices import CaseState as S
from cases.choices import Stage
from cases.models import Case
from cases.selectors import in_queue
from cases.workflow import NotNow, available_transitions
from dispatch.models import ResponsibilityRule
from dispatch.services import suggest_unit
from tests.histories import dispatched, go
from tests.lifecycle import at, new_case

pytestmark = pytest.mark.django_db


def bounced_twice(users, city):
    u = users
    c = dispatched(u, city, 2, unit=city.dept)
    c = go(c, u.unit_operator, "return", at(2026, 11, 2, 10), note="非我单位")
    assert c.disputed_since is None  # one return: the dispatcher dispatches again
    c = go(c, u.dispatcher, "dispatch", at(2026, 11, 2, 10, 10), unit=city.gov1)
    return go(c, u.unit_operator_d1, "return", at(2026, 11, 2, 11), note="也不是我们的")


def test_a_case_returned_twice_is_disputed_and_waits_for_a_ruling(users, city):
    c = bounced_twice(users, city)
    assert c.state == S.RETURNED and c.disputed_since == at(2026, 11, 2, 11)
    step = c.steps.order_by("entered_at", "pk").last()
    assert step.stage == Stage.RULE and step.completed_at is None and step.deadline > at(2026, 11, 4)  # 3 working days
    assert c in in_queue(users.dispatcher, "disputes")
    offered = {t.action for t in available_transitions(users.dispatcher, c)}
    assert "rule" in offered and "dispatch" not in offered
    with pytest.raises(NotNow):
        go(c, users.dispatcher, "dispatch", at(2026, 11, 2, 12), unit=city.gov2)


def test_a_unit_naming_the_responsible_body_opens_a_dispute_at_once(users, city):
    c = dispatched(users, city, 2, unit=city.dept)
    c = go(c, users.unit_operator, "return", at(2026, 11, 2, 10), note="属东城区", responsible=city.gov1.pk)
    assert c.disputed_since is not None
    assert c.events.last().data["responsible"] == city.gov1.pk


def test_parties_state_positions_and_only_the_dispatching_platform_rules(users, city):
    c = bounced_twice(users, city)
    c = go(c, users.unit_operator_d1, "state_position", at(2026, 11, 2, 12), note="应由市政处负责，附职责文件")
    assert c.events.last().action == "state_position" and c.state == S.RETURNED
    with pytest.raises(PermissionDenied):
        go(c, users.district_operator, "rule", at(2026, 11, 2, 13), unit=city.gov1, scope="case", note="x")


def test_a_ruling_from_now_on_becomes_the_rule_the_next_case_follows(users, city):
    before = suggest_unit(new_case(users, city, now=at(2026, 11, 2, 8)))
    c = bounced_twice(users, city)
    c = go(
        c,
        users.dispatcher,
        "rule",
        at(2026, 11, 3, 9),
        unit=city.dept,
        scope="rule",
        basis="《城市管理职责清单》第12条",
        note="道路保洁属市政处",
    )
    assert c.state == S.DISPATCHED and c.assignee == city.dept and c.disputed_since is None
    assert c.handling_deadline > at(2026, 11, 3, 9)  # the responsible unit's time starts with the ruling
    ruling = c.events.last()
    rule = ResponsibilityRule.objects.get(pk=ruling.data["rule"])
    assert (rule.unit, rule.category, rule.area, rule.ruling) == (city.dept, c.category, city.s11, ruling)
    assert rule.is_active and before != city.dept
    following = new_case(users, city, now=at(2026, 11, 4, 9))
    assert suggest_unit(following) == city.dept
    assert not Case.objects.filter(pk=following.pk, disputed_since__isnull=False).exists()


def test_a_ruling_for_this_case_only_writes_no_rule(users, city):
    c = bounced_twice(users, city)
    go(c, users.dispatcher, "rule", at(2026, 11, 3, 9), unit=city.dept, scope="case", note="本案由市政处处置")
    assert not ResponsibilityRule.objects.filter(ruling__isnull=False).exists()


def test_the_liaison_agenda_lists_open_and_ruled_disputes_per_unit_and_exports(users, city, client):
    open_one = bounced_twice(users, city)
    ruled = bounced_twice(users, city)
    go(ruled, users.dispatcher, "rule", at(2026, 11, 3, 9), unit=city.dept, scope="rule", note="属市政处")
    client.force_login(users.dispatcher)
    page = client.get("/cases/liaison/?month=2026-11")
    assert page.status_code == 200
    sections = {str(title): [c.pk for c in cases] for title, cases in page.context["sections"]}
    assert list(sections.values())[:2] == [[open_one.pk], [ruled.pk]]
    sheet = client.get("/cases/liaison/?month=2026-11&export=xlsx")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats") and sheet.content[:2] == b"PK"
    client.force_login(users.unit_operator)  # a unit attends with its own cases only
    page = client.get("/cases/liaison/?month=2026-11")
    assert [[c.pk for c in cases] for _title, cases in page.context["sections"]][:2] == [[], [ruled.pk]]
    client.force_login(users.supervisor)
    assert client.get("/cases/liaison/").status_code == 403


def test_dispute_figures_count_openings_rulings_and_rules(users, city):
    from cases.selectors import dispute_figures

    ruled = bounced_twice(users, city)
    bounced_twice(users, city)
    go(ruled, users.dispatcher, "rule", at(2026, 11, 2, 13), unit=city.dept, scope="rule", note="属市政处")
    figures = dispute_figures(at(2026, 11, 1), at(2026, 12, 1))
    assert figures == {"opened": 2, "ruled": 1, "median_hours": 2.0, "rules": 1}


def test_bad_ruling_input_is_a_400_with_the_reason_and_changes_nothing(users, city):
    from rest_framework.test import APIClient

    c = bounced_twice(users, city)
    api = APIClient()
    api.force_login(users.dispatcher)
    url = f"/api/cases/{c.pk}/rule/"
    for body, field in [
        ({"unit": city.gov1.pk, "scope": "forever", "note": "裁定"}, "scope"),
        ({"unit": 999_999, "scope": "case", "note": "裁定"}, "unit"),
        ({"unit": city.p1.pk, "scope": "case", "note": "裁定"}, "unit"),  # a platform, not a handling unit
        ({"scope": "case", "note": "裁定"}, "unit"),
        ({"unit": city.gov1.pk, "scope": "case"}, "note"),  # a ruling says why
    ]:
        response = api.post(url, body, format="json")
        assert response.status_code == 400 and field in response.data, (body, response.data)
    c.refresh_from_db()
    assert c.state == S.RETURNED and c.disputed_since is not None and not ResponsibilityRule.objects.exists()
    api.force_login(users.unit_operator_d1)  # a party states positions; it does not rule
    assert api.post(url, {"unit": city.gov1.pk, "scope": "case", "note": "裁定"}, format="json").status_code == 403


def test_the_gap_report_links_each_rule_a_ruling_made(users, city, admin_client):
    from django.urls import reverse

    c = bounced_twice(users, city)
    go(c, users.dispatcher, "rule", at(2026, 11, 3, 9), note="会商确定", unit=city.gov1, scope="rule", basis="三定方案")
    page = admin_client.get(reverse("admin:dispatch_rule_gaps")).content.decode()
    assert c.number in page and reverse("case-detail", args=[c.pk]) in page and "三定方案" in page


def test_meeting_decisions_are_followed_up_by_their_owner(users, city, client):
    from django.urls import reverse
    from django.utils import timezone

    from cases.models import Decision

    c = bounced_twice(users, city)
    client.force_login(users.dispatcher)
    due = timezone.localdate().isoformat()
    decide = reverse("liaison-decide", args=[c.pk])
    client.post(decide, {"text": "两单位联合踏勘后确权", "owner": city.gov1.pk, "due_on": due, "month": "2026-11"})
    client.post(decide, {"text": "", "owner": city.gov1.pk, "due_on": due})  # refused: no decision written
    client.post(decide, {"text": "过期", "owner": city.gov1.pk, "due_on": "2020-01-01"})  # refused: in the past
    [decision] = Decision.objects.all()
    assert (decision.owner, decision.done_at) == (city.gov1, None)
    page = client.get(reverse("liaison-agenda")).content.decode()
    assert "两单位联合踏勘后确权" in page
    done = reverse("follow-up-done", args=[decision.pk])
    client.force_login(users.unit_operator_d2)  # another district's unit neither sees nor closes it
    assert client.post(done, {"note": "x"}).status_code == 404
    client.force_login(users.unit_operator_d1)  # the owner reports it done, from its own agenda
    assert "两单位联合踏勘后确权" in client.get(reverse("liaison-agenda")).content.decode()
    client.post(done, {"note": "已踏勘"})
    decision.refresh_from_db()
    assert decision.done_at and decision.done_note == "已踏勘" and decision.done_by == users.unit_operator_d1


def test_a_party_states_its_position_with_a_pdf_and_photos(users, city):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image
    from rest_framework.test import APIClient

    c = bounced_twice(users, city)
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 50, 50)).save(photo, "PNG")
    api = APIClient()
    api.force_login(users.unit_operator_d1)
    refused = api.post(
        f"/api/cases/{c.pk}/state_position/",
        {"note": "附件", "photos": [SimpleUploadedFile("x.doc", b"PK\x03\x04 not a pdf")]},
        format="multipart",
    )
    assert refused.status_code == 400 and not c.attachments.exists()
    stated = api.post(
        f"/api/cases/{c.pk}/state_position/",
        {
            "note": "应由市政处负责，附三定方案",
            "photos": [SimpleUploadedFile("三定方案.pdf", pdf), SimpleUploadedFile("现场.png", photo.getvalue())],
        },
        format="multipart",
    )
    assert stated.status_code == 200, stated.data
    document, picture = c.attachments.order_by("pk")
    assert document.kind == picture.kind == "document" and document.image.name.endswith(".pdf")
    api.force_login(users.dispatcher)
    served = api.get(f"/cases/photos/{document.pk}/photo/")
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == pdf


def test_decisions_and_follow_ups_through_the_api(users, city):
    from django.utils import timezone
    from rest_framework.test import APIClient

    c = bounced_twice(users, city)
    api = APIClient()
    api.force_login(users.dispatcher)
    due = timezone.localdate().isoformat()
    made = api.post(
        "/api/liaison/decisions/",
        {"case": c.pk, "text": "联合踏勘", "owner": city.gov1.pk, "due_on": due},
        format="json",
    )
    assert made.status_code == 201 and made.data["owner_name"] == city.gov1.name
    assert (
        api.post(
            "/api/liaison/decisions/",
            {"case": c.pk, "text": "x", "owner": city.gov1.pk, "due_on": "2020-01-01"},
            format="json",
        ).status_code
        == 400
    )
    assert (
        api.post(
            "/api/liaison/decisions/",
            {"case": 999_999, "text": "x", "owner": city.gov1.pk, "due_on": due},
            format="json",
        ).status_code
        == 404
    )
    api.force_login(users.unit_operator_d1)
    assert [d["id"] for d in api.get("/api/liaison/decisions/?open=1").data["results"]] == [made.data["id"]]
    done = api.post(f"/api/liaison/decisions/{made.data['id']}/done/", {"note": "已踏勘"}, format="json")
    assert done.status_code == 200 and done.data["done_at"] and done.data["done_note"] == "已踏勘"
    assert api.get("/api/liaison/decisions/?open=1").data["results"] == []
    api.force_login(users.unit_operator_d2)
    assert api.get("/api/liaison/decisions/").data["results"] == []
