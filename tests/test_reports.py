"""PDF reports checked as a reader would: the text (pdftotext), the embedded fonts (pdffonts), a page
image (pdftoppm), determinism, caching, and the download's scope."""

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.reports import STATIC_BASE, _fetcher_class, render_report, report_state_key
from assessments.results import score_assessment
from tests.factories import AssessmentFactory
from tests.helpers import fill, make_people, rolled_back, sodpa_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(sodpa, people):
    return make_submitted(sodpa, people)


def make_submitted(sodpa, people) -> Assessment:
    """2026's assessment of the real framework, with a 2025 one before it and evidence to escape."""
    earlier = AssessmentFactory(region=people["own"], framework=sodpa, title="2025 年度自评估",
                                status=Assessment.Status.SUBMITTED,
                                submitted_at=timezone.now() - timezone.timedelta(days=365))
    fill(earlier, 1)
    assessment = AssessmentFactory(region=people["own"], framework=sodpa, title="2026 年度自评估",
                                   status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(assessment, 3)
    Answer.objects.filter(assessment=assessment, indicator__code="S1.1").update(
        evidence="《苏州工业园区数字孪生规划》<script>alert(1)</script>")
    Answer.objects.filter(assessment=assessment, indicator__subdimension__code="O2").update(level=0)
    return assessment


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """`make_submitted`'s PDF in Chinese (twice) and in English, typeset once for the module's tests that read
    them (3 s a render of the real framework)."""
    with rolled_back(django_db_blocker), django_db_blocker.unblock():  # the module's other tests make `people`
        assessment = make_submitted(sodpa_framework(), make_people())
        pdfs = {language: render_report(assessment=assessment, language=language) for language in ("zh-hans", "en")}
        pdfs["zh-hans again"] = render_report(assessment=assessment, language="zh-hans")
        return {"overall": score_assessment(assessment=assessment).overall, **pdfs}


@pytest.fixture
def small_submitted(small_framework, people):
    """A submitted assessment of the small framework: for downloads and caching, not content."""
    assessment = AssessmentFactory(region=people["own"], framework=small_framework, title="2026 年度自评估",
                                   status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(assessment, 3)
    return assessment


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in lines.splitlines()[2:]]


def test_chinese_report_has_the_content_and_real_chinese_glyphs(rendered, tmp_path):
    pdf = rendered["zh-hans"]
    text = pdf_text(pdf, tmp_path)
    overall = f"{rendered['overall']:.1f}"
    for expected in ("苏州工业园区", "2026 年度自评估", "执行摘要", "战略与人才", "应用与场景", overall,
                     "七(一)", "六(四)", "六(三)", "案例 5", "《苏州工业园区数字孪生规划》<script>alert(1)</script>",
                     "2025 年度自评估"):
        assert expected in text, expected
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts, "no font embedded"
    # Every font is an embedded subset of Noto Sans CJK: no fallback font, so no missing-glyph boxes.
    assert all("Noto-Sans-CJK-SC" in row[0] and "yes" in row for row in fonts), fonts
    # The page image of the cover has real ink where the region name is.
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "r.pdf"),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 5000


def test_english_report_is_in_english(rendered, tmp_path):
    text = pdf_text(rendered["en"], tmp_path)
    for expected in ("Executive summary", "Strategy and Talent", "Recommendations", "Appendix: method",
                     "Classified strategy", "Guide section"):
        assert expected in text, expected
    assert "执行摘要" not in text


def test_report_sections_pages_and_numbers(rendered, tmp_path):
    text = pdf_text(rendered["en"], tmp_path)
    pages = text.split("\f")
    total = len([page for page in pages if page.strip()])
    assert total >= 10
    assert f"2 / {total}" in pages[1]  # page numbers "n / N"
    assert "Contents" in pages[1] and "Executive summary" in pages[1]
    toc = [line for line in pages[1].splitlines() if "Appendix: method" in line][0]
    method_page = int(toc.rstrip().split(".")[-1])
    assert "Appendix: method" in pages[method_page - 1]
    assert "Appendix: comparison with the previous assessment" in text
    for page in pages[2:]:
        if page.strip():
            assert "苏州工业园区 · 2026 年度自评估" in page  # running header


def test_a_submitted_assessment_renders_the_same_bytes_every_time(rendered):
    assert rendered["zh-hans"] == rendered["zh-hans again"]


def test_download_is_cached_until_an_answer_changes(client, people, small_submitted):
    submitted = small_submitted
    client.force_login(people["consultant"])
    url = reverse("report_pdf", args=[submitted.pk]) + "?lang=en"
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf" and first["X-Report-Cache"] == "miss"
    assert "attachment" in first["Content-Disposition"] and ".pdf" in first["Content-Disposition"]
    second = client.get(url)
    assert second["X-Report-Cache"] == "hit" and second.content == first.content
    Answer.objects.filter(assessment=submitted, indicator__code="A1.1").update(level=1)
    third = client.get(url)
    assert third["X-Report-Cache"] == "miss" and third.content != first.content
    assert client.get(reverse("report_pdf", args=[submitted.pk]) + "?lang=zh-hans")["X-Report-Cache"] == "miss"


@pytest.mark.parametrize(("role", "status"), [
    ("official", 200), ("consultant", 200), ("admin", 404), ("other_official", 404),
    ("other_consultant", 404), ("nobody", 404),
])
def test_report_download_is_scoped(client, people, small_framework, role, status):
    assessment = AssessmentFactory(region=people["own"], framework=small_framework)
    client.force_login(people[role])
    response = client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en")
    assert response.status_code == status
    assert (response.get("Content-Type") == "application/pdf") == (status == 200)


def test_anonymous_download_goes_to_sign_in_and_bad_language_is_refused(client, people, submitted):
    response = client.get(reverse("report_pdf", args=[submitted.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(people["official"])
    response = client.get(reverse("report_pdf", args=[submitted.pk]) + "?lang=fr")
    assert response.status_code == 400 and "zh-hans" in response.content.decode()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:8000/admin/",
                                 "https://example.org/logo.png", f"{STATIC_BASE}../../settings.py"])
def test_the_renderer_fetches_nothing_but_our_static_files(url):
    from weasyprint.urls import URLFetchingError

    fetcher = _fetcher_class()()
    with pytest.raises(URLFetchingError):
        fetcher.fetch(url)
    response = fetcher.fetch(f"{STATIC_BASE}css/portal.css")
    assert b".radar" in response.read()


def test_render_report_command_writes_the_pdf(small_submitted, tmp_path):
    output = tmp_path / "report.pdf"
    call_command("render_report", small_submitted.pk, "--lang", "en", "--output", str(output))
    assert output.read_bytes().startswith(b"%PDF")
    assert "Executive summary" in pdf_text(output.read_bytes(), tmp_path)


MATH_TITLE = r"$\frac{1}{0}$ and $x$"
BROKEN_MATH_TITLE = r"$\sqrt{}$ costs $$ and $\foo$"  # each of these raised in matplotlib's mathtext


def test_dollar_signs_in_titles_and_names_are_drawn_as_typed(client, people, small_framework, tmp_path):
    """matplotlib read `$…$` as mathtext: `\\frac{1}{0}` broke every report of the region for good."""
    people["own"].name = "园区 $\\alpha$"
    people["own"].save()
    earlier = AssessmentFactory(region=people["own"], framework=small_framework, title=MATH_TITLE,
                                status=Assessment.Status.SUBMITTED,
                                submitted_at=timezone.now() - timezone.timedelta(days=30))
    fill(earlier, 1)
    current = AssessmentFactory(region=people["own"], framework=small_framework, title=BROKEN_MATH_TITLE)
    fill(current, 3)
    client.force_login(people["official"])
    for assessment in (earlier, current):
        response = client.get(reverse("report_pdf", args=[assessment.pk]) + "?lang=en")
        assert response.status_code == 200, response.content[:300]
        text = pdf_text(response.content, tmp_path)
        assert MATH_TITLE in text and "园区 $\\alpha$" in text
        if assessment == current:
            assert BROKEN_MATH_TITLE in text


def test_a_failing_chart_gives_the_failure_page_and_nothing_is_cached(client, people, submitted, monkeypatch):
    from django.core.cache import caches

    from assessments import charts

    def broken(**kwargs):
        raise ValueError("a chart that cannot be drawn")

    monkeypatch.setattr(charts, "radar_svg", broken)
    client.force_login(people["official"])
    for _attempt in range(2):
        response = client.get(reverse("report_pdf", args=[submitted.pk]) + "?lang=en")
        assert response.status_code == 503
        assert "reports/failed.html" in [template.name for template in response.templates]
    prepare = client.post(reverse("report_prepare", args=[submitted.pk]) + "?lang=en")
    assert prepare.json()["status"] == "failed"
    assert caches["reports"].get(report_state_key(assessment=submitted, language="en")) is None
