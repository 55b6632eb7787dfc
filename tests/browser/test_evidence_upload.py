"""In real Chromium: an official attaches evidence files to an answer in the questionnaire. A disguised
file is refused with its name and reason, and the answer typed but not yet saved is still on the page
(no "leave page?" question); a real file is listed, downloads as an attachment, and is deleted again."""

from pathlib import Path

import pytest

from assessments.models import EvidenceFile
from tests.evidence_samples import png_bytes
from tests.factories import DEMO_PASSWORD, AssessmentFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.browser


def test_attach_refuse_keep_the_typed_answer_download_and_delete(new_page, live_server, sodpa_live, tmp_path):
    official = UserFactory(username="evidence-official")
    region = RegionFactory(name="苏州工业园区")
    region.officials.add(official)
    draft = AssessmentFactory(region=region, framework=sodpa_live, title="2027 年度自评估")
    page = new_page("en-US")
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "evidence-official")
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/assessments/{draft.pk}/?step=S")

    page.locator("input[name=i_S1_1-level][value='3']").check()
    page.fill("textarea[name=i_S1_1-evidence]", "园区数字孪生规划已印发")
    disguised = tmp_path / "规划.pdf"
    disguised.write_bytes(b"MZ\x90\x00 this is a program")
    page.set_input_files("#evidence-input-i_S1_1", str(disguised))
    page.locator("#evidence-i_S1_1 button[type=submit]").click()
    page.wait_for_selector(".alert-danger")
    assert page.locator(".alert-danger").inner_text() == (
        "“规划.pdf” was not attached: its name says a PDF document, but its content is a program. "
        "Only files whose content matches their name are accepted.")
    assert not EvidenceFile.objects.exists()
    # the unsaved answer came back from the page's kept copy
    assert page.locator("input[name=i_S1_1-level][value='3']").is_checked()
    assert page.input_value("textarea[name=i_S1_1-evidence]") == "园区数字孪生规划已印发"
    assert page.locator("#restored-notice").is_visible()

    real = tmp_path / "规划图.png"
    real.write_bytes(png_bytes())
    page.set_input_files("#evidence-input-i_S1_1", str(real))
    page.locator("#evidence-i_S1_1 button[type=submit]").click()
    page.wait_for_selector("#evidence-i_S1_1 .evidence-file")
    assert "规划图.png" in page.locator("#evidence-i_S1_1 .evidence-file").inner_text()
    assert page.input_value("textarea[name=i_S1_1-evidence]") == "园区数字孪生规划已印发"
    with page.expect_download() as download:
        page.locator("#evidence-i_S1_1 .evidence-file a").click()
    assert download.value.suggested_filename == "规划图.png"
    assert Path(download.value.path()).read_bytes() == png_bytes()

    page.locator("#evidence-i_S1_1 .evidence-file button").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("#evidence-i_S1_1 .evidence-file").count() == 0
    assert not EvidenceFile.objects.exists()
    assert dialogs == [], dialogs  # attaching and deleting never asked "leave page?"
