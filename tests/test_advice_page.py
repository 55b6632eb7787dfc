"""The advice on the results page and in the PDF: readiness with what is missing, the scene step's
reason, the moves with one click into the improvement plan (officials only), tier stability."""

import re
import time

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Answer, PlanItem
from assessments.reports import report_html
from frameworks.models import Indicator
from tests.advice_frameworks import load_v2
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(people):
    framework = load_v2()
    made = AssessmentFactory(region=people["own"], framework=framework, title="2026 年度")
    levels = {"S": 3, "O": 3, "D": 1, "P": 1, "A": 2}
    Answer.objects.bulk_create(Answer(assessment=made, indicator=i, level=levels[i.code[0]])
                               for i in Indicator.objects.filter(subdimension__dimension__framework=framework))
    return made


def test_the_results_page_shows_readiness_moves_and_stability(client, people, assessment):
    client.force_login(people["official"])
    client.cookies.load({"django_language": "en"})
    url = reverse("results", args=[assessment.pk])
    started = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    client.get(url)
    warm = time.perf_counter() - started
    print(f"results page (v2, 76 indicators): first view {cold * 1000:.0f} ms, repeated {warm * 1000:.0f} ms")
    page = response.content.decode()
    advice = response.context["advice"]
    assert advice.weak_dimensions == ("D", "P")
    assert 'id="weak-dimensions"' in page and "Weak for this region: D, P" in page
    assert "Missing:" in page and "D1.3 at level 1, needs 2 (四(一))" in page
    assert escape(advice.step.reason) in page
    assert re.search(r'id="stability-overall">In \d+% of 2000 variations', page)
    assert page.count('name="plan-target_level"') >= 5  # one hidden form per move, and the plan form
    first = advice.raise_first[0]
    response = client.post(reverse("plan_add", args=[assessment.pk]), {
        "plan-action": f"Raise {first.indicator}", "plan-owner": "official",
        "plan-target_date": "2027-06-30", "plan-indicator": first.indicator,
        "plan-target_level": str(first.to_level), "plan-status": "planned"})
    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert (item.indicator.code, item.target_level) == (first.indicator, first.to_level)


def test_consultants_see_the_moves_without_the_plan_buttons(client, people, assessment):
    client.force_login(people["consultant"])
    page = client.get(reverse("results", args=[assessment.pk])).content.decode()
    assert 'id="raise-first-table"' in page and 'name="plan-indicator" value=' not in page


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ("优先提升什么", "等级有多稳健", "尚缺：", "适用于所有区域的特色场景", "场景建设步骤取")),
    ("en", ("What to raise first", "How sure the tier is", "Missing:", "Feature-led scenes for every region")),
])
def test_the_report_carries_the_advice(assessment, language, expected):
    html = report_html(assessment=assessment, language=language)
    for text in expected:
        assert text in html, text


def test_a_changed_city_type_shows_its_own_scenes_on_the_next_view(client, people, assessment):
    """The recommendations are cached per state of the result (assessments/fragments.py): the region's
    city type, changed in the admin, is part of that state."""
    client.force_login(people["official"])
    client.cookies.load({"django_language": "en"})
    url = reverse("results", args=[assessment.pk])
    before = client.get(url).content.decode()
    assert "An option for a comprehensive city:" in before and "Feature-led scenes for a Port city" not in before
    region = people["own"]
    region.city_type = "port"
    region.save()
    after = client.get(url).content.decode()
    assert "Feature-led scenes for a Port city" in after and "An option for a comprehensive city:" not in after
