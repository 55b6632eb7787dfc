"""The admin in real Chromium at 1366 × 900 in Chinese (issue 16, part 8): no admin page scrolls
sideways (the draft's dimension inline, the weights table, the version history, the publish
preview), axe-core finds no WCAG 2.1 A/AA violation on any of them, the weights table saves an edit,
and the site is SODPA's. Screenshots: tests/artifacts/."""

import pytest
from django.utils import timezone

from frameworks.models import Indicator
from frameworks.permissions import make_framework_editor
from frameworks.versions import new_draft_version
from tests.factories import DEMO_PASSWORD, AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .test_phone_and_access import AXE, AXE_RUN, AXE_TAGS

pytestmark = pytest.mark.browser
WIDTH = 1366


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base_url}/admin/")


def test_admin_pages_fit_1366_px_in_chinese_and_the_weights_table_saves(chromium, live_server, sodpa_live, artifacts):
    editor = UserFactory(username="editor")
    make_framework_editor(user=editor)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    fill(AssessmentFactory(region=RegionFactory(name="苏州工业园区"), framework=sodpa_live, status="submitted",
                           submitted_at=timezone.now()), 2)
    draft = new_draft_version(framework=sodpa_live, user=editor)
    indicator = Indicator.objects.get(subdimension__dimension__framework=draft, code="S1.1")
    context = chromium.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "editor")
    assert "SODPA 管理后台" in page.title() and "Django" not in page.content()

    violations: list[str] = []

    def fits(path: str, name: str) -> None:
        page.goto(f"{base}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        artifacts(page, f"admin-1366-zh-{name}")
        assert width <= WIDTH, (path, width)
        page.add_script_tag(path=str(AXE))  # axe-core (npm), as on the other pages
        for violation in page.evaluate(AXE_RUN, AXE_TAGS)["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            violations.append(f"{name}: axe {violation['id']} ({violation['impact']}): {targets}")

    fits("/admin/", "index")
    fits(f"/admin/frameworks/framework/{draft.pk}/change/", "draft")
    fits(f"/admin/frameworks/dimension/{indicator.subdimension.dimension_id}/change/", "dimension")
    fits(f"/admin/frameworks/subdimension/{indicator.subdimension_id}/change/", "subdimension")
    fits(f"/admin/frameworks/framework/{draft.pk}/weights/", "weights")
    # Edit S1.1's weight and reason in the table; the page says so and shows the new share.
    row = page.locator(f"#row-indicator-{indicator.pk}")
    row.locator("input.weight-input").fill("3")
    row.locator("textarea").first.fill("战略规划是起点。")
    page.fill("#id_change_reason", "专家评审意见")
    page.locator("#weights-form input[type=submit]").click()
    page.wait_for_selector(".messagelist .success")
    assert "S1.1" in page.locator(".messagelist").inner_text()
    assert "4.14 %" in page.locator(f"#row-indicator-{indicator.pk}").inner_text()
    indicator.refresh_from_db()
    assert (indicator.weight, indicator.rationale_zh) == (3, "战略规划是起点。")
    fits(f"/admin/frameworks/framework/{draft.pk}/history/", "history")
    history = page.locator("#version-history").inner_text()
    assert "权重" in history and "专家评审意见" in history and "None" not in history
    context.clear_cookies()
    sign_in(page, base, "root")
    fits(f"/admin/frameworks/framework/{draft.pk}/publish/", "publish-preview")
    assert "1 个地区中有 0 个的分档发生变化" in page.locator("#tier-changes").inner_text()
    context.close()
    assert not violations, "\n".join(violations)
