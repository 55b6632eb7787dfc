"""A region's progress page: every submitted assessment on a timeline (oldest first), the line chart,
tier changes, the per-indicator diff of the latest two, the earlier recommendations acted on, scope
and a constant number of queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.models import Answer, Assessment, PlanItem
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# S: S1 (S1.1, S1.2), S2 (S2.1); O: O1 (O1.1, O1.2), O2 (O2.1); every weight 1
SHAPE = {"S": {"S1": [(1.0, False), (1.0, False)], "S2": [(1.0, False)]},
         "O": {"O1": [(1.0, False), (1.0, False)], "O2": [(1.0, False)]}}
CODES = ["S1.1", "S1.2", "S2.1", "O1.1", "O1.2", "O2.1"]


@pytest.fixture(autouse=True)
def default_language():
    """Pages requested in English leave the thread's language active: back to the default after each test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def submitted(region, framework, title: str, when: datetime, levels: dict[str, int | str]) -> Assessment:
    assessment = AssessmentFactory(region=region, framework=framework, title=title,
                                   status=Assessment.Status.SUBMITTED, submitted_at=when)
    indicators = {i.code: i for i in Indicator.objects.filter(subdimension__dimension__framework=framework)}
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=indicators[code], level=None if value == "na" else value,
               not_applicable=value == "na")
        for code, value in levels.items())
    return assessment


def everywhere(level: int) -> dict[str, int]:
    return dict.fromkeys(CODES, level)


@pytest.fixture
def framework(db):
    return build_framework(SHAPE)


@pytest.fixture
def history(people, framework):
    """Three submitted assessments of the own region, created out of time order, a draft after them,
    and another region's submitted assessment."""
    own = people["own"]
    latest = submitted(own, framework, "2026 年度", datetime(2026, 1, 10, 9, 0, tzinfo=SHANGHAI),
                       {"S1.1": 4, "S1.2": 4, "S2.1": 1, "O1.1": 4, "O1.2": 4, "O2.1": 2})
    first = submitted(own, framework, "2024 年度", datetime(2024, 1, 10, 9, 0, tzinfo=SHANGHAI), everywhere(1))
    middle = submitted(own, framework, "2025 年度", datetime(2025, 1, 10, 9, 0, tzinfo=SHANGHAI), everywhere(2))
    draft = AssessmentFactory(region=own, framework=framework, title="2027 草稿")
    Answer.objects.bulk_create(Answer(assessment=draft, indicator=i, level=0)
                               for i in Indicator.objects.filter(subdimension__dimension__framework=framework))
    submitted(people["other"], framework, "黄山 2025", datetime(2025, 6, 1, tzinfo=SHANGHAI), everywhere(4))
    return {"first": first, "middle": middle, "latest": latest, "draft": draft}


def page(client, user, region, language="en"):
    client.force_login(user)
    client.cookies.load({"django_language": language})
    return client.get(reverse("region_history", args=[region.pk]))


def test_the_timeline_lists_the_submitted_assessments_oldest_first(client, people, history):
    response = page(client, people["official"], people["own"])
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert [entry["assessment"].title for entry in timeline] == ["2024 年度", "2025 年度", "2026 年度"]
    # overall: all level 1 → 25; all level 2 → 50; S (100 + 100 + 25) / 3 = 75, O (100 + 100 + 50) / 3
    assert [round(entry["card"].overall, 4) for entry in timeline] == [25.0, 50.0, round((75 + 250 / 3) / 2, 4)]
    body = response.content.decode()
    assert "2027 草稿" not in body and "黄山 2025" not in body and "黄山市" not in body
    assert body.index("2024 年度") < body.index("2025 年度") < body.index("2026 年度")


def test_the_line_chart_has_overall_and_dimension_lines_over_time(client, people, history):
    figure = page(client, people["official"], people["own"]).context["figure"]
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Overall", "S Dimension S", "O Dimension O"]
    overall, s_line, o_line = figure["data"]
    assert overall["x"] == ["2024-01-10 09:00:00", "2025-01-10 09:00:00", "2026-01-10 09:00:00"]
    assert overall["y"] == [25.0, 50.0, 79.17]
    assert s_line["y"] == [25.0, 50.0, 75.0]
    assert o_line["y"] == [25.0, 50.0, 83.33]
    assert overall["customdata"] == ["2024 年度", "2025 年度", "2026 年度"]
    assert [shape["y0"] for shape in figure["layout"]["shapes"]] == [40, 70]


def test_tier_changes_are_marked_up_and_down(client, people, history, framework):
    response = page(client, people["official"], people["own"])
    changes = [entry["change"] for entry in response.context["timeline"]]
    assert changes == [None, {"from": "basic", "to": "intermediate", "direction": "up"},
                       {"from": "intermediate", "to": "advanced", "direction": "up"}]
    annotations = response.context["figure"]["layout"]["annotations"]
    assert [(a["x"], a["y"], a["text"]) for a in annotations] == [
        ("2025-01-10 09:00:00", 50.0, "▲ Intermediate"), ("2026-01-10 09:00:00", 79.17, "▲ Advanced")]
    body = response.content.decode()
    assert body.count('class="tier-change tier-change-up"') == 2
    assert "up from Basic to Intermediate" in body and "up from Intermediate to Advanced" in body
    # a fall back down is marked too
    submitted(people["own"], framework, "2027 年度", datetime(2027, 1, 10, 9, 0, tzinfo=SHANGHAI), everywhere(1))
    response = page(client, people["official"], people["own"])
    assert response.context["timeline"][-1]["change"] == {"from": "advanced", "to": "basic", "direction": "down"}
    assert "down from Advanced to Basic" in response.content.decode()


def test_the_diff_of_the_latest_two_lists_what_rose_and_what_fell(client, people, history):
    response = page(client, people["official"], people["own"])
    assert (response.context["previous"], response.context["latest"]) == (history["middle"], history["latest"])
    diff = response.context["diff"]
    assert [(c.code, c.before, c.after, c.before_descriptor, c.after_descriptor) for c in diff.rose] == [
        ("S1.1", 2, 4, "S1.1 level 2", "S1.1 level 4"), ("S1.2", 2, 4, "S1.2 level 2", "S1.2 level 4"),
        ("O1.1", 2, 4, "O1.1 level 2", "O1.1 level 4"), ("O1.2", 2, 4, "O1.2 level 2", "O1.2 level 4")]
    assert [(c.code, c.before, c.after, c.delta) for c in diff.fell] == [("S2.1", 2, 1, -1)]
    assert diff.unchanged == 1
    body = response.content.decode()
    assert "Indicators that rose: 4; fell: 1; kept their level: 1" in body
    fell = body[body.index('id="fell"'):]
    fell = fell[:fell.index("</table>")]
    assert 'data-indicator="S2.1"' in fell and "S2.1 level 2" in fell and "S2.1 level 1" in fell
    assert "Question S2.1?" in fell and "1 Initial" in fell and "2 Developing" in fell
    assert 'data-indicator="S1.1"' not in fell


def test_not_applicable_and_unanswered_indicators_are_not_compared(client, people, framework):
    submitted(people["own"], framework, "A", datetime(2024, 1, 1, tzinfo=SHANGHAI), everywhere(2))
    submitted(people["own"], framework, "B", datetime(2025, 1, 1, tzinfo=SHANGHAI),
              {"S1.1": 3, "S1.2": 1, "S2.1": 2, "O1.1": 2})  # O1.2, O2.1 unanswered
    diff = page(client, people["official"], people["own"]).context["diff"]
    assert ([c.code for c in diff.rose], [c.code for c in diff.fell], diff.unchanged) == (["S1.1"], ["S1.2"], 2)


def test_the_earlier_recommendations_acted_on(client, people, history):
    response = page(client, people["official"], people["own"])
    # 2025: every sub-dimension 50 (intermediate); the weakest three, ties in questionnaire order
    acted = [(item.code, item.before, round(item.after, 2), item.improved) for item in response.context["acted_on"]]
    assert acted == [("S1", 50.0, 100.0, True), ("S2", 50.0, 25.0, False), ("O1", 50.0, 100.0, True)]
    body = response.content.decode()
    listing = body[body.index('id="acted-on-list"'):]
    listing = listing[:listing.index("</ul>")]
    assert listing.count("Acted on: improved") == 2 and listing.count("Not improved yet") == 1
    assert 'data-subdimension="S2"' in listing


def test_the_previous_plan_shows_target_against_achieved(client, people, history, framework):
    indicator = Indicator.objects.get(subdimension__dimension__framework=framework, code="S2.1")
    PlanItem.objects.create(assessment=history["middle"], action="培训运营团队", owner="数据局",
                            target_date="2025-12-31", indicator=indicator, target_level=3)
    response = page(client, people["official"], people["own"])
    assert [(row.item.action, row.target, row.achieved, row.met) for row in response.context["plan"]] == [
        ("培训运营团队", 3, 1, False)]
    assert "Not met" in response.content.decode()


def test_one_or_no_submitted_assessment(client, people, framework):
    response = page(client, people["official"], people["own"])
    assert response.status_code == 200 and response.context["timeline"] == []
    assert 'id="no-history"' in response.content.decode()
    submitted(people["own"], framework, "只有一次", datetime(2025, 1, 1, tzinfo=SHANGHAI), everywhere(3))
    response = page(client, people["official"], people["own"])
    assert len(response.context["timeline"]) == 1 and response.context["diff"] is None
    assert 'id="single-assessment"' in response.content.decode()


def test_the_page_reads_in_chinese(client, people, history):
    body = page(client, people["official"], people["own"], language="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in body
    assert 'src="/static/js/history.js"' in body and 'id="history-data"' in body
    assert "<script>" not in body  # the chart's data is JSON, drawn by an external script (CSP)


@pytest.mark.parametrize(("role", "status"), [
    ("official", 200), ("consultant", 200), ("admin", 404),
    ("other_official", 404), ("other_consultant", 404), ("nobody", 404),
])
def test_the_page_is_scoped(client, people, history, role, status):
    response = page(client, people[role], people["own"])
    assert response.status_code == status
    if status == 404:
        assert "2026 年度" not in response.content.decode()


def test_links_from_the_dashboard_and_the_results_page(client, people, history):
    client.force_login(people["official"])
    url = reverse("region_history", args=[people["own"].pk])
    assert f'href="{url}"' in client.get(reverse("dashboard")).content.decode()
    results = client.get(reverse("results", args=[history["latest"].pk])).content.decode()
    assert f'id="region-history-link" href="{url}"' in results


def world(size: int):
    """A framework of 2 × size sub-dimensions × 2 indicators, a region with 2 × size submitted
    assessments (levels varying), a plan on the one before the latest, and `size` other regions."""
    shape = {dim: {f"{dim}{n}": [(1.0, False), (2.0, False)] for n in range(1, size + 1)} for dim in "SO"}
    framework = build_framework(shape)
    user = UserFactory()
    region = RegionFactory()
    region.officials.add(user)
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=framework))
    assessments = []
    for number in range(2 * size):
        assessment = AssessmentFactory(region=region, framework=framework, status=Assessment.Status.SUBMITTED,
                                       submitted_at=datetime(2020 + number, 3, 1, tzinfo=SHANGHAI))
        Answer.objects.bulk_create(Answer(assessment=assessment, indicator=indicator, level=(number + i) % 5)
                                   for i, indicator in enumerate(indicators))
        assessments.append(assessment)
    for item in range(size):
        PlanItem.objects.create(assessment=assessments[-2], action=f"行动 {item}", owner="局",
                                target_date="2030-01-01", indicator=indicators[item], target_level=4)
    for _ in range(size):
        other = RegionFactory()
        AssessmentFactory(region=other, framework=framework, status=Assessment.Status.SUBMITTED)
    return user, region


def test_query_count_does_not_grow_with_the_data(client):
    counts = []
    for size in (1, 10):
        user, region = world(size)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("region_history", args=[region.pk]))
        assert response.status_code == 200 and len(response.context["timeline"]) == 2 * size
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 1×, {counts[1]} with 10×"
    assert counts[1] <= 22  # 21 and the navigation bar's inbox badge
