"""The admin in real Chromium on a 360 × 740 phone and at 1366 × 900, in Chinese and in English
(issue 16, parts 8 and 9): no admin page scrolls sideways (tables may scroll inside their own box, as
Django's responsive admin does, the page itself never), and axe-core finds no WCAG 2.1 A/AA violation
(in Chinese at both widths, in English on the phone: AXE_WIDTHS)
on any of them: sign-in, index, the changelists of versions and of (filtered) indicators, the change
forms of a version, a dimension, a sub-dimension and an indicator, an indicator's history, the weights
table, the version history, the publish preview. The sub-dimension page is no longer thousands of
pixels of textareas, the weights table saves an edit, and the site is SODPA's. One browser context per
language; each page is loaded at 360 px, checked, widened to 1366 px and checked again; first-screen
screenshots: tests/artifacts/admin-<lang>-<page>-<width>.png."""

import pytest
from django.utils import timezone

from frameworks.models import Indicator
from frameworks.permissions import make_framework_editor
from frameworks.versions import new_draft_version
from tests.factories import DEMO_PASSWORD, AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .conftest import ARTIFACTS
from .test_phone_and_access import AXE, WIDTHS, check_page

pytestmark = pytest.mark.browser
# the sub-dimension S1 (three indicators) at 1366 px: 7,360 px with every text open, now about 2,050
SUBDIMENSION_PAGE_MAX_PX = 2_400
TEXTS = {"zh-hans": {"site": "SODPA 管理后台", "weight": "权重", "preview": "1 个地区中有 0 个的分档发生变化"},
         "en": {"site": "SODPA administration", "weight": "weight", "preview": "0 of 1 regions change tier"}}


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{base_url}/admin/")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_admin_pages_fit_a_phone_and_1366_px_pass_axe_and_the_weights_table_saves(chromium, live_server,
                                                                                    sodpa_live, lang):
    assert AXE.exists(), f"{AXE} is missing: `make setup` installs the npm packages (npm ci)"
    ARTIFACTS.mkdir(exist_ok=True)
    texts = TEXTS[lang]
    editor = UserFactory(username="editor")
    make_framework_editor(user=editor)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    fill(AssessmentFactory(region=RegionFactory(name="苏州工业园区"), framework=sodpa_live, status="submitted",
                           submitted_at=timezone.now()), 2)
    draft = new_draft_version(framework=sodpa_live, user=editor)
    indicator = Indicator.objects.get(subdimension__dimension__framework=draft, code="S1.1")
    context = chromium.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", bypass_csp=True,
                                   viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    base = live_server.url
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    page = context.new_page()
    failures: list[str] = []
    heights: dict[int, int] = {}

    def walk(entries) -> None:
        for name, path in entries:
            for number, (width, height) in enumerate(WIDTHS):  # loaded on the phone, then widened
                page.set_viewport_size({"width": width, "height": height})
                if number == 0:
                    page.goto(base + path)
                if name == "subdimension":
                    heights[width] = page.evaluate("document.documentElement.scrollHeight")
                failures.extend(check_page(page, name, width, None, lang, prefix="admin", boxes_may_scroll=True))

    walk([("login", "/admin/login/")])
    sign_in(page, base, "editor")
    assert texts["site"] in page.title() and "Django" not in page.content()
    models = "/admin/frameworks"
    walk([("index", "/admin/"),
          ("frameworks", f"{models}/framework/"),
          ("draft", f"{models}/framework/{draft.pk}/change/"),
          ("dimension", f"{models}/dimension/{indicator.subdimension.dimension_id}/change/"),
          ("indicators", f"{models}/indicator/?subdimension__dimension__framework__id__exact={draft.pk}"),
          ("indicator", f"{models}/indicator/{indicator.pk}/change/"),
          ("indicator-history", f"{models}/indicator/{indicator.pk}/history/"),
          ("subdimension", f"{models}/subdimension/{indicator.subdimension_id}/change/")])
    # The sub-dimension page (still shown) has each indicator's essentials; its long texts open on demand.
    assert heights[1366] <= SUBDIMENSION_PAGE_MAX_PX, heights
    quote = page.locator("textarea[name$='-guide_quote_en']").first
    assert not quote.is_visible()
    page.locator("details", has=quote).first.locator("summary").click()
    assert quote.is_visible()
    # Edit S1.1's weight and reason in the weights table; the page says so and shows the new share.
    walk([("weights", f"{models}/framework/{draft.pk}/weights/")])
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
    walk([("history", f"{models}/framework/{draft.pk}/history/")])
    history = page.locator("#version-history").inner_text()
    assert texts["weight"] in history and "专家评审意见" in history and "None" not in history
    context.clear_cookies()
    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
    sign_in(page, base, "root")
    walk([("publish-preview", f"{models}/framework/{draft.pk}/publish/")])
    assert texts["preview"] in page.locator("#tier-changes").inner_text()
    context.close()
    assert not failures, "\n".join(failures)
