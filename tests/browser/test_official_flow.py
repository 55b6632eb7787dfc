"""End to end in real headless Chromium: an official signs in (in Chinese), fills every step of the
SODPA questionnaire with mouse and keyboard, survives a reload mid-way without losing anything,
submits, and reads the score, the radar chart and the recommendations in Chinese and in English.
A second test has two officials save the same indicator: the later save is refused, not merged.

Screenshots of the key screens go to tests/artifacts/ (ignored by git)."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from assessments.models import Answer, Assessment, Region
from assessments.results import score_assessment
from frameworks.models import Framework, Indicator, SceneType, TierAdvice
from tests.factories import DEMO_PASSWORD, AssessmentFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.browser


def after_save(url: str) -> re.Pattern:
    """The URL a save redirects to: the page, with `saved=<step>` added to its query."""
    return re.compile(re.escape(url) + r"([?&]saved=\w+)?$")

LEVEL_CYCLE = (3, 1, 4, 2, 0)
KEYBOARD_STEP = "O"
RELOAD_STEP = "D"
EVIDENCE = {
    "S1.1": "《园区数字孪生城市建设规划（2024—2026）》",
    "O1.1": "政企合作运营公司章程",
    "O1.2": "Annual operations report 2025",
    "D1.1": "感知设施台账：12,400 个物联网终端",
}


def key(code: str) -> str:
    return "i_" + code.replace(".", "_")


def radio(code: str, value) -> str:
    return f'input[type=radio][name="{key(code)}-level"][value="{value}"]'


def evidence(code: str) -> str:
    return f'textarea[name="{key(code)}-evidence"]'


def answer_plan(framework: Framework) -> dict[str, list[tuple[str, int | str]]]:
    """Dimension code → [(indicator code, level or "na")] in questionnaire order."""
    plan: dict[str, list[tuple[str, int | str]]] = {}
    indicators = Indicator.objects.filter(subdimension__dimension__framework=framework).select_related(
        "subdimension__dimension")
    for n, indicator in enumerate(indicators):
        value = "na" if indicator.code == "S4.1" else LEVEL_CYCLE[n % len(LEVEL_CYCLE)]
        plan.setdefault(indicator.subdimension.dimension.code, []).append((indicator.code, value))
    assert list(plan) == ["S", "O", "D", "P", "A"]
    assert any(value == "na" for _, value in plan["S"])
    return plan


def one_decimal(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def saved_values(assessment_id: int) -> dict[str, int | str | None]:
    return {a.indicator.code: a.value for a in
            Answer.objects.filter(assessment_id=assessment_id).select_related("indicator")}


def zh(message: str) -> str:
    """The Chinese UI text for a message, from the catalogue the server renders with."""
    with translation.override("zh-hans"):
        text = gettext(message)
    assert re.search(r"[\u4e00-\u9fff]", text), (
        f"no Chinese translation of {message!r}: are the .po files compiled (`make messages`)?")
    return text


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form with the keyboard only."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/")  # the dashboard


def fill_with_mouse(page, answers) -> None:
    for code, value in answers:
        page.check(radio(code, value))
        if code in EVIDENCE:
            page.fill(evidence(code), EVIDENCE[code])


def fill_with_keyboard(page, answers) -> None:
    """Keyboard only: Tab into each radio group (its first choice while none is chosen), arrow keys
    to the level (Space for the first), Tab to the evidence note and type, Tab to the next group."""
    page.locator(radio(answers[0][0], 0)).focus()
    for n, (code, value) in enumerate(answers):
        if n:
            page.keyboard.press("Tab")
            for _ in range(3):  # past the previous indicator's evidence files: the file chooser, "Attach"
                if page.evaluate("document.activeElement.type") == "radio":
                    break
                page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == f"{key(code)}-level"
        if value == 0:
            page.keyboard.press("Space")
        elif value == "na":
            page.keyboard.press("ArrowUp")  # wraps round to the last choice, "not applicable"
        else:
            for _ in range(value):
                page.keyboard.press("ArrowDown")
        expect(page.locator(radio(code, value))).to_be_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == f"{key(code)}-evidence"
        if code in EVIDENCE:
            page.keyboard.type(EVIDENCE[code])


def press_save_and_continue_by_keyboard(page) -> None:
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "next":
            break
    else:
        raise AssertionError("Tab never reached the 'save and continue' button")
    page.keyboard.press("Enter")


def checked_values(page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(
        Array.from(document.querySelectorAll('input[type=radio]:checked'))
             .map(el => [el.name, el.value]))""")


def expected_checked(answers) -> dict[str, str]:
    return {f"{key(code)}-level": str(value) for code, value in answers}


def test_official_fills_every_step_submits_and_reads_results_in_both_languages(
        sodpa_live, live_server, new_page, artifacts):
    region = RegionFactory(name="苏州工业园区", kind=Region.Kind.PARK, city_type="industrial")
    official = UserFactory(username="wang.official")
    region.officials.add(official)
    plan = answer_plan(sodpa_live)
    base = live_server.url

    # Sign in with the keyboard; the browser asks for Chinese and gets it.
    page = new_page(locale="zh-CN")
    sign_in(page, base, "wang.official")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text(zh("My regions"))
    expect(page.locator("#signed-in-as")).to_contain_text("wang.official")
    expect(page.locator(f"#region-{region.pk}")).to_contain_text("苏州工业园区")
    expect(page.locator("#language-switch")).to_have_text("English")

    # Start a new assessment from the dashboard.
    page.locator(f"#title-{region.pk}").click()
    page.keyboard.type("2026 年度自评估")
    artifacts(page, "01-dashboard")
    page.locator(f'form[action$="/regions/{region.pk}/assessments/new/"] button[type=submit]').click()
    page.wait_for_url(re.compile(r"/assessments/\d+/$"))
    assessment_id = int(re.search(r"/assessments/(\d+)/$", page.url).group(1))
    assessment = Assessment.objects.get(pk=assessment_id)
    assert (assessment.region, assessment.title, assessment.created_by) == (region, "2026 年度自评估", official)
    step_url = f"{base}/assessments/{assessment_id}/?step="
    expect(page.locator("h2.h4")).to_contain_text("S 战略与人才")

    # S: mouse (one "not applicable" answer included).
    fill_with_mouse(page, plan["S"])
    artifacts(page, "02-questionnaire-S")
    page.click("button[name=next]")
    page.wait_for_url(after_save(step_url + "O"))
    assert saved_values(assessment_id) == dict(plan["S"])

    # O: keyboard only.
    fill_with_keyboard(page, plan[KEYBOARD_STEP])
    press_save_and_continue_by_keyboard(page)
    page.wait_for_url(after_save(step_url + "D"))
    saved = saved_values(assessment_id)
    assert {code: saved.get(code) for code, _ in plan["O"]} == dict(plan["O"])
    assert Answer.objects.get(assessment_id=assessment_id, indicator__code="O1.1").evidence == EVIDENCE["O1.1"]

    # D: choose half the levels, type a note, then reload without saving. The unsaved input is
    # restored from the browser's storage and the earlier steps are still saved.
    half = len(plan[RELOAD_STEP]) // 2
    fill_with_mouse(page, plan[RELOAD_STEP][:half])
    page.reload()
    expect(page.locator("#restored-notice")).to_be_visible()
    for code, value in plan[RELOAD_STEP][:half]:
        expect(page.locator(radio(code, value))).to_be_checked()
    expect(page.locator(evidence("D1.1"))).to_have_value(EVIDENCE["D1.1"])
    for code, _value in plan[RELOAD_STEP][half:]:
        assert page.locator(f'input[name="{key(code)}-level"]:checked').count() == 0
    for step in ("S", "O"):
        expect(page.locator(f'.step-nav a[href="?step={step}"] .badge')).to_have_text(
            f"{len(plan[step])}/{len(plan[step])}")
    expect(page.locator('.step-nav a[href="?step=D"] .badge')).to_have_text(f"0/{len(plan['D'])}")
    artifacts(page, "03-after-reload-D")
    assert not Answer.objects.filter(assessment_id=assessment_id, indicator__code__startswith="D").exists()
    fill_with_mouse(page, plan[RELOAD_STEP][half:])
    page.click("button[name=next]")
    page.wait_for_url(after_save(step_url + "P"))

    # P: mouse, and an evidence note ended with Enter; "Save" stays on the step, which shows the
    # saved answers as saved (no "restored" notice, nothing left in the browser's storage).
    fill_with_mouse(page, plan["P"])
    page.locator(evidence("P1.1")).click()
    page.keyboard.type("城市信息模型平台验收报告")
    page.keyboard.press("Enter")
    page.click("button[name=save]")
    page.wait_for_url(after_save(step_url + "P"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#restored-notice")).to_be_hidden()
    expect(page.locator(evidence("P1.1"))).to_have_value("城市信息模型平台验收报告")
    assert page.evaluate(f"window.localStorage.getItem('sodpa-draft:v2:u{official.pk}:a{assessment_id}:P')") is None
    assert checked_values(page) == expected_checked(plan["P"])
    page.click("button[name=next]")
    page.wait_for_url(after_save(step_url + "A"))
    fill_with_mouse(page, plan["A"])
    page.click("button[name=next]")
    page.wait_for_url(after_save(f"{base}/assessments/{assessment_id}/results/"))
    assert saved_values(assessment_id) == {code: value for answers in plan.values() for code, value in answers}

    # Back to the questionnaire: the first step shows what was saved; submit from there.
    page.click(f'a[href="/assessments/{assessment_id}/"]')
    page.wait_for_url(f"{base}/assessments/{assessment_id}/")
    assert checked_values(page) == expected_checked(plan["S"])
    expect(page.locator("#restored-notice")).to_be_hidden()
    assert page.evaluate(f"window.localStorage.getItem('sodpa-draft:v2:u{official.pk}:a{assessment_id}:S')") is None
    expect(page.locator("#overall-progress")).to_contain_text("60")
    submit_button = page.locator('section[aria-labelledby="submit-heading"] button[type=submit]')
    expect(submit_button).to_be_enabled()
    submit_button.click()
    page.wait_for_url(after_save(f"{base}/assessments/{assessment_id}/results/"))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED

    # Results, in Chinese.
    card = score_assessment(assessment=Assessment.objects.with_answers().get(pk=assessment_id))
    assert card.is_complete and card.overall is not None
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#overall-score")).to_have_text(one_decimal(card.overall))
    expect(page.locator("#score-table")).to_contain_text("战略与人才")
    expect(page.locator("#recommendations-heading")).to_have_text(zh("Recommendations"))
    check_radar(page, ["S 战略与人才", "O 商业与运营", "D 设施与数据", "P 技术与平台", "A 应用与场景"])
    check_recommendations(page, sodpa_live, card.overall_tier, language="zh-hans")
    artifacts(page, "04-results-zh")

    # One click to English.
    page.click("#language-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_url(after_save(f"{base}/assessments/{assessment_id}/results/"))
    expect(page.locator("#recommendations-heading")).to_have_text("Recommendations")
    expect(page.locator("#overall-score")).to_have_text(one_decimal(card.overall))
    expect(page.locator("#score-table")).to_contain_text("Strategy and Talent")
    expect(page.locator("#language-switch")).to_have_text("简体中文")
    check_radar(page, ["S Strategy and Talent", "O Business and Operation", "D Infrastructure and Data",
                       "P Technology and Platform", "A Application and Scenario"])
    check_recommendations(page, sodpa_live, card.overall_tier, language="en")
    artifacts(page, "05-results-en")


def check_radar(page, axes: list[str]) -> None:
    """Plotly drew the chart (from our static files) with the five dimensions as its axes."""
    expect(page.locator("#radar .main-svg").first).to_be_visible()
    theta = page.evaluate("document.getElementById('radar').data[0].theta")
    assert len(theta) == 6 and theta[0] == theta[-1]  # five axes, polygon closed
    # a label is its code, then its name on lines of their own (charts.wrap_label): compare without breaks
    assert [label.replace("<br>", " ") for label in theta[:5]] == axes
    ticks = page.locator("#radar .angularaxistick text")
    expect(ticks).to_have_count(5)
    assert ["".join(text.split()) for text in ticks.all_text_contents()] == ["".join(a.split()) for a in axes]


def check_recommendations(page, framework: Framework, tier: str, *, language: str) -> None:
    with translation.override(language):
        strategy = TierAdvice.objects.get(framework=framework, kind=TierAdvice.Kind.STRATEGY, tier=tier)
        scene_step = TierAdvice.objects.get(framework=framework, kind=TierAdvice.Kind.SCENE_STEP, tier=tier)
        scene_types = [s.name for s in SceneType.objects.filter(framework=framework)]
        texts = [strategy.title, strategy.body, scene_step.title]
    recommendations = page.locator("#recommendations")
    for text in texts:
        expect(recommendations).to_contain_text(text)
    expect(page.locator("#scene-types > li")).to_have_count(len(scene_types))
    for name in scene_types:
        expect(page.locator("#scene-types")).to_contain_text(name)
    assert strategy.guide_section == "七(一)"
    english = language == "en"  # the English page cites the guide's sections as "Ch. 7 (1)"
    expect(recommendations).to_contain_text("Ch. 7 (1)" if english else "七(一)")
    expect(recommendations).to_contain_text("Ch. 6 (4)" if english else "六(四)")
    expect(page.locator("#recommendations .weak-area").first).to_be_visible()


def test_second_official_saving_the_same_indicator_gets_a_conflict(sodpa_live, live_server, new_page, artifacts):
    region = RegionFactory(name="黄山市", city_type="tourism")
    first, second = UserFactory(username="official_li"), UserFactory(username="official_zhao")
    region.officials.add(first, second)
    assessment = AssessmentFactory(region=region, framework=sodpa_live, title="并发编辑", created_by=first)
    url = f"{live_server.url}/assessments/{assessment.pk}/?step=D"

    page_1, page_2 = new_page(), new_page()
    for page, user in ((page_1, first), (page_2, second)):
        sign_in(page, live_server.url, user.username)
        page.goto(url)
        expect(page.locator(radio("D1.1", 0))).to_be_visible()

    page_1.check(radio("D1.1", 3))
    page_1.fill(evidence("D1.1"), "第一位填报人的依据")
    page_1.click("button[name=save]")
    page_1.wait_for_url(after_save(url))
    expect(page_1.locator(radio("D1.1", 3))).to_be_checked()

    page_2.check(radio("D1.1", 1))
    with page_2.expect_navigation() as navigation:
        page_2.click("button[name=save]")
    assert navigation.value.status == 409
    conflicts = page_2.locator("#conflicts")
    expect(conflicts).to_be_visible()
    expect(conflicts.locator("li")).to_have_count(1)
    expect(conflicts.locator("li strong")).to_have_text("D1.1")
    expect(conflicts).to_contain_text("official_li")
    expect(conflicts).to_contain_text("第一位填报人的依据")
    # The second official's input is still on the page; the first official's answer is kept.
    expect(page_2.locator(radio("D1.1", 1))).to_be_checked()
    artifacts(page_2, "06-conflict")
    stored = Answer.objects.get(assessment=assessment, indicator__code="D1.1")
    assert (stored.level, stored.evidence, stored.updated_by, stored.revision) == (
        3, "第一位填报人的依据", first, 1)

    # Having read the message, saving again applies the second official's choice knowingly.
    page_2.click("button[name=save]")
    page_2.wait_for_url(after_save(url))
    expect(page_2.locator("#conflicts")).to_have_count(0)
    expect(page_2.locator(radio("D1.1", 1))).to_be_checked()
    stored.refresh_from_db()
    assert (stored.level, stored.updated_by, stored.revision) == (1, second, 2)
