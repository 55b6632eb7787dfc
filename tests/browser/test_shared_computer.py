"""In real Chromium, on one browser profile shared by two people: unsaved answers kept in
localStorage never reach the next person, and names are never markup in the charts."""

import pytest
from django.utils import timezone

from assessments.models import Assessment
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .conftest import sign_in

pytestmark = pytest.mark.browser



def app_keys(page) -> list[str]:
    return page.evaluate("Object.keys(window.localStorage).filter(k => k.startsWith('sodpa'))")


@pytest.fixture
def region(sodpa_live):
    region = RegionFactory(name="苏州工业园区")
    region.officials.add(UserFactory(username="user-a"), UserFactory(username="user-b"))
    return region


def test_the_next_person_on_a_shared_browser_sees_no_unsaved_answers(new_page, live_server, region, sodpa_live):
    assessment = AssessmentFactory(region=region, framework=sodpa_live, title="2026 年度自评估")
    step = f"{live_server.url}/assessments/{assessment.pk}/?step=S"
    page = new_page("en-US")
    sign_in(page, live_server.url, "user-a")
    page.goto(step)
    page.locator('input[name="i_S1_1-level"][value="3"]').check()
    page.locator('textarea[name="i_S1_1-evidence"]').fill("A's unsaved note")
    page.reload()  # kept for A: a reload brings it back
    assert page.locator("#restored-notice").is_visible()
    assert app_keys(page) == [f"sodpa-draft:v2:u{region.officials.get(username='user-a').pk}:a{assessment.pk}:S"]

    page.locator("#signout-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    assert app_keys(page) == []

    sign_in(page, live_server.url, "user-b")  # same browser context, same localStorage
    page.goto(step)
    assert not page.locator("#restored-notice").is_visible()
    assert page.locator('input[name="i_S1_1-level"]:checked').count() == 0
    assert page.locator('textarea[name="i_S1_1-evidence"]').input_value() == ""
    assert "A's unsaved note" not in page.content()


def test_another_users_copy_left_by_an_ended_session_is_removed(new_page, live_server, region, sodpa_live):
    """A's session ended without signing out (closed tab, timeout): B's first page removes A's copy."""
    assessment = AssessmentFactory(region=region, framework=sodpa_live)
    page = new_page("en-US")
    sign_in(page, live_server.url, "user-a")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/?step=S")
    page.locator('textarea[name="i_S1_1-evidence"]').fill("A's unsaved note")
    assert len(app_keys(page)) == 1
    page.context.clear_cookies()  # the session is gone, the storage is not
    sign_in(page, live_server.url, "user-b")
    assert app_keys(page) == []


def test_a_region_named_like_a_link_is_drawn_as_text(new_page, live_server, sodpa_live):
    official = UserFactory(username="chart-official")
    region = RegionFactory(name='<a href="https://evil.invalid">x</a>')
    region.officials.add(official)
    assessment = AssessmentFactory(region=region, framework=sodpa_live, title='<a href="https://evil.invalid">t</a>',
                                   status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(assessment, 3)
    page = new_page("en-US")
    sign_in(page, live_server.url, "chart-official")
    for path, chart in ((f"/assessments/{assessment.pk}/results/", "#radar"), ("/portfolio/", "#radar")):
        page.goto(live_server.url + path)
        page.wait_for_selector(f"{chart} .main-svg")
        assert page.locator(f"{chart} svg a").count() == 0
        assert '<a href="https://evil.invalid">' in page.locator(f"{chart} .legend").text_content()
