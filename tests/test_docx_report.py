"""The editable Word copy of the report, read back with python-docx as Word would show it: the text,
the heading styles (navigation pane, TOC), the tables, the embedded radar, the fonts, and the
download's scope."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from assessments.docx_report import DOCX_CONTENT_TYPE, render_docx
from assessments.models import Answer, Assessment, PlanItem
from assessments.results import assessment_result
from frameworks.models import Indicator
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db
SECURITY_LOGGER = "sodpa.security"


@pytest.fixture
def submitted(sodpa, people):
    earlier = AssessmentFactory(region=people["own"], framework=sodpa, title="2025 年度自评估",
                                status=Assessment.Status.SUBMITTED,
                                submitted_at=timezone.now() - timezone.timedelta(days=365))
    fill(earlier, 1)
    PlanItem.objects.create(assessment=earlier, action="建立感知终端台账", owner="城管局", target_level=3,
                            target_date=timezone.localdate(),
                            indicator=Indicator.objects.get(subdimension__dimension__framework=sodpa, code="D1.2"))
    assessment = AssessmentFactory(region=people["own"], framework=sodpa, title="2026 年度自评估",
                                   status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(assessment, 3)
    Answer.objects.filter(assessment=assessment, indicator__code="S1.1").update(evidence="《苏州工业园区数字孪生规划》")
    Answer.objects.filter(assessment=assessment, indicator__subdimension__code="O2").update(level=0)
    PlanItem.objects.create(assessment=assessment, action="建设城市信息模型平台", owner="住建局",
                            target_date=timezone.localdate(), target_level=3,
                            indicator=Indicator.objects.get(subdimension__dimension__framework=sodpa, code="O2.1"))
    return assessment


def text_of(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_the_chinese_docx_has_the_whole_report(submitted, sodpa):
    document = Document(io.BytesIO(render_docx(assessment=submitted, language="zh-hans")))
    text = text_of(document)
    result = assessment_result(assessment=submitted)
    for expected in ("苏州工业园区", "2026 年度自评估", "SODPA 数字孪生城市评估平台", "执行摘要",
                     f"{result.card.overall:.1f}", "《苏州工业园区数字孪生规划》", "建设城市信息模型平台", "住建局",
                     "2025 年度自评估", "水平变化", "建立感知终端台账", "城管局"):
        assert expected in text, expected
    for dimension in sodpa.dimensions.all():
        assert f"{dimension.code} {dimension.name_zh}" in text
    for code in Indicator.objects.filter(subdimension__dimension__framework=sodpa).values_list("code", flat=True):
        assert any(cell.text == code for table in document.tables for row in table.rows for cell in row.cells[:1]), code
    # the recommendations with their guide sections
    advice = result.advice
    assert advice.strategy.title in text and f"指引章节 {advice.strategy.guide_section}" in text
    for area in advice.weak_areas:
        assert area.subdimension.measures in text
    assert "O2" in {area.subdimension.code for area in advice.weak_areas}


def test_headings_use_word_styles_for_the_navigation_pane_and_the_toc(submitted, sodpa):
    document = Document(io.BytesIO(render_docx(assessment=submitted, language="en")))
    found = headings(document)
    level_one = [text for style, text in found if style == "Heading 1"]
    assert level_one[0] == "Executive summary"
    assert {"Recommendations", "Appendix: method", "Appendix: comparison with the previous assessment",
            "Improvement plan"} <= set(level_one)
    assert sum(text.startswith(("S ", "O ", "D ", "P ", "A ")) for text in level_one) == 5
    assert ("Heading 2", "S1 " + sodpa.dimensions.get(code="S").subdimensions.get(code="S1").name_en) in found
    body = document.element.body.xml
    assert 'TOC \\o "1-3"' in body  # the table-of-contents field over Heading 1–3
    assert document.settings.element.find(qn("w:updateFields")) is not None


def shown_numbers(document) -> list[tuple[str, str]]:
    """(number, text) of every numbered paragraph as Word shows it: a paragraph's numbering instance
    (its own numPr, else its style's) counts on from the last number of its abstract numbering, unless
    the instance restarts it (a startOverride, applied where the instance is first used)."""
    numbering = document.part.numbering_part.element
    counters: dict[str, int] = {}
    started: set[str] = set()
    shown = []
    for paragraph in document.paragraphs:
        properties = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        if properties is None and paragraph.style.element.pPr is not None:
            properties = paragraph.style.element.pPr.numPr
        if properties is None or properties.numId is None:
            continue
        num_id = properties.numId.val
        num = numbering.num_having_numId(num_id)
        abstract = num.abstractNumId.val
        restart = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        if num_id not in started and restart is not None:
            counters[abstract] = int(restart.get(qn("w:val"))) - 1
        started.add(num_id)
        counters[abstract] = counters.get(abstract, 0) + 1
        shown.append((f"{counters[abstract]}.", paragraph.text))
    return shown


def test_the_priorities_are_numbered_from_1_not_on_from_the_strengths(submitted):
    document = Document(io.BytesIO(render_docx(assessment=submitted, language="en")))
    advice = assessment_result(assessment=submitted).advice
    strengths, priorities = len(advice.strengths), len(advice.weak_areas)
    assert strengths >= 2 and priorities >= 1
    shown = shown_numbers(document)
    assert [number for number, _ in shown] == [f"{n}." for n in range(1, strengths + 1)] + [
        f"{n}." for n in range(1, priorities + 1)]
    assert shown[strengths][1].startswith(advice.weak_areas[0].subdimension.code + " ")
    # two numbering instances, one per list
    ids = {paragraph._p.pPr.numPr.numId.val for paragraph in document.paragraphs
           if paragraph.style.name == "List Number"}
    assert len(ids) == 2


def test_the_radar_is_embedded_and_the_fonts_suit_word_and_wps(submitted):
    document = Document(io.BytesIO(render_docx(assessment=submitted, language="zh-hans")))
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert images and images[0].blob.startswith(b"\x89PNG") and len(images[0].blob) > 20_000
    assert len(document.inline_shapes) == 2  # on the cover and in the summary
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        fonts = document.styles[name].element.rPr.rFonts
        assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:eastAsia"))) == ("Microsoft YaHei", "Microsoft YaHei")
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
    # scores are Word tables, with a header row that repeats on every page
    header = document.tables[1].rows[0]
    assert [cell.text for cell in header.cells] == ["维度", "得分", "水平"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert document.tables[1].rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None  # rows never split


def test_the_english_docx_is_in_english(submitted):
    text = text_of(Document(io.BytesIO(render_docx(assessment=submitted, language="en"))))
    for expected in ("Executive summary", "Strategy and Talent", "Recommendations", "Guide section", "Issued by",
                     "Tier change", "SODPA Portal"):
        assert expected in text, expected
    assert "执行摘要" not in text and "指引章节" not in text


def test_the_issuer_is_a_setting(submitted, settings):
    settings.REPORT_ISSUER = "中国信通院咨询部"
    assert "中国信通院咨询部" in text_of(Document(io.BytesIO(render_docx(assessment=submitted, language="en"))))


def test_the_download_sits_next_to_the_pdf_and_is_scoped(client, people, submitted):
    client.force_login(people["consultant"])
    page = client.get(reverse("results", args=[submitted.pk])).content.decode()
    url = reverse("report_docx", args=[submitted.pk])
    assert f'href="{url}?lang=zh-hans"' in page and f'href="{url}?lang=en"' in page
    response = client.get(url + "?lang=zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="sodpa-report-{submitted.pk}-zh-hans.docx"')
    assert "苏州工业园区" in text_of(Document(io.BytesIO(response.content)))
    assert client.get(url + "?lang=fr").status_code == 400
    client.force_login(people["other_consultant"])
    response = client.get(url + "?lang=zh-hans")
    assert response.status_code == 404 and "苏州工业园区" not in response.content.decode()
    client.logout()
    response = client.get(url + "?lang=zh-hans")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_download_is_logged_as_an_export(client, people, submitted, caplog):
    client.force_login(people["official"])
    with caplog.at_level("INFO", logger=SECURITY_LOGGER):
        client.get(reverse("report_docx", args=[submitted.pk]) + "?lang=en")
    events = [record.security for record in caplog.records if record.getMessage() == "export"]
    assert events == [{"user": people["official"].get_username(), "ip": "127.0.0.1",
                       "path": reverse("report_docx", args=[submitted.pk]), "assessment": submitted.pk,
                       "format": "docx", "language": "en"}]


def test_render_report_command_writes_the_docx(submitted, tmp_path):
    output = tmp_path / "report.docx"
    call_command("render_report", submitted.pk, "--lang", "en", "--format", "docx", "--output", str(output),
                 stdout=io.StringIO())
    assert "Executive summary" in text_of(Document(str(output)))
    # without --format the command writes a PDF: tests/test_reports.py (test_render_report_command_writes_the_pdf)
