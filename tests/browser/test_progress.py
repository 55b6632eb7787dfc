"""In real Chromium, under the site's CSP: the region history draws its line chart with the tier change
marked, the results page overlays the peer median on the radar, and an official adds a plan item
through the form."""

import pytest
from django.utils import timezone

from assessments.models import Answer, Assessment, PlanItem
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .conftest import sign_in

pytestmark = pytest.mark.browser



@pytest.fixture
def world(sodpa_live):
    official = UserFactory(username="progress-official")
    own = RegionFactory(name="苏州工业园区")
    own.officials.add(official)
    now = timezone.now()
    earlier = AssessmentFactory(region=own, framework=sodpa_live, title="2025 年度自评估",
                                status=Assessment.Status.SUBMITTED, submitted_at=now - timezone.timedelta(days=365))
    fill(earlier, 2)  # 50: intermediate
    later = AssessmentFactory(region=own, framework=sodpa_live, title="2026 年度自评估",
                              status=Assessment.Status.SUBMITTED, submitted_at=now - timezone.timedelta(days=5))
    fill(later, 3)  # 75: advanced
    Answer.objects.filter(assessment=later, indicator__subdimension__code="O2").update(level=1)
    for number, level in enumerate((1, 2, 3, 4)):
        peer = RegionFactory(name=f"同类城市{number}")
        fill(AssessmentFactory(region=peer, framework=sodpa_live, status=Assessment.Status.SUBMITTED,
                               submitted_at=now), level)
    return {"official": official, "region": own, "later": later}


def test_history_chart_peer_overlay_and_a_new_plan_item(new_page, live_server, world, artifacts):
    page = new_page("en-US")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, "progress-official")

    page.goto(f"{live_server.url}/regions/{world['region'].pk}/")
    page.wait_for_selector("#history-chart .main-svg")
    assert page.locator("#history-chart .scatterlayer .trace").count() == 6  # overall + 5 dimensions
    assert page.locator("#history-chart .annotation-text").all_text_contents() == ["▲ Advanced"]
    assert page.locator("#timeline tbody tr").count() == 2
    assert page.locator("#fell tbody tr").count() > 0 and page.locator("#rose tbody tr").count() > 0
    artifacts(page, "region-history-en")

    page.goto(f"{live_server.url}/assessments/{world['later'].pk}/results/")
    page.wait_for_selector("#radar .main-svg")
    assert page.locator("#radar .scatterlayer .trace").count() == 3  # previous, peer median, this one
    assert "Peer median (City)" in page.locator("#radar .legend").text_content()
    assert page.locator("#peer-table tbody tr").count() == 6
    for name in ("同类城市0", "同类城市1"):
        assert name not in page.content()

    page.locator("#plan-add textarea[name=plan-action]").fill("建设城市级物联感知平台")
    page.fill("#plan-add input[name=plan-owner]", "数据资源局")
    page.fill("#plan-add input[name=plan-target_date]", "2027-06-30")
    page.select_option("#plan-add select[name=plan-indicator]", "O2.1")
    page.select_option("#plan-add select[name=plan-target_level]", "3")
    page.locator("#plan-add button[type=submit]").click()
    page.wait_for_selector("#plan-table")
    row = page.locator("#plan-table tbody tr").first
    assert "建设城市级物联感知平台" in row.inner_text() and "O2.1" in row.inner_text()
    assert "1 Initial" in row.inner_text() and "3 Established" in row.inner_text()
    item = PlanItem.objects.get()
    assert (item.indicator.code, item.target_level, item.created_by) == ("O2.1", 3, world["official"])
    artifacts(page, "results-peers-plan-en")
    assert problems == []
