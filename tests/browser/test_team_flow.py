"""Issue 15's whole flow in real Chromium, in Chinese, each person in their own browser context: the
official invites two new contributors on the team page and assigns them S and D; each sets their
password through the link the page showed, sees and answers only their part and attaches an evidence
file; the official follows progress on the team page and submits; the consultant starts the review,
queries one answer, accepts two by hand and the others in one go; the official finds the query
through the inbox badge and changes the answer with a reason; the consultant accepts it and
verifies. The results page and the PDF say "verified by … on …", and the PDF lists the evidence
files with their SHA-256 prefixes. No page logs a JavaScript error. Screenshots: tests/artifacts/team-flow-*.png.
On the small framework (two indicators a dimension): the team's work is the point here, not the guide's content."""

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from assessments.models import Answer, Assessment, EvidenceFile, Region
from frameworks.models import Indicator
from tests.browser.test_official_flow import after_save, radio, zh
from tests.evidence_samples import pdf_bytes, png_bytes
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill

from .conftest import sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Luan-sheng-2026-twin"
# part → (user name to invite, "name and bureau", the levels they give, in questionnaire order, the file)
TEAM = {"S": ("fgw_li", "李 发改委", (2, 3, 1, 4), "城市数字化转型规划.png", png_bytes()),
        "D": ("sjj_zhou", "周 数据局", (4, 2, 3), "数据资源目录.pdf", pdf_bytes("Data catalogue"))}
QUERIED, QUERY, REASON = "D1.1", "物联感知终端数量无台账佐证，请核实。", "台账复核后为 3 级：部分区域尚未覆盖。"


def watched(page, problems: list[str]):
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page



def zh_format(message: str, **values) -> str:
    with translation.override("zh-hans"):
        return gettext(message) % values


def test_team_answers_official_submits_consultant_queries_and_verifies(
        small_live, live_server, new_page, artifacts, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "store")}}}
    base = live_server.url
    region = RegionFactory(name="苏州工业园区", kind=Region.Kind.PARK, city_type="industrial")
    official, consultant = UserFactory(username="wang.official"), UserFactory(username="chen.consultant",
                                                                              first_name="陈", last_name="评估")
    region.officials.add(official)
    region.consultants.add(consultant)
    draft = AssessmentFactory(region=region, framework=small_live, title="2026 年度自评估", created_by=official)
    fill(draft, 3, leave=tuple(TEAM))  # O, P and A answered by the official already
    codes = {part: list(Indicator.objects.filter(subdimension__dimension__framework=small_live,
                                                 subdimension__dimension__code=part).values_list("code", flat=True))
             for part in TEAM}
    problems: list[str] = []
    questionnaire = f"{base}/assessments/{draft.pk}/"

    # 1. The official invites two new contributors and assigns them S and D.
    office = watched(new_page(), problems)
    sign_in(office, base, "wang.official")
    office.goto(questionnaire)
    office.locator(f'a[href="/assessments/{draft.pk}/team/"]').click()
    expect(office.locator("h1")).to_contain_text(zh("Team"))
    links = {}
    for username, name, *_rest in TEAM.values():
        office.fill("#id_identifier", username)
        office.fill("#id_name", name)
        office.locator("#invite-form button[type=submit]").click()
        expect(office.locator("#invitation")).to_contain_text(username)
        links[username] = office.locator("#set-password-link").inner_text()
    office.goto(f"{base}/assessments/{draft.pk}/team/")  # the links are shown once only
    expect(office.locator("#invitation")).to_have_count(0)
    for part, (username, *_rest) in TEAM.items():
        office.select_option("#id_user", label=username)
        office.select_option("#id_part", part)
        office.locator("#assign-form button[type=submit]").click()
        expect(office.locator(".alert-success")).to_contain_text(zh_format("Part %(part)s assigned to %(name)s.",
                                                                           part=part, name=username))
        expect(office.locator(f'#parts-table tr[data-part="{part}"]')).to_contain_text(username)

    # 2. Each contributor sets a password, signs in, sees only their part, answers it and attaches a file.
    for part, (username, _name, levels, file_name, content) in TEAM.items():
        page = watched(new_page(), problems)
        page.goto(links[username])
        page.fill("#id_new_password1", NEW_PASSWORD)
        page.fill("#id_new_password2", NEW_PASSWORD)
        page.get_by_role("button", name=zh("Change my password")).click()
        expect(page.locator("h1")).to_have_text(zh("Password changed"))
        sign_in(page, base, username, NEW_PASSWORD)
        page.locator("#my-assignments a", has_text=draft.title).click()
        page.wait_for_url(re.compile(re.escape(questionnaire) + r"(\?step=\w+)?$"))
        expect(page.locator("#your-parts")).to_contain_text(part)
        steps = page.locator(".step-nav a")
        expect(steps).to_have_count(1)  # the other dimensions are not offered
        expect(steps).to_have_attribute("href", f"?step={part}")
        shown = {name.split("-")[0] for name in page.eval_on_selector_all(
            "#questionnaire-form input[type=radio]", "els => els.map(el => el.name)")}
        assert shown == {"i_" + code.replace(".", "_") for code in codes[part]}
        expect(page.locator(f'a[href="/assessments/{draft.pk}/results/"]')).to_have_count(0)
        expect(page.locator(f'a[href="/assessments/{draft.pk}/team/"]')).to_have_count(0)
        for n, code in enumerate(codes[part]):
            page.check(radio(code, levels[n % len(levels)]))
        page.click("button[name=save]")
        page.wait_for_url(after_save(f"{questionnaire}?step={part}"))
        expect(steps.locator(".badge")).to_have_text(f"{len(codes[part])}/{len(codes[part])}")
        key = "i_" + codes[part][0].replace(".", "_")
        (tmp_path / file_name).write_bytes(content)
        page.set_input_files(f"#evidence-input-{key}", str(tmp_path / file_name))
        page.locator(f"#evidence-{key} button[type=submit]").click()
        expect(page.locator(f"#evidence-{key} .evidence-file")).to_contain_text(file_name)
        with page.expect_download() as download:
            page.locator(f"#evidence-{key} .evidence-file a").click()
        assert Path(download.value.path()).read_bytes() == content
        page.goto(f"{questionnaire}?step=O")  # another part: sent back to their own, with the reason
        expect(page.locator(".alert-warning")).to_contain_text(zh_format(
            "Step %(step)s is not one of your parts.", step="O"))
        assert page.url == f"{questionnaire}?step={part}"
    for part, (username, *_rest) in TEAM.items():
        who = set(Answer.objects.filter(assessment=draft, indicator__code__in=codes[part])
                  .values_list("updated_by__username", flat=True))
        assert who == {username}  # every answer records who set it

    # 3. The official sees both parts complete and submits.
    office.goto(f"{base}/assessments/{draft.pk}/team/")
    for part in TEAM:
        done = zh_format("%(done)s of %(total)s", done=len(codes[part]), total=len(codes[part]))
        expect(office.locator(f'#parts-table tr[data-part="{part}"] td').nth(0)).to_have_text(done)
        expect(office.locator("#people-table tr", has_text=part)).to_contain_text(done)
    artifacts(office, "team-flow-team-page")
    office.goto(questionnaire)
    office.locator('section[aria-labelledby="submit-heading"] button[type=submit]').click()
    office.wait_for_url(after_save(f"{questionnaire}results/"))
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.SUBMITTED

    # 4. The consultant starts the review, queries one answer and accepts the others.
    review_url = f"{questionnaire}review/"
    desk = watched(new_page(), problems)
    sign_in(desk, base, "chen.consultant")
    desk.goto(f"{questionnaire}results/")
    desk.locator("#review-link a").click()
    desk.wait_for_url(review_url)
    desk.click("#start-review")
    expect(desk.locator("#review-status")).to_have_text(zh("In review"))
    queried = desk.locator(f'article[data-indicator="{QUERIED}"]')
    queried.locator("input[name=comment]").fill(QUERY)
    queried.locator("button[value=query]").click()
    expect(queried).to_have_attribute("data-state", "queried")
    expect(queried).to_contain_text(QUERY)
    for code in (codes["S"][0], codes["D"][-1]):  # by clicking, as the reviewer reads each answer …
        article = desk.locator(f'article[data-indicator="{code}"]')
        article.locator("button[value=accept]").click()
        expect(article).to_have_attribute("data-state", "accepted")
    # … and the others with the one button for every answer not yet reviewed (the query stays open)
    answered = Answer.objects.filter(assessment=draft).count()
    expect(desk.locator("#accept-open")).to_contain_text(str(answered - 3))
    desk.click("#accept-open")
    expect(desk.locator(f'article[data-indicator="{QUERIED}"]')).to_have_attribute("data-state", "queried")
    expect(desk.locator("#review-counts")).to_have_text(zh_format(
        "%(accepted)s of %(answered)s answers accepted, %(queried)s queried.",
        accepted=answered - 1, answered=answered, queried=1))
    desk.locator(f'article[data-indicator="{QUERIED}"]').scroll_into_view_if_needed()
    artifacts(desk, "team-flow-review-page")

    # 5. The official's badge and inbox show the query; the official changes the answer with a reason.
    office.goto(f"{base}/")
    expect(office.locator("#inbox-badge")).to_contain_text("1")
    office.click("#inbox-link")
    item = office.locator('#inbox-list li[data-kind="query"]')
    expect(item).to_have_count(1)
    expect(item).to_contain_text(QUERIED)
    expect(item).to_contain_text(QUERY)
    artifacts(office, "team-flow-inbox")
    item.locator("a").click()
    office.wait_for_url(re.compile(re.escape(review_url)))
    mine = office.locator(f'article[data-indicator="{QUERIED}"]')
    mine.locator("input[name=text]").fill(REASON)
    mine.locator("select[name=level]").select_option("3")
    mine.locator("button[name=change]").click()
    expect(office.locator(".alert-success")).to_contain_text(QUERIED)
    expect(mine).to_contain_text(REASON)
    expect(mine).to_contain_text(zh_format("self-assessed: %(level)s", level=4))
    assert Answer.objects.get(assessment=draft, indicator__code=QUERIED).level == 3

    # 6. The consultant accepts the changed answer and verifies.
    desk.goto(review_url)
    expect(desk.locator(f'article[data-indicator="{QUERIED}"]')).to_contain_text(REASON)
    desk.locator(f'article[data-indicator="{QUERIED}"] button[value=accept]').click()
    expect(desk.locator(f'article[data-indicator="{QUERIED}"]')).to_have_attribute("data-state", "accepted")
    desk.click("#verify")
    desk.wait_for_url(f"{questionnaire}results/")
    verified_at = Assessment.objects.get(pk=draft.pk).review.verified_at
    with translation.override("zh-hans"):
        when = formats.date_format(timezone.localtime(verified_at), "DATE_FORMAT")
    verified = zh("Verified by %(who)s on %(when)s") % {"who": "陈 评估", "when": when}
    expect(desk.locator("#verified-badge")).to_contain_text(verified)

    # 7. The Chinese PDF, downloaded through the results page's button, says so and lists the files.
    with desk.expect_download(timeout=60_000) as download:
        desk.locator("a[data-report][lang=zh-hans]").click()
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", download.value.path(), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", verified) in flat
    files = EvidenceFile.objects.filter(assessment=draft)
    assert sorted(f.original_name for f in files) == sorted(member[3] for member in TEAM.values())
    for _username, _name, _levels, file_name, content in TEAM.values():
        assert file_name in flat
        assert hashlib.sha256(content).hexdigest()[:12] in flat
    assert problems == [], problems
