"""Every main page on a 360 × 740 phone and at 1366 × 900, in Chinese and in English, in real Chromium:
the page never scrolls sideways (`scrollWidth` ≤ the viewport), the charts draw without Plotly's
modebar and with their text equivalent, the zh history chart has Chinese date ticks, and axe-core
(from npm, node_modules/axe-core) reports no WCAG 2.1 A/AA violation. Screenshots of the first screen go to
tests/artifacts/ (`phone-<lang>-<page>-<width>.png`).

One test per language walks every page at both widths in one browser context and asserts once, listing
every page, width and problem found."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from assessments import review
from assessments.models import Answer, Assessment, Assignment, PlanItem
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .conftest import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = ((360, 740), (1366, 900))
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
# A short name of an element for the failure message: tag#id.class
NAME_OF = ("el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')"
           " + (el.classList.length ? '.' + [...el.classList].join('.') : '')")
# What overflows, if the page does: the first elements that stick out of the viewport, not inside a box
# that scrolls or clips them.
OVERFLOW_SCRIPT = f"""() => {{
  const name = {NAME_OF};
  const width = window.innerWidth;
  const clipped = el => {{
    for (let up = el.parentElement; up; up = up.parentElement) {{
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
    }}
    return false;
  }};
  const wide = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > width + 1
                                                                      && !clipped(el)).map(name);
  return {{scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide: wide.slice(0, 5)}};
}}"""
# Tables that scroll inside their own box hide their columns from a phone user: none should.
SCROLLING_BOXES = f"""() => [...document.querySelectorAll('body *')].filter(el =>
  ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1
  && !el.closest('.js-plotly-plot')).map(el => ({NAME_OF})(el.firstElementChild || el))"""
# A chart's texts drawn outside its box are cut off (a radar label losing its "A", a tick "Jan 202").
CUT_TEXTS = """el => { const box = el.getBoundingClientRect();
  return [...el.querySelectorAll('.main-svg text')].filter(text => { const b = text.getBoundingClientRect();
    return b.width > 0 && (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1
                           || b.bottom > box.bottom + 1); }).map(text => text.textContent); }"""
ACTION = "建设城市级物联感知平台，统一接入各委办局的感知设备"



@pytest.fixture
def world(sodpa_live):
    official = UserFactory(username="phone-official")
    own = RegionFactory(name="苏州工业园区数字孪生先导区")
    own.officials.add(official)
    now = timezone.now()
    earlier = AssessmentFactory(region=own, framework=sodpa_live, title="2025 年度数字孪生城市成熟度自评估",
                                status=Assessment.Status.SUBMITTED, submitted_at=now - datetime.timedelta(days=400))
    fill(earlier, 2)
    later = AssessmentFactory(region=own, framework=sodpa_live, title="2026 年度数字孪生城市成熟度自评估",
                              status=Assessment.Status.SUBMITTED, submitted_at=now - datetime.timedelta(days=30))
    fill(later, 3)
    Answer.objects.filter(assessment=later, indicator__subdimension__code="O2").update(level=1)
    indicator = Indicator.objects.get(subdimension__dimension__framework=sodpa_live, code="O2.1")
    for assessment in (earlier, later):
        PlanItem.objects.create(assessment=assessment, region=own, action=ACTION,
                                owner="数据资源局", target_date=datetime.date(2027, 6, 30), indicator=indicator,
                                target_level=3, created_by=official)
    draft = AssessmentFactory(region=own, framework=sodpa_live, title="2027 年度自评估（草稿）")
    fill(draft, 2, skip=40)
    for number, level in enumerate((1, 2, 3, 4)):
        peer = RegionFactory(name=f"同类城市{number}")
        peer.officials.add(official)
        fill(AssessmentFactory(region=peer, framework=sodpa_live, status=Assessment.Status.SUBMITTED,
                               submitted_at=now - datetime.timedelta(days=number)), level)
    # the team's pages (issue 15): two bureaus answer part D1 independently, a consultant queries S1.1
    bureaus = [UserFactory(username=f"phone-bureau-{number}") for number in (1, 2)]
    own.contributors.add(*bureaus)
    for bureau in bureaus:
        Assignment.objects.create(assessment=draft, user=bureau, part="D1", independent=True)
    consultant = UserFactory(username="phone-consultant")
    own.consultants.add(consultant)
    review.start_review(assessment=later, user=consultant)
    review.query_answer(assessment=later, user=consultant, code="S1.1", comment="请补充 S1.1 的证明材料")
    return {"region": own, "later": later, "draft": draft}


def pages(world) -> list[tuple[str, str, str | None]]:
    """(name, path, a chart's selector to wait for or None)."""
    return [
        ("dashboard", "/", None),
        ("questionnaire", f"/assessments/{world['draft'].pk}/?step=O", None),
        ("results", f"/assessments/{world['later'].pk}/results/", "#radar .main-svg"),
        ("history", f"/regions/{world['region'].pk}/", "#history-chart .main-svg"),
        ("portfolio", "/portfolio/", "#radar .main-svg"),
        ("tokens", "/accounts/tokens/", None),
        ("team", f"/assessments/{world['draft'].pk}/team/", None),
        ("consensus", f"/assessments/{world['draft'].pk}/consensus/D1/", None),
        ("review", f"/assessments/{world['later'].pk}/review/", None),
        ("inbox", "/inbox/", None),
    ]


def chart_problems(page, lang: str) -> list[str]:
    """The charts' own checks: their text equivalent is there, and the zh history chart's date ticks are
    Chinese (Plotly's zh-CN locale and the translated tick formats)."""
    problems = []
    for chart in page.locator(".js-plotly-plot").all():
        if not chart.evaluate("el => !!el.closest('.card-body').querySelector('details.chart-table table tbody tr')"):
            problems.append(f"no table of the figures beside #{chart.get_attribute('id')}")
        if cut := chart.evaluate(CUT_TEXTS):
            problems.append(f"texts cut off at the edge of #{chart.get_attribute('id')}: {cut}")
    if page.locator("#history-chart").count():
        ticks = page.locator("#history-chart .xtick text").all_text_contents()
        expected = "年" if lang == "zh-hans" else "20"
        if not ticks or not all(expected in tick for tick in ticks):
            problems.append(f"history ticks {ticks} are not in the page's language")
    return problems


def check_page(page, name: str, width: int, chart: str | None, lang: str) -> list[str]:
    problems = []
    if chart:
        page.wait_for_selector(chart)
        if page.locator(".modebar").count():
            problems.append("Plotly's modebar is shown")
        problems += chart_problems(page, lang)
    overflow = page.evaluate(OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        problems.append(f"scrollWidth {overflow['scrollWidth']} > {overflow['innerWidth']}: {overflow['wide']}")
    if width < 576:
        boxes = page.evaluate(SCROLLING_BOXES)
        if boxes:
            problems.append(f"scrolls sideways inside {boxes}")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN, AXE_TAGS)
    for violation in result["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    # the first screen as a person sees it: a full page is 14,000–34,000 px tall on a phone, and its PNG
    # alone cost the suite half a minute
    page.screenshot(path=str(ARTIFACTS / f"phone-{lang}-{name}-{width}.png"))
    return [f"{name} at {width} px: {problem}" for problem in problems]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_page_fits_a_phone_and_passes_axe(chromium, live_server, world, lang):
    assert AXE.exists(), f"{AXE} is missing: `make setup` installs the npm packages (npm ci)"
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(locale="zh-CN" if lang == "zh-hans" else "en-US", bypass_csp=True,
                                   viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    failures: list[str] = []
    try:
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}/accounts/login/")
            failures += check_page(page, "login", width, None, lang)
        sign_in(page, live_server.url, "phone-official")
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            for name, path, chart in pages(world):
                page.goto(live_server.url + path)
                failures += check_page(page, name, width, chart, lang)
    finally:
        context.close()
    failures += [f"JavaScript error: {error}" for error in errors]
    assert not failures, "\n".join(failures)
