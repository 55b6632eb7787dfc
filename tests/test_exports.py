"""Exports: the answers and scores tables on the real SODPA framework, the XLSX and CSV files, the
`export_assessments` command, and the round trip through `import_answers` to the same scores."""

import io
import json

import openpyxl
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import exports
from assessments.models import Answer, Assessment
from assessments.results import score_assessment
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory

pytestmark = pytest.mark.django_db

NA = ("S4.1", "D1.4", "A1.3")  # indicators of the real framework that allow "not applicable"
EVIDENCE = {"S1.1": "《园区数字孪生规划（2024—2026）》", "D2.1": "数据资源目录 v3\n第二行",
            "P1.1": 'Quoted "text", with a comma'}
ANSWER_COLUMNS = ["region", "assessment_id", "assessment_title", "indicator", "question", "level",
                  "not_applicable", "evidence"]
SCORE_COLUMNS = ["region", "assessment_id", "assessment_title", "status", "level", "code", "name", "score",
                 "tier"]


def indicators(framework) -> list[Indicator]:
    return list(Indicator.objects.filter(subdimension__dimension__framework=framework))


def make(region, framework, *, title="2026 年度自评估", submitted=True, skip=(), evidence=EVIDENCE,
         offset=0) -> Assessment:
    """Levels cycle 0–4 over the indicators (shifted by `offset`), NA where allowed, `skip` unanswered."""
    assessment = AssessmentFactory(
        region=region, framework=framework, title=title,
        status=Assessment.Status.SUBMITTED if submitted else Assessment.Status.DRAFT,
        submitted_at=timezone.now() if submitted else None)
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=indicator, level=None if indicator.code in NA else (n + offset) % 5,
               not_applicable=indicator.code in NA, evidence=evidence.get(indicator.code, ""))
        for n, indicator in enumerate(indicators(framework)) if indicator.code not in skip
    )
    return assessment


def score_json(assessment_id: int) -> dict:
    out = io.StringIO()
    call_command("score", assessment_id, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    del data["assessment"]
    return data


def import_file(path, region: str) -> int:
    out = io.StringIO()
    call_command("import_answers", str(path), "--region", region, "--kind", "city", "--city-type", "port",
                 stdout=out)
    return int(out.getvalue().strip().splitlines()[-1])


def stored_answers(assessment_id: int) -> list[tuple]:
    return sorted(Answer.objects.filter(assessment_id=assessment_id).values_list(
        "indicator__code", "level", "not_applicable", "evidence"))


def test_answers_frame_has_a_row_for_every_indicator(sodpa, people):
    assessment = make(people["own"], sodpa, skip=("P4.1",))
    frame = exports.answers_frame(Assessment.objects.filter(pk=assessment.pk))
    codes = [indicator.code for indicator in indicators(sodpa)]
    assert list(frame.columns) == ANSWER_COLUMNS
    assert len(frame) == len(codes) == 60
    assert frame["indicator"].tolist() == codes
    rows = frame.set_index("indicator")
    s11 = rows.loc["S1.1"]
    question = Indicator.objects.get(subdimension__dimension__framework=sodpa, code="S1.1").question_zh
    assert (s11["region"], s11["assessment_id"], s11["assessment_title"], s11["question"], s11["level"],
            s11["not_applicable"], s11["evidence"]) == (
        "苏州工业园区", assessment.pk, "2026 年度自评估", question, 0, False, "《园区数字孪生规划（2024—2026）》")
    assert (rows.loc["S4.1", "level"], rows.loc["S4.1", "not_applicable"]) == ("na", True)
    assert (rows.loc["P4.1", "level"], rows.loc["P4.1", "not_applicable"], rows.loc["P4.1", "evidence"]) == (
        None, False, "")
    # levels are whole numbers, never 3.0
    assert {type(value) for value in frame["level"] if value not in (None, "na")} == {int}


def test_answers_frame_questions_follow_the_active_language(sodpa, people):
    assessment = make(people["own"], sodpa)
    with translation.override("en"):
        frame = exports.answers_frame([Assessment.objects.select_related("region").get(pk=assessment.pk)])
    s11 = Indicator.objects.get(subdimension__dimension__framework=sodpa, code="S1.1")
    assert frame.set_index("indicator").loc["S1.1", "question"] == s11.question_en


def test_scores_frame_has_overall_dimension_and_subdimension_rows(sodpa, people):
    complete = make(people["own"], sodpa)
    empty = AssessmentFactory(region=people["other"], framework=sodpa, title="空白草稿")
    frame = exports.scores_frame(Assessment.objects.filter(pk__in=[complete.pk, empty.pk]).order_by("pk"))
    assert list(frame.columns) == SCORE_COLUMNS
    assert len(frame) == 2 * (1 + 5 + 20)
    mine = frame[frame["assessment_id"] == complete.pk]
    assert mine["code"].tolist() == [
        "overall", "S", "S1", "S2", "S3", "S4", "O", "O1", "O2", "O3", "D", "D1", "D2", "D3", "D4", "D5",
        "P", "P1", "P2", "P3", "P4", "A", "A1", "A2", "A3", "A4"]
    assert mine["level"].value_counts().to_dict() == {"overall": 1, "dimension": 5, "sub-dimension": 20}
    assert set(mine["status"]) == {"submitted"} and set(mine["region"]) == {"苏州工业园区"}
    card = score_assessment(assessment=Assessment.objects.with_answers().get(pk=complete.pk))
    rows = mine.set_index("code")
    assert rows.loc["overall", "score"] == pytest.approx(card.overall)
    assert rows.loc["overall", "tier"] == card.overall_tier
    assert rows.loc["overall", "name"] == "综合得分"
    for dimension in card.dimensions:
        assert rows.loc[dimension.code, "score"] == pytest.approx(dimension.score)
        assert rows.loc[dimension.code, "tier"] == dimension.tier
        for code, score in dimension.subdimensions:
            assert rows.loc[code, "score"] == pytest.approx(score)
            assert rows.loc[code, "tier"] == card.subdimension_tier(code)
    blank = frame[frame["assessment_id"] == empty.pk]
    assert blank["score"].isna().all() and set(blank["tier"]) == {None}
    assert set(blank["status"]) == {"draft"}


@pytest.mark.postgres
def test_tables_take_a_constant_number_of_queries(sodpa, people):
    counts = []
    for size in (1, 5):
        ids = [make(RegionFactory(), sodpa, offset=n).pk for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            answers, scores = exports.frames(Assessment.objects.filter(pk__in=ids))
        assert len(answers) == 60 * size and len(scores) == 26 * size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7


def test_xlsx_has_an_answers_and_a_scores_sheet(sodpa, people, tmp_path):
    assessment = make(people["own"], sodpa, evidence={**EVIDENCE, "S1.2": "=HYPERLINK(\"http://x\")"})
    answers, scores = exports.frames(Assessment.objects.filter(pk=assessment.pk))
    path = tmp_path / "export.xlsx"
    exports.write_xlsx(path, answers, scores)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["answers", "scores", "得分汇总", "作答明细"]  # then the sheets a person reads
    sheet = book["answers"]
    assert [cell.value for cell in sheet[1]] == ANSWER_COLUMNS
    assert sheet.max_row == 61
    assert (sheet["A2"].value, sheet["D2"].value, sheet["F2"].value, sheet["H2"].value) == (
        "苏州工业园区", "S1.1", 0, EVIDENCE["S1.1"])
    s12 = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == "S1.2")
    assert (s12[7].value, s12[7].data_type) == ("=HYPERLINK(\"http://x\")", "s")  # text, not a formula
    s41 = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == "S4.1")
    assert (s41[5].value, s41[6].value) == ("na", True)
    assert [cell.value for cell in book["scores"][1]] == SCORE_COLUMNS
    assert book["scores"].max_row == 27


def test_downloaded_xlsx_imports_back_to_the_same_scores(client, sodpa, people, tmp_path):
    original = make(people["own"], sodpa)
    client.force_login(people["consultant"])
    response = client.get(reverse("assessment_export_xlsx", args=[original.pk]))
    assert response.status_code == 200
    path = tmp_path / "download.xlsx"
    path.write_bytes(response.content)
    copy = import_file(path, "上海临港新片区")
    assert copy != original.pk
    assert Assessment.objects.get(pk=copy).region.name == "上海临港新片区"
    assert score_json(copy) == score_json(original.pk)
    assert stored_answers(copy) == stored_answers(original.pk)  # levels, N/A and evidence


def test_exported_xlsx_of_an_incomplete_assessment_imports_back(sodpa, people, tmp_path):
    original = make(people["own"], sodpa, submitted=False, skip=("P4.1", "O2.1"),
                    evidence={**EVIDENCE, "P4.1": "仅有证据，尚未作答"})
    # an evidence-only answer: no level, but the evidence must survive the round trip
    Answer.objects.create(assessment=original, evidence="仅有证据，尚未作答",
                          indicator=Indicator.objects.get(subdimension__dimension__framework=sodpa, code="P4.1"))
    path = tmp_path / "draft.xlsx"
    call_command("export_assessments", "--format", "xlsx", "--output", str(path), "--assessment", str(original.pk),
                 stdout=io.StringIO())
    copy = import_file(path, "无锡市梁溪区")
    assert score_json(copy) == score_json(original.pk)
    assert score_json(copy)["completion"] == pytest.approx(58 / 60)
    assert stored_answers(copy) == stored_answers(original.pk)


def test_csv_export_writes_two_files_and_the_answers_import_back(sodpa, people, tmp_path):
    original = make(people["own"], sodpa)
    out = io.StringIO()
    call_command("export_assessments", "--format", "csv", "--output", str(tmp_path / "sodpa.csv"),
                 "--assessment", str(original.pk), stdout=out)
    answers_path, scores_path = tmp_path / "sodpa-answers.csv", tmp_path / "sodpa-scores.csv"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sodpa-answers.csv", "sodpa-scores.csv"]
    assert out.getvalue().splitlines() == [
        "exported 1 assessment(s): 60 answer rows, 26 score rows", str(answers_path), str(scores_path)]
    raw = answers_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfregion,assessment_id,assessment_title,indicator,question,level,")
    assert f"\r\n苏州工业园区,{original.pk},2026 年度自评估,S4.1," in raw.decode("utf-8-sig")
    assert scores_path.read_text(encoding="utf-8-sig").splitlines()[1].startswith(
        f"苏州工业园区,{original.pk},2026 年度自评估,submitted,overall,overall,综合得分,")
    copy = import_file(answers_path, "上海临港新片区")
    assert score_json(copy) == score_json(original.pk)
    assert stored_answers(copy) == stored_answers(original.pk)


def test_csv_base_path_without_suffix(sodpa, people, tmp_path):
    make(people["own"], sodpa)
    call_command("export_assessments", "--format", "csv", "--output", str(tmp_path / "all"), stdout=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all-answers.csv", "all-scores.csv"]


def test_csv_cells_that_would_be_formulas_are_neutralised(sodpa, people):
    assessment = make(people["own"], sodpa, evidence={"S1.1": "=1+1", "S1.2": "- 第一项", "S1.3": "+86 电话",
                                                      "S2.1": "@SUM(A1)", "S2.2": "-cmd", "S2.3": "普通文字 =1"})
    text = exports.csv_bytes(exports.answers_frame(Assessment.objects.filter(pk=assessment.pk))).decode("utf-8-sig")
    assert ",'=1+1\r\n" in text and ",'- 第一项\r\n" in text and ",'+86 电话\r\n" in text
    assert ",'@SUM(A1)\r\n" in text and ",'-cmd\r\n" in text and ",普通文字 =1\r\n" in text


@pytest.mark.parametrize("value", [
    "=1+1", "+A1", "-1+1", "@SUM(A1)", "- bullet", "-", "\t=1", "\r=1", "\tcmd", "\rcmd",
    "＝1+1", "＋1", "－1", "＠SUM(A1)",  # fullwidth, as typed with a Chinese input method
    " =1+1", "\u3000=1+1", "\u00a0+1", "\n=1",  # after whitespace the spreadsheet trims
    "\u200b=1+1", "\u200d@A1", "\u2060-1", "\ufeff=1+1", "\u202e=1+1", "\u200e\u200b ＝1",  # invisible
], ids=repr)
def test_every_cell_a_spreadsheet_would_evaluate_gets_an_apostrophe(value):
    assert exports.guard_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["", "普通文字", "a=1", "S1.1", "-5", "+3.5", "100", "'=already", "《规划》-2026"],
                         ids=repr)
def test_plain_text_and_numbers_are_left_alone(value):
    assert exports.guard_formula(value) == value


def test_a_guarded_cell_imports_back_with_its_apostrophe(sodpa, people, tmp_path):
    """Documented in README.md: the apostrophe is part of the text after a CSV round trip."""
    original = make(people["own"], sodpa, evidence={"S1.1": "=HYPERLINK(\"http://x\")", "S1.3": "普通文字"})
    call_command("export_assessments", "--format", "csv", "--output", str(tmp_path / "r"),
                 "--assessment", str(original.pk), stdout=io.StringIO())
    copy = import_file(tmp_path / "r-answers.csv", "上海临港新片区")
    evidence = dict(Answer.objects.filter(assessment_id=copy, indicator__code__in=["S1.1", "S1.3"])
                    .values_list("indicator__code", "evidence"))
    assert evidence == {"S1.1": "'=HYPERLINK(\"http://x\")", "S1.3": "普通文字"}


def test_command_exports_every_assessment_or_one_region(sodpa, people, tmp_path):
    make(people["own"], sodpa, title="园区 2026")
    make(people["other"], sodpa, title="黄山 2026", offset=2)
    make(people["other"], sodpa, title="黄山 2027 草稿", submitted=False, skip=("A4.1",))
    everything, huangshan = tmp_path / "all.xlsx", tmp_path / "huangshan.xlsx"
    call_command("export_assessments", "--format", "xlsx", "--output", str(everything), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_assessments", "--format", "xlsx", "--output", str(huangshan), "--region", "黄山市",
                 stdout=out)
    assert out.getvalue().splitlines() == ["exported 2 assessment(s): 120 answer rows, 52 score rows",
                                           str(huangshan)]
    all_answers = pd.read_excel(everything, sheet_name="answers")
    assert all_answers.groupby("region")["assessment_title"].unique().map(sorted).to_dict() == {
        "苏州工业园区": ["园区 2026"], "黄山市": ["黄山 2026", "黄山 2027 草稿"]}
    region_answers = pd.read_excel(huangshan, sheet_name="answers")
    region_scores = pd.read_excel(huangshan, sheet_name="scores")
    assert set(region_answers["region"]) == set(region_scores["region"]) == {"黄山市"}
    assert len(region_answers) == 120


def test_command_refuses_an_unknown_region(sodpa, people, tmp_path):
    make(people["own"], sodpa)
    with pytest.raises(CommandError, match="unknown region '杭州市'"):
        call_command("export_assessments", "--format", "xlsx", "--output", str(tmp_path / "x.xlsx"),
                     "--region", "杭州市")
    assert list(tmp_path.iterdir()) == []


def test_command_refuses_an_unknown_assessment(sodpa, people, tmp_path):
    own = make(people["own"], sodpa)
    with pytest.raises(CommandError, match=f"no assessment with id {own.pk} in region '黄山市'"):
        call_command("export_assessments", "--format", "csv", "--output", str(tmp_path / "x"),
                     "--region", "黄山市", "--assessment", str(own.pk))
    assert list(tmp_path.iterdir()) == []
