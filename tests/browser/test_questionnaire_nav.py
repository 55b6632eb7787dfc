"""In real Chromium under the site's CSP, on the real questionnaire: re-entry opens the first incomplete
step; at 1366 px the outline is a side panel that stays in view, counts choices made on the page and
"Next unanswered" walks the unanswered indicators and then the next step; at 390 px the outline is a
bottom sheet that closes when an entry or "Next unanswered" is chosen; "only unanswered" filters."""

import pytest
from playwright.sync_api import expect

from assessments.models import Answer
from frameworks.models import Indicator
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_progress import sign_in
from tests.factories import AssessmentFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(sodpa_live):
    official = UserFactory(username="nav-official")
    region = RegionFactory(name="苏州工业园区")
    region.officials.add(official)
    assessment = AssessmentFactory(region=region, framework=sodpa_live, title="2026 年度自评估")
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa_live))
    # Step S complete, and the first two indicators of step O answered.
    answered = [i for i in indicators if i.code.startswith("S")] + [i for i in indicators if i.code.startswith("O")][:2]
    Answer.objects.bulk_create(Answer(assessment=assessment, indicator=i, level=2) for i in answered)
    step_o = [i for i in indicators if i.code.startswith("O")]
    assessment.first_open, assessment.o_total = step_o[2].code, len(step_o)
    return assessment


def in_view(page, selector: str) -> bool:
    """Waits until the element's top is in the viewport (Bootstrap scrolls smoothly); fails after 10 s."""
    page.wait_for_function("""(s) => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight; }""", arg=selector)
    return True


def shoot(page, name: str) -> None:
    """What the viewport shows (a sticky panel and an open sheet are the point, not the whole page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_outline_panel_sheet_next_unanswered_and_filter(new_page, live_server, draft):
    page = new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server.url, "nav-official")
    base = f"{live_server.url}/assessments/{draft.pk}/"

    page.goto(base)  # no step chosen: the first incomplete one, O
    expect(page.locator('.step-nav .nav-link.active')).to_contain_text("O")
    outline = page.locator("#outline")
    expect(outline).to_be_visible()
    expect(page.locator("#outline-toggle")).to_be_hidden()
    first_o = page.locator("[data-outline-sub='O1'] .outline-count")
    expect(first_o).to_have_text("2/" + first_o.inner_text().split("/")[1])

    # "Next unanswered" goes to the first unanswered indicator, then to the one after it.
    page.click("#next-unanswered")
    target = page.evaluate("location.hash")
    assert target == "#indicator-i_" + draft.first_open.replace(".", "_")
    assert in_view(page, target) and not page.locator(f"{target} input:checked").count()
    page.locator(f"{target} input[type=radio][value='3']").check()
    expect(first_o).to_contain_text("3/")  # the outline counts the choice before it is saved
    expect(page.locator("[data-outline-step='O'] > a .outline-count")).to_have_text(f"3/{draft.o_total}")
    page.click("#next-unanswered")
    second = page.evaluate("location.hash")
    assert second != target and in_view(page, second)
    assert in_view(page, "#outline")  # the panel stays in view far down the page
    shoot(page, "questionnaire-outline-1366")

    # Enter on a choice saves (the form's default button), never presses a "clear" button above it.
    page.locator(f"{target} input[type=radio][value='3']").press("Enter")
    page.wait_for_url(f"{base}?step=O&saved=O")
    assert Answer.objects.filter(assessment=draft, indicator__code__startswith="O").count() == 3
    expect(page.locator("main > .alert-success").first).to_be_visible()
    page.locator(f"{second} input[type=radio][value='1']").check()
    # Save: the message is at the top; the filter shows only what is still unanswered.
    page.click("button[name=save]")
    page.wait_for_url(f"{base}?step=O&saved=O")
    expect(page.locator("main > .alert-success").first).to_be_visible()
    page.click("#filter-toggle")
    page.wait_for_url(f"{base}?step=O&only=unanswered")
    expect(page.locator("#filter-notice")).to_be_visible()
    expect(page.locator(target)).to_be_hidden()
    expect(page.locator(second)).to_be_hidden()
    expect(page.locator("#next-unanswered")).to_be_visible()

    # The phone: the outline is a bottom sheet, opened from the button and closed by its entries.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}?step=O")
    expect(outline).to_be_hidden()
    page.click("#outline-toggle")
    expect(outline).to_be_visible()
    shoot(page, "questionnaire-outline-sheet-390")
    page.locator("#outline #next-unanswered").click()
    expect(outline).to_be_hidden()
    assert in_view(page, page.evaluate("location.hash"))
    page.locator("#outline-toggle-bar").click()
    expect(outline).to_be_visible()
    page.locator("#outline [data-outline-sub='D1'] a").click()  # another step
    page.wait_for_url(f"{base}?step=D#sub-D1")
    expect(outline).to_be_hidden()
    assert in_view(page, "#sub-D1")
    shoot(page, "questionnaire-step-D-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px)"
    assert problems == []
