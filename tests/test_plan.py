"""The improvement plan: officials (and admins) add, edit and delete items from the results page,
picking indicators of the recommendations' weak sub-dimensions; consultants only read; the next
assessment shows target against achieved; the PDF's last section lists it."""

import datetime
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Answer, Assessment, PlanItem
from assessments.reports import render_report, report_state_key
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, build_framework

pytestmark = pytest.mark.django_db

# S: S1 (S1.1, S1.2), S2 (S2.1); O: O1 (O1.1, O1.2), O2 (O2.1); every weight 1
SHAPE = {"S": {"S1": [(1.0, False), (1.0, False)], "S2": [(1.0, False)]},
         "O": {"O1": [(1.0, False), (1.0, False)], "O2": [(1.0, False)]}}


@pytest.fixture(autouse=True)
def default_language():
    """Pages requested in English leave the thread's language active: back to the default after each test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def answer_all(assessment, levels: dict[str, int], default: int | None = None):
    indicators = Indicator.objects.filter(subdimension__dimension__framework=assessment.framework)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=i, level=levels.get(i.code, default))
        for i in indicators if i.code in levels or default is not None)


@pytest.fixture
def framework(db):
    return build_framework(SHAPE)


@pytest.fixture
def assessment(people, framework):
    """Submitted, every indicator at level 2: every sub-dimension scores 50, so the weak areas
    (ties in questionnaire order) are S1, S2 and O1; O2.1 is a plan choice as one of the five moves
    to raise first."""
    made = AssessmentFactory(region=people["own"], framework=framework, title="2025 年度",
                             status=Assessment.Status.SUBMITTED,
                             submitted_at=timezone.now() - datetime.timedelta(days=365))
    answer_all(made, {}, default=2)
    return made


def indicator(framework, code: str) -> Indicator:
    return Indicator.objects.get(subdimension__dimension__framework=framework, code=code)


def form(prefix: str = "plan", **values) -> dict:
    data = {"action": "建设城市级物联感知平台", "owner": "数据资源局", "target_date": "2026-12-31",
            "indicator": "S2.1", "target_level": "3", "status": "planned"}
    data.update(values)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def add_url(assessment) -> str:
    return reverse("plan_add", args=[assessment.pk])


def test_an_official_adds_a_plan_item_from_the_recommendations(client, people, assessment, framework):
    client.force_login(people["official"])
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("results", args=[assessment.pk])).content.decode()
    assert 'id="plan-add"' in page and f'action="{add_url(assessment)}"' in page
    choices = page[page.index('name="plan-indicator"'):]
    choices = choices[:choices.index("</select>")]
    assert [code for code in ("S1.1", "S1.2", "S2.1", "O1.1", "O1.2", "O2.1") if f'value="{code}"' in choices] == [
        "S1.1", "S1.2", "S2.1", "O1.1", "O1.2", "O2.1"]
    response = client.post(add_url(assessment), form())
    assert response.status_code == 302
    assert response["Location"] == reverse("results", args=[assessment.pk]) + "#plan"
    item = PlanItem.objects.get()
    assert (item.assessment, item.region, item.action, item.owner, item.target_date, item.indicator,
            item.target_level, item.status, item.created_by) == (
        assessment, people["own"], "建设城市级物联感知平台", "数据资源局", datetime.date(2026, 12, 31),
        indicator(framework, "S2.1"), 3, "planned", people["official"])
    page = client.get(reverse("results", args=[assessment.pk])).content.decode()
    row = page[page.index(f'id="plan-item-{item.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "建设城市级物联感知平台" in row and "数据资源局" in row and "S2.1" in row
    assert "2 Developing" in row and "3 Established" in row  # current level, target level


def test_an_action_without_an_indicator(client, people, assessment):
    people["own"].officials.add(people["admin"])  # the admin plans only as an official of the region
    client.force_login(people["admin"])
    response = client.post(add_url(assessment), form(indicator="", target_level="", action="组织专题培训"))
    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert (item.action, item.indicator, item.target_level, item.created_by) == (
        "组织专题培训", None, None, people["admin"])


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"indicator": "X9.9"}, "indicator", "Select a valid choice. X9.9 is not one of the available choices."),
    ({"target_level": "2"}, "target_level", "The target level must be above the current level (2)."),
    ({"target_level": ""}, "target_level", "Choose the level this indicator should reach."),
    ({"indicator": ""}, "indicator", "Choose the indicator whose level is the target."),
    ({"action": "  "}, "action", "This field is required."),
    ({"target_date": "31/12/2026"}, "target_date", "Enter a valid date."),
    ({"status": "finished"}, "status", "Select a valid choice. finished is not one of the available choices."),
])
def test_a_wrong_item_is_refused_with_its_reason_and_the_input_kept(client, people, assessment, values, field,
                                                                     message):
    client.force_login(people["official"])
    client.cookies.load({"django_language": "en"})
    response = client.post(add_url(assessment), form(**values))
    assert response.status_code == 400
    assert PlanItem.objects.count() == 0
    bound = response.context["plan_form"]
    assert bound.errors == {field: [message]}
    page = response.content.decode()
    assert message in page and 'value="数据资源局"' in page


def test_an_official_edits_and_deletes_an_item(client, people, assessment, framework):
    item = PlanItem.objects.create(assessment=assessment, action="旧的行动", owner="甲", target_date="2026-06-30",
                                   indicator=indicator(framework, "S1.1"), target_level=3)
    client.force_login(people["official"])
    response = client.post(reverse("plan_edit", args=[assessment.pk, item.pk]),
                           form(prefix=f"plan-{item.pk}", action="新的行动", owner="乙", target_date="2027-03-31",
                                indicator="O1.2", target_level="4", status="in_progress"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.action, item.owner, item.target_date, item.indicator.code, item.target_level, item.status) == (
        "新的行动", "乙", datetime.date(2027, 3, 31), "O1.2", 4, "in_progress")
    response = client.post(reverse("plan_edit", args=[assessment.pk, item.pk]),
                           form(prefix=f"plan-{item.pk}", target_level="1"))
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.target_level == 4
    response = client.post(reverse("plan_delete", args=[assessment.pk, item.pk]))
    assert response.status_code == 302 and not PlanItem.objects.exists()


def test_a_consultant_reads_the_plan_but_cannot_change_it(client, people, assessment, framework):
    item = PlanItem.objects.create(assessment=assessment, action="建设数据中台", owner="甲", target_date="2026-06-30",
                                   indicator=indicator(framework, "S1.1"), target_level=3)
    client.force_login(people["consultant"])
    page = client.get(reverse("results", args=[assessment.pk])).content.decode()
    assert "建设数据中台" in page
    assert 'id="plan-add"' not in page and reverse("plan_edit", args=[assessment.pk, item.pk]) not in page
    assert reverse("plan_delete", args=[assessment.pk, item.pk]) not in page
    assert client.post(add_url(assessment), form()).status_code == 403
    assert client.post(reverse("plan_edit", args=[assessment.pk, item.pk]),
                       form(prefix=f"plan-{item.pk}", action="改掉")).status_code == 403
    assert client.post(reverse("plan_delete", args=[assessment.pk, item.pk])).status_code == 403
    item.refresh_from_db()
    assert (PlanItem.objects.count(), item.action) == (1, "建设数据中台")


def test_other_tenants_and_other_assessments_items_are_not_found(client, people, assessment, framework):
    item = PlanItem.objects.create(assessment=assessment, action="行动", owner="甲", target_date="2026-06-30")
    client.force_login(people["other_official"])
    assert client.post(add_url(assessment), form()).status_code == 404
    assert client.post(reverse("plan_delete", args=[assessment.pk, item.pk])).status_code == 404
    client.force_login(people["official"])
    other = AssessmentFactory(region=people["own"], framework=framework)
    assert client.post(reverse("plan_delete", args=[other.pk, item.pk])).status_code == 404
    response = client.post(reverse("plan_edit", args=[other.pk, item.pk]), form(prefix=f"plan-{item.pk}"))
    assert response.status_code == 404
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_the_next_assessment_shows_target_against_achieved(client, people, assessment, framework):
    for code, target, status in (("S1.1", 3, "done"), ("S2.1", 4, "in_progress"), ("O1.1", 3, "planned")):
        PlanItem.objects.create(assessment=assessment, action=f"提升 {code}", owner="数据局", status=status,
                                target_date="2026-06-30", indicator=indicator(framework, code), target_level=target)
    PlanItem.objects.create(assessment=assessment, action="组织培训", owner="人事处", target_date="2026-03-31")
    following = AssessmentFactory(region=people["own"], framework=framework, title="2026 年度")
    answer_all(following, {"S1.1": 3, "S1.2": 2, "S2.1": 2})  # O1.1 not answered yet
    client.force_login(people["consultant"])
    client.cookies.load({"django_language": "en"})
    response = client.get(reverse("results", args=[following.pk]))
    rows = [(row.item.action, row.target, row.achieved, row.met) for row in response.context["previous_plan"]]
    assert rows == [("组织培训", None, None, None), ("提升 S1.1", 3, 3, True), ("提升 S2.1", 4, 2, False),
                    ("提升 O1.1", 3, None, None)]
    page = response.content.decode()
    table = page[page.index('id="previous-plan-table"'):]
    table = table[:table.index("</table>")]
    assert "Progress on the plan made from “2025 年度”" in page
    assert table.count("text-bg-success") == 1 and table.count("text-bg-danger") == 1
    # the plan of the newer assessment itself starts empty
    assert response.context["plan"] == [] and 'id="plan-empty"' in page


def test_the_report_cache_key_changes_with_the_plan(people, assessment, framework):
    following = AssessmentFactory(region=people["own"], framework=framework, title="2026 年度")
    answer_all(following, {}, default=3)
    keys = [report_state_key(assessment=following, language="en")]
    item = PlanItem.objects.create(assessment=assessment, action="行动", owner="甲", target_date="2026-06-30")
    keys.append(report_state_key(assessment=following, language="en"))
    PlanItem.objects.filter(pk=item.pk).update(status="done")
    keys.append(report_state_key(assessment=following, language="en"))
    PlanItem.objects.create(assessment=following, action="新行动", owner="乙", target_date="2027-06-30")
    keys.append(report_state_key(assessment=following, language="en"))
    assert len(set(keys)) == 4
    assert report_state_key(assessment=following, language="en") == keys[-1]


def test_the_pdf_ends_with_the_plan_and_its_progress(people, small_framework, tmp_path):
    # the plan's pages do not depend on the guide's content: the small framework's report
    earlier = AssessmentFactory(region=people["own"], framework=small_framework, title="2025 年度自评估",
                                status=Assessment.Status.SUBMITTED,
                                submitted_at=timezone.now() - datetime.timedelta(days=365))
    answer_all(earlier, {}, default=1)
    current = AssessmentFactory(region=people["own"], framework=small_framework, title="2026 年度自评估",
                                status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    answer_all(current, {"S1.1": 3, "O1.1": 1}, default=2)
    PlanItem.objects.create(assessment=earlier, action="完成城市数字化基础调查", owner="发改委", status="done",
                            target_date="2026-03-31", indicator=indicator(small_framework, "S1.1"), target_level=3)
    PlanItem.objects.create(assessment=earlier, action="组建政企合作运营公司", owner="国资委",
                            target_date="2026-06-30", indicator=indicator(small_framework, "O1.1"), target_level=2)
    PlanItem.objects.create(assessment=current, action="Build the IoT platform", owner="IT Office",
                            target_date="2027-06-30", indicator=indicator(small_framework, "P1.1"), target_level=4)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(assessment=current, language="en"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert "Improvement plan" in pages[1]  # in the table of contents
    start = next(n for n, page in enumerate(pages) if "Appendix: comparison with the previous assessment" in page
                 and n > 1)
    plan = "\n".join(pages[start:])
    plan = plan[plan.index("Improvement plan"):]
    assert "Build the IoT platform" in plan and "IT Office" in plan
    assert "2 Developing" in plan and "4 Leading" in plan  # P1.1 now, and its target
    assert "Progress on the plan made from “2025 年度自评估”" in plan
    progress = plan[plan.index("Progress on the plan"):]
    assert "完成城市数字化基础调查" in progress and "组建政企合作运营公司" in progress
    assert "3 Established" in progress and "Not met" in progress and "Met" in progress.replace("Not met", "")
    # two regions of the kind only: the peers are "not enough", and no peer figure is printed
    assert "Not enough peers: fewer than 5 regions of this kind" in text
    assert "Peer median" not in text
