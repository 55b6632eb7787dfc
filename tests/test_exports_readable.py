"""The XLSX sheets a person reads: headers and values in the chosen language, scores to one decimal
(the exact values in the data sheet), labels for levels, statuses and tiers, autofilter and frozen
headers, and the portfolio's region × dimension comparison; the data sheets still import back."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Assessment
from assessments.results import score_assessment
from tests.factories import AssessmentFactory, RegionFactory
from tests.test_exports import import_file, make, score_json

pytestmark = pytest.mark.django_db


def rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def export(tmp_path, *args) -> openpyxl.Workbook:
    path = tmp_path / "export.xlsx"
    call_command("export_assessments", "--format", "xlsx", "--output", str(path), *args, stdout=io.StringIO())
    return openpyxl.load_workbook(path)


def test_the_chinese_sheets_have_chinese_headers_labels_and_rounded_scores(sodpa, people, tmp_path):
    assessment = make(people["own"], sodpa)
    card = score_assessment(assessment=Assessment.objects.with_answers().get(pk=assessment.pk))
    book = export(tmp_path, "--assessment", str(assessment.pk), "--lang", "zh-hans")
    assert book.sheetnames == ["answers", "scores", "得分汇总", "作答明细"]
    assert book.active.title == "得分汇总"  # the workbook opens on the sheet a person reads
    summary = book["得分汇总"]
    assert rows(summary)[0] == ("地区", "评估", "状态", "层级", "编码", "名称", "得分", "水平")
    overall = rows(summary)[1]
    assert overall[:4] == ("苏州工业园区", "2026 年度自评估", "已提交", "综合得分")
    assert overall[6] == round(card.overall, 1) and overall[6] != card.overall
    assert summary["G2"].number_format == "0.0"
    assert overall[7] in {"较好", "中等", "较弱"}
    assert (summary.freeze_panes, summary.auto_filter.ref) == ("A2", f"A1:H{summary.max_row}")
    assert summary["A1"].font.bold
    # the exact value stays in the data sheet
    assert rows(book["scores"])[1][7] == pytest.approx(card.overall, abs=1e-12)
    details = {row[2]: row for row in rows(book["作答明细"])[1:]}
    assert rows(book["作答明细"])[0] == ("地区", "评估", "指标", "问题", "等级", "佐证材料")
    assert details["S1.1"][4] == "0 未开展" and details["S4.1"][4] == "不适用"
    assert book["作答明细"].auto_filter.ref and book["answers"].auto_filter.ref


def test_the_english_sheets_are_in_english(sodpa, people, tmp_path):
    assessment = make(people["own"], sodpa, skip=("P4.1",))
    book = export(tmp_path, "--assessment", str(assessment.pk), "--lang", "en")
    assert book.sheetnames == ["answers", "scores", "Score summary", "Answer details"]
    summary = rows(book["Score summary"])
    assert summary[0] == ("Region", "Assessment", "Status", "Score of", "Code", "Name", "Score", "Tier")
    assert summary[1][2:4] == ("Submitted", "Overall")
    assert {row[3] for row in summary[1:]} == {"Overall", "Dimension", "Sub-dimension"}
    assert "Strategy and Talent" in {row[5] for row in summary[1:]}
    details = {row[2]: row for row in rows(book["Answer details"])[1:]}
    assert (details["S1.1"][4], details["S4.1"][4], details["P4.1"][4]) == ("0 Not started", "Not applicable",
                                                                          "Unanswered")


def test_the_workbook_still_imports_back(sodpa, people, tmp_path):
    original = make(people["own"], sodpa)
    export(tmp_path, "--assessment", str(original.pk), "--lang", "en")
    copy = import_file(tmp_path / "export.xlsx", "上海临港新片区")
    assert score_json(copy) == score_json(original.pk)


def test_the_portfolio_workbook_compares_regions_by_dimension(client, sodpa, people):
    own_old = make(people["own"], sodpa, title="园区 2025", offset=1)
    Assessment.objects.filter(pk=own_old.pk).update(submitted_at=timezone.now() - timezone.timedelta(days=300))
    own = make(people["own"], sodpa, title="园区 2026")
    make(people["own"], sodpa, title="园区 2027 草稿", submitted=False)
    other = make(people["other"], sodpa, title="黄山 2026", offset=2)
    blank = AssessmentFactory(region=RegionFactory(name="无锡市梁溪区"), framework=sodpa, title="空白草稿")
    consultant = people["consultant"]  # serves all three regions
    people["other"].consultants.add(consultant)
    blank.region.consultants.add(consultant)
    client.force_login(consultant)
    response = client.get(reverse("portfolio_export_xlsx"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["answers", "scores", "得分汇总", "作答明细", "地区对比"]
    table = rows(book["地区对比"])
    assert table[0][:5] == ("地区", "评估", "提交日期", "综合得分", "综合得分 · 水平")
    assert table[0][5:7] == ("S 战略与人才", "S 战略与人才 · 水平")
    by_region = {row[0]: row for row in table[1:]}
    assert list(by_region) == sorted(["苏州工业园区", "黄山市", "无锡市梁溪区"])
    assert by_region["无锡市梁溪区"][1:5] == ("尚无已提交的评估", None, None, "暂无得分")
    for assessment in (own, other):
        card = score_assessment(assessment=Assessment.objects.with_answers().get(pk=assessment.pk))
        row = by_region[assessment.region.name]
        assert row[1] == assessment.title  # the latest submitted one, not the draft or the older one
        assert row[3] == round(card.overall, 1)
        assert row[5] == round(card.dimension("S").score, 1)
    assert book["地区对比"].auto_filter.ref and book["地区对比"].freeze_panes == "A2"


def test_the_web_workbook_follows_the_ui_language(client, sodpa, people):
    assessment = make(people["own"], sodpa)
    client.force_login(people["consultant"])
    client.cookies["django_language"] = "en"
    with translation.override("zh-hans"):  # the request activates English; don't let it leak into other tests
        response = client.get(reverse("assessment_export_xlsx", args=[assessment.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["answers", "scores", "Score summary", "Answer details"]
