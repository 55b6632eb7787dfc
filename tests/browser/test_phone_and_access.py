"""Every main page on a 360 × 740 phone and at 1366 × 900, in Chinese and in English, in real Chromium:
the page never scrolls sideways (`scrollWidth` ≤ the viewport), the charts draw without Plotly's
modebar and with their text equivalent, the zh history chart has Chinese date ticks, and axe-core
(from npm, node_modules/axe-core) reports no WCAG 2.1 A/AA violation (in Chinese at both widths, in English
on the phone: AXE_WIDTHS). Screenshots of the first screen go to
tests/artifacts/ (`phone-<lang>-<page>-<width>.png`).

One test per language walks every page at both widths in one browser context and asserts once, listing
every page, width and problem found: signed out (sign-in, the four password-reset pages with a real
token, the lockout and rate-limit refusals, the 500 and 503 pages), as the official (the main pages,
a provisional result, the move to a new edition, the password change, the 404 and 403 pages), as the
consultant (the review page) and as a contributor (their part of the questionnaire)."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.template import loader
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accounts import ratelimit
from accounts.views import SIGN_IN
from assessments import review
from assessments.evidence import attach_evidence
from assessments.models import Answer, Assessment, Assignment, PlanItem
from frameworks.models import Indicator
from frameworks.versions import new_draft_version, publish
from sodpa_portal.views import server_error
from tests.evidence_samples import png_bytes
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .conftest import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Each page is loaded on the phone and checked, then widened to 1366 px and checked again (one load, as
# the page's CSS and scripts follow the width); a page with a chart is loaded again at 1366 px.
WIDTHS = ((360, 740), (1366, 900))
# axe-core checks the DOM, which is the same in both languages but for its words: every page in Chinese (the
# default language) at both widths, and in English on the phone (the language's attributes and accessible
# names). The fourth pass, English at 1366 px, took about 10 s of the English test's 53 s. The overflow,
# chart and cut-text checks run at every width in both languages.
AXE_WIDTHS = {"zh-hans": {360, 1366}, "en": {360}}
CHART = ".main-svg"
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
    # evidence files on the questionnaire and the results; a newer edition to move the draft to
    for assessment in (draft, later):
        attach_evidence(assessment=assessment, indicator=Indicator.objects.get(
            subdimension__dimension__framework=sodpa_live, code="S1.1"), name="园区数字孪生规划.png",
            file=ContentFile(png_bytes()), user=official, require_draft=False)
    publish(framework=new_draft_version(framework=sodpa_live))
    # a region the official only advises: its team page is refused (403)
    advised = RegionFactory(name="顾问服务的城市")
    advised.consultants.add(official)
    advised_draft = AssessmentFactory(region=advised, framework=sodpa_live)
    # a user who forgot their password (a real reset link), and one locked out by five wrong passwords
    forgetful = UserFactory(username="phone-forgetful", email="forgetful@example.org")
    reset = f"/accounts/reset/{urlsafe_base64_encode(force_bytes(forgetful.pk))}/" \
            f"{default_token_generator.make_token(forgetful)}/"
    UserFactory(username="phone-locked")
    client = Client()
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": "phone-locked", "password": "wrong"})
    return {"region": own, "later": later, "draft": draft, "advised_draft": advised_draft, "reset": reset}


def wrong_sign_in(username: str):
    """Signing in as `username` with a wrong password, from the sign-in page."""
    def visit(page, base_url: str) -> None:
        page.goto(f"{base_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "wrong")
        with page.expect_navigation():
            page.press("#id_password", "Enter")
    return visit


def rate_limited(page, base_url: str) -> None:
    """A sign-in from an address that used up its failed sign-ins (then the count is put back)."""
    key = ratelimit._key(SIGN_IN, "127.0.0.1")
    caches["shared"].set(key, 10_000, timeout=600)
    try:
        wrong_sign_in("phone-official")(page, base_url)
    finally:
        caches["shared"].delete(key)


def served(status: int, html: str):
    """A page the live server cannot be made to serve on purpose (the 500 and 503 pages), as the
    production handlers render it, answered in its place."""
    def visit(page, base_url: str) -> None:
        url = f"{base_url}/__status_{status}__/"
        page.route(url, lambda route: route.fulfill(status=status, body=html, content_type="text/html; charset=utf-8"))
        page.goto(url)
    return visit


def signed_out_pages(world) -> list:
    """(name, path or visit(page, base_url), a selector that must be on the page)."""
    return [
        ("login", "/accounts/login/", "#id_username"),
        ("password-reset", "/accounts/password_reset/", "main h1"),
        ("password-reset-done", "/accounts/password_reset/done/", "main h1"),
        ("password-reset-confirm", world["reset"], "#id_new_password1"),
        ("password-reset-complete", "/accounts/reset/done/", "main h1"),
        ("locked-out", wrong_sign_in("phone-locked"), "a[href='/accounts/password_reset/']"),
        ("rate-limited", rate_limited, "#rate-limited"),
        ("500", served(500, server_error(RequestFactory().get("/")).content.decode()), "h1"),
        ("503", served(503, loader.get_template("503.html").render({})), "h1"),
    ]


def pages(world) -> list[tuple[str, str, str | None]]:
    """(name, path, a selector to wait for (a chart, or what shows it is the page meant) or None)."""
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
        ("questionnaire-evidence", f"/assessments/{world['draft'].pk}/?step=S", ".evidence-files li"),
        ("results-provisional", f"/assessments/{world['draft'].pk}/results/", "#radar .main-svg"),
        ("move", f"/assessments/{world['draft'].pk}/move/", "#carried"),
        ("password-change", "/accounts/password_change/", "#id_old_password"),
        ("password-change-done", "/accounts/password_change/done/", "#password-changed"),
        ("404", "/assessments/999999/", "main h1"),
        ("403", f"/assessments/{world['advised_draft'].pk}/team/", "main h1"),
    ]


def other_people_pages(world) -> list:
    """(user name, [(name, path, selector)]): the consultant's review page, a contributor's part."""
    return [
        ("phone-consultant", [("review-consultant", f"/assessments/{world['later'].pk}/review/", None)]),
        ("phone-bureau-1", [("questionnaire-contributor", f"/assessments/{world['draft'].pk}/?step=D", None)]),
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


def check_page(page, name: str, width: int, ready: str | None, lang: str, *, prefix: str = "phone",
               boxes_may_scroll: bool = False) -> list[str]:
    """What is wrong with the page as shown: overflow, charts, axe-core (AXE_WIDTHS); then its first screen's PNG
    (`<prefix>-<lang>-<name>-<width>.png`). `boxes_may_scroll`: tables may scroll inside their own box
    (the admin's design) as long as the page itself does not."""
    problems = []
    if ready:
        try:
            page.locator(ready).first.wait_for()
        except PlaywrightTimeout:
            problems.append(f"{ready} is not on the page: {page.url} {page.title()!r}")
    if page.locator(".modebar").count():
        problems.append("Plotly's modebar is shown")
    problems += chart_problems(page, lang)
    overflow = page.evaluate(OVERFLOW_SCRIPT)
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        problems.append(f"scrollWidth {overflow['scrollWidth']} > {overflow['innerWidth']}: {overflow['wide']}")
    if width < 576 and not boxes_may_scroll:
        boxes = page.evaluate(SCROLLING_BOXES)
        if boxes:
            problems.append(f"scrolls sideways inside {boxes}")
    if width in AXE_WIDTHS[lang]:
        problems += axe_problems(page)
    # the first screen as a person sees it: a full page is 14,000–34,000 px tall on a phone, and its PNG
    # alone cost the suite half a minute
    page.screenshot(path=str(ARTIFACTS / f"{prefix}-{lang}-{name}-{width}.png"))
    return [f"{name} at {width} px: {problem}" for problem in problems]


def axe_problems(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as shown."""
    if not page.evaluate("!!window.axe"):  # once per loaded page, not again after widening it
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN, AXE_TAGS)
    problems = []
    for violation in result["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    return problems


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
    base = live_server.url

    def walk(entries) -> None:
        for name, visit, ready in entries:
            for number, (width, height) in enumerate(WIDTHS):
                page.set_viewport_size({"width": width, "height": height})
                if number == 0 or CHART in (ready or ""):  # loaded on the phone; a chart is drawn anew at 1366
                    visit(page, base) if callable(visit) else page.goto(base + visit)
                failures.extend(check_page(page, name, width, ready, lang))

    try:
        walk(signed_out_pages(world))
        sign_in(page, base, "phone-official")
        walk(pages(world))
        for username, entries in other_people_pages(world):
            context.clear_cookies()
            context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
            sign_in(page, base, username)
            walk(entries)
    finally:
        context.close()
    failures += [f"JavaScript error: {error}" for error in errors]
    assert not failures, "\n".join(failures)
