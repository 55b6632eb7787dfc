"""The portfolio PDF read as a person would: its text (pdftotext), its fonts (pdffonts: an embedded
CJK font), one page per region after the comparison, and its scope (only the user's regions)."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.results import score_assessment
from tests.factories import AssessmentFactory, RegionFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(sodpa, people):
    own = AssessmentFactory(region=people["own"], framework=sodpa, title="园区 2026",
                            status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(own, 3)
    second = RegionFactory(name="无锡市梁溪区")
    second.consultants.add(people["consultant"])
    theirs = AssessmentFactory(region=second, framework=sodpa, title="梁溪 2026",
                               status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(theirs, 1)
    AssessmentFactory(region=second, framework=sodpa, title="梁溪 2027 草稿")
    other = AssessmentFactory(region=people["other"], framework=sodpa, title="黄山 2026",
                              status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(other, 2)
    return {"own": own, "second": theirs, "other": other}


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "portfolio.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in lines.splitlines()[2:]]


def test_the_consultants_portfolio_pdf_compares_their_regions_only(client, people, regions, tmp_path):
    client.force_login(people["consultant"])
    response = client.get(reverse("portfolio_report_pdf") + "?lang=zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="sodpa-portfolio-')
    text = pdf_text(response.content, tmp_path)
    pages = text.split("\f")
    assert "组合报告" in pages[0] and "地区对比" in pages[0]
    own = score_assessment(assessment=regions["own"])
    second = score_assessment(assessment=regions["second"])
    assert f"{own.overall:.1f}" in pages[0] and f"{second.overall:.1f}" in pages[0]
    assert "战略与人才" in pages[0] and "较好" in text and "较弱" in text
    # one page per region (by name), with its sub-dimensions
    region_pages = [page for page in pages if page.strip()][-2:]
    assert "无锡市梁溪区" in region_pages[0] and "梁溪 2026" in region_pages[0]
    assert "苏州工业园区" in region_pages[1] and "S1 城市禀赋调研与战略规划" in region_pages[1]
    assert "梁溪 2027 草稿" not in text  # the latest submitted assessment, not a draft
    assert "黄山" not in text  # another consultant's region
    fonts = pdf_fonts(response.content, tmp_path)
    assert fonts and all("Noto-Sans-CJK-SC" in row[0] and "yes" in row for row in fonts), fonts


def test_the_english_portfolio_pdf(client, people, regions, tmp_path):
    people["other"].consultants.add(people["consultant"])  # now serving all three regions
    client.force_login(people["consultant"])
    text = pdf_text(client.get(reverse("portfolio_report_pdf") + "?lang=en").content, tmp_path)
    assert "Portfolio report" in text and "Comparison of the regions" in text and "Strategy and Talent" in text
    assert all(name in text for name in ("苏州工业园区", "黄山市", "无锡市梁溪区"))
    assert "组合报告" not in text


def test_the_portfolio_pdf_is_offered_and_scoped(client, people, regions):
    response = client.get(reverse("portfolio_report_pdf"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(people["nobody"])
    page = client.get(reverse("portfolio")).content.decode()
    assert f'href="{reverse("portfolio_report_pdf")}?lang=en"' in page
    response = client.get(reverse("portfolio_report_pdf") + "?lang=en")
    assert response.status_code == 200  # an empty portfolio: a report saying so
    assert client.get(reverse("portfolio_report_pdf") + "?lang=fr").status_code == 400
