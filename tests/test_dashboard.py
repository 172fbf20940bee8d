import datetime as dt

import pytest
from django.urls import reverse

from evaluation.scores import assessment, bracket_score, composite, formula_for, rating

pytestmark = pytest.mark.django_db


def test_default_formulas_follow_the_spec():
    unit = formula_for("unit", dt.date(2026, 11, 1))
    assert [p["weight"] for p in unit.components] == [0.10, 0.30, 0.30, 0.30]
    area = formula_for("district", dt.date(2026, 11, 1))
    assert sum(p["weight"] for p in area.components) == pytest.approx(1.0)
    assert bracket_score(50, unit.components[0]["brackets"]) == 100
    assert bracket_score(51, unit.components[0]["brackets"]) == 90
    assert bracket_score(5000, unit.components[0]["brackets"]) == 0
    counts = {"dispatched": 40, "reports": 100, "reports_supervisor": 90}
    rates = {"closure_rate": 0.9869, "on_time_handling_rate": 0.9479, "rework_rate": 0.0072}
    assert composite(unit, counts, rates) == pytest.approx(10 + 30 * 0.9869 + 30 * 0.9479 + 30 * 0.9928, abs=0.01)
    assert composite(unit, counts, {"closure_rate": None}) is None
    assert [rating(s) for s in (95, 80, 65, 45, 10, None)] == ["A", "B", "C", "D", "E", ""]
    assert assessment(90.0, 80) == 85.0  # 50 % platform score by default [seed]


def test_dashboard_shows_scores_ranks_and_links_to_cases(client, users, city, november):
    client.force_login(users.leader)
    response = client.get(reverse("dashboard"), {"month": "2026-11"})
    assert response.status_code == 200
    tables = {object_type: rows for _title, object_type, rows in response.context["tables"]}
    gov1 = next(s for s in tables["unit"] if s.row.object_id == city.gov1.pk)
    assert gov1.rank == 1 and gov1.score is not None and gov1.rating
    html = response.content.decode()
    assert "fact=dispatched" in html and "按期处置率" in html


def test_district_operator_sees_every_district_ranked_city_wide_but_only_its_own_cases(client, users, city, november):
    """Spec §9: aggregates and ranks of every district and unit for everyone; cases only in scope."""
    client.force_login(users.leader)
    city_view = client.get(reverse("dashboard"), {"month": "2026-11"}).context["tables"]
    client.force_login(users.district_operator_d2)
    response = client.get(reverse("dashboard"), {"month": "2026-11"})
    tables = {object_type: rows for _title, object_type, rows in response.context["tables"]}
    ranks = {object_type: [(s.row.object_id, s.rank) for s in rows] for _t, object_type, rows in city_view}
    assert {t: [(s.row.object_id, s.rank) for s in rows] for t, rows in tables.items()} == ranks
    d1 = next(s for s in tables["district"] if s.row.object_id == city.d1.pk)  # all November's cases are there
    assert d1.rank == 1 and not d1.in_scope
    html = response.content.decode()
    assert "fact=dispatched" not in html  # district 1's and the city's counts are shown, their cases not linked
    response = client.get(
        reverse("indicator-cases"), {"fact": "reports", "as_of": november.as_of.isoformat(), "area": city.d1.pk}
    )
    assert response.context["page"].paginator.count == 0


def test_handling_units_may_not_open_the_dashboard(client, users, november):
    client.force_login(users.unit_operator)
    assert client.get(reverse("dashboard")).status_code == 403


def test_compute_button_makes_a_new_snapshot(client, users, histories):
    client.force_login(users.leader)
    response = client.post(reverse("dashboard-compute"), {"month": "2026-11"})
    assert response.status_code == 302
    from evaluation.models import Snapshot

    snapshot = Snapshot.objects.get()  # queued for the worker (the integration test runs one)
    assert (snapshot.period_start, snapshot.period_end, snapshot.status) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        "running",
    )


def test_bulletin_pdf_carries_the_snapshots_figures_in_real_chinese_text(november, users, client, settings, tmp_path):
    import subprocess

    from evaluation.bulletin import generate_bulletin

    settings.MEDIA_ROOT = tmp_path
    bulletin = generate_bulletin(dt.date(2026, 11, 1), users.leader)
    assert bulletin.pages >= 3 and bulletin.snapshot == november
    text = subprocess.run(
        ["pdftotext", "-layout", bulletin.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    city = november.rows.get(object_type="city")
    assert "数字化城市管理" in text and "月度通报" in text and "2026年11月" in text  # real glyphs, not boxes
    assert f"本月共上报问题 {city.counts['reports']} 件" in text
    assert f"{city.rates['on_time_handling_rate'] * 100:.2f} %" in text
    assert "东城区" in text and "按期处置率" in text
    fonts = subprocess.run(["pdffonts", bulletin.pdf.path], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and " yes " in fonts  # embedded, with Unicode maps
    client.force_login(users.leader)
    response = client.get(reverse("bulletin-pdf", args=[bulletin.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.fixture
def bulletin(november, users, settings, tmp_path):
    from evaluation.bulletin import generate_bulletin
    from evaluation.models import RecipientList

    settings.MEDIA_ROOT = tmp_path
    RecipientList.objects.create(name="区领导", emails="a@district.gov.cn\nb@district.gov.cn\n")
    RecipientList.objects.create(name="部门领导", emails="b@district.gov.cn\nc@dept.gov.cn")
    return generate_bulletin(dt.date(2026, 11, 1), users.leader)


def test_bulletin_is_mailed_once_to_every_address_with_the_pdf(bulletin, mailoutbox):
    from evaluation.delivery import queue_deliveries, send

    deliveries = queue_deliveries(bulletin)
    assert sorted(d.email for d in deliveries) == ["a@district.gov.cn", "b@district.gov.cn", "c@dept.gov.cn"]
    assert all(send(d) for d in deliveries)
    assert len(mailoutbox) == 3
    name, content, mimetype = mailoutbox[0].attachments[0]
    assert (name, mimetype) == ("bulletin-2026-11.pdf", "application/pdf") and content.startswith(b"%PDF")
    assert queue_deliveries(bulletin) and len(queue_deliveries(bulletin)) == 3  # no duplicates on retry


def test_a_failing_send_is_retried_then_marked_failed_and_the_center_told(bulletin, settings, city):
    from evaluation.delivery import MAX_ATTEMPTS, queue_deliveries, send
    from evaluation.models import DeliveryStatus
    from notifications.models import Notification

    settings.EMAIL_BACKEND = "tests.test_dashboard.BrokenBackend"
    delivery = queue_deliveries(bulletin)[0]
    for attempt in range(1, MAX_ATTEMPTS):
        assert send(delivery) is False
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, attempt)
        assert "SMTP down" in delivery.last_error
    assert send(delivery) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert Notification.objects.filter(kind="delivery", organization=city.center).exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


def test_other_assessments_make_the_performance_assessment(client, users, city, november):
    client.force_login(users.leader)
    url = reverse("assessments")
    assert client.get(url, {"month": "2026-11"}).status_code == 200
    bad = client.post(url, {"month": "2026-11", f"unit-{city.gov1.pk}": "120"}, follow=True)
    assert any(m.level_tag == "error" for m in bad.context["messages"])
    client.post(url, {"month": "2026-11", f"unit-{city.gov1.pk}": "80"})
    response = client.get(reverse("dashboard"), {"month": "2026-11"})
    tables = {kind: rows for _title, kind, rows in response.context["tables"]}
    units = {s.row.object_id: s for s in tables["unit"]}
    gov1 = units[city.gov1.pk]
    assert gov1.other_score == 80 and gov1.assessment == pytest.approx(gov1.score * 0.5 + 40, abs=0.01)
    client.force_login(users.dispatcher)
    assert client.get(url).status_code == 403


def test_dashboard_tables_export_to_excel(client, users, november):
    import io

    import pandas as pd

    client.force_login(users.leader)
    response = client.get(reverse("dashboard"), {"month": "2026-11", "export": "xlsx"})
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    assert {"区", "处置单位", "街道", "监督员", "受理员", "值班长", "派遣员", "按来源", "按大类"} <= set(sheets)
    assert list(sheets["区"]["名称"]) == ["东城区"]
    assert "按期处置率" in sheets["处置单位"].columns
    assert sheets["按来源"]["上报数"].sum() == 11 and len(sheets["按大类"]) == 1  # the cohort: reported in November


def test_headline_rates_drill_down_to_their_cases_and_the_rest(client, users, november):
    """Each headline card links to the cases counted above the line, below it, and those the rate misses."""
    import re

    client.force_login(users.leader)
    page = client.get(reverse("dashboard"), {"month": "2026-11"}).content.decode()
    links = re.findall(r'href="(/evaluation/cases/\?fact=dispatched&amp;without=handled_on_time[^"]*)"', page)
    assert links, "no drill-down to the cases not handled on time"
    missed = client.get(links[0].replace("&amp;", "&")).context["page"].paginator.count
    card = next(
        c
        for c in client.get(reverse("dashboard"), {"month": "2026-11"}).context["key_cards"]
        if c[0].name == "on_time_handling_rate"
    )
    assert missed == card[4] - card[3] > 0


@pytest.mark.parametrize("role", ["dispatcher", "district_operator"])
def test_staff_are_not_offered_what_they_may_not_do(client, users, november, role):
    client.force_login(getattr(users, role))
    page = client.get(reverse("dashboard"), {"month": "2026-11"}).content.decode()
    assert reverse("assessments") not in page and reverse("bulletin-generate") not in page


def test_breakdowns_and_month_by_month(client, users, city, november):
    from evaluation.models import SnapshotRow

    hotline = SnapshotRow.objects.get(snapshot=november, object_type="source", object_name="热线 12345/12319")
    assert hotline.counts["reports"] == 10 and hotline.object_id is None  # all but the supervisor's own
    assert SnapshotRow.objects.filter(snapshot=november, object_type="major").count() == 1
    client.force_login(users.leader)
    response = client.get(reverse("evaluation-history", args=["district", city.d1.pk]), {"month": "2026-11"})
    assert [m.month for m, _row in response.context["rows"]] == [11]
    client.force_login(users.district_operator_d2)  # another district's figures are aggregates (§9)
    assert client.get(reverse("evaluation-history", args=["district", city.d1.pk])).status_code == 200


def test_breakdown_counts_drill_down_to_their_cases(client, users, city, november):
    from evaluation.models import SnapshotRow

    client.force_login(users.leader)
    for row in SnapshotRow.objects.filter(snapshot=november, object_type__in=("source", "major")):
        param = "source" if row.object_type == "source" else "major"
        value = row.counts["source_key"] if param == "source" else row.object_id
        for fact in ("reports", "dispatched"):
            response = client.get(
                reverse("indicator-cases"),
                {
                    "fact": fact,
                    "as_of": november.as_of.isoformat(),
                    param: value,
                    "reported_from": "2026-11-01",
                    "reported_to": "2026-11-30",
                },
            )
            assert response.context["page"].paginator.count == row.counts[fact], (row.object_name, fact)


def test_compute_indicators_command_takes_any_range(histories, capsys):
    from django.core.management import call_command

    from evaluation.models import Snapshot

    call_command("compute_indicators", "--from", "2026-11-02", "--to", "2026-11-05")
    out = capsys.readouterr().out
    assert "3 reports" in out or "上报 3 件" in out  # the cases of 2, 3 and 5 November
    snapshot = Snapshot.objects.get(period_start=dt.date(2026, 11, 2))
    assert (snapshot.period_end, snapshot.rows.get(object_type="city").counts["reports"]) == (dt.date(2026, 11, 5), 3)
