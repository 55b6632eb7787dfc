"""Results page and PDF of a version-2 assessment: the share of each dimension's weight that N/A
removed (marked above a third), and a method appendix with the level rule, the aggregation and the
reason for every weight."""

import subprocess

import pytest
from django.urls import reverse

from assessments.reports import render_report
from tests.factories import AssessmentFactory, answer
from tests.helpers import load_sample_v2

pytestmark = pytest.mark.django_db


@pytest.fixture
def park_assessment(people):
    sample = load_sample_v2()
    region = people["own"]
    region.kind = "park"
    region.save(update_fields=["kind"])
    assessment = AssessmentFactory(region=region, framework=sample, title="2026 自评估")
    for code, value in {"S1.1": 3, "S1.2": 2, "O1.1": 2, "D1.1": 4, "P1.2": 3, "A2.1": 1}.items():
        answer(assessment, code, value)
    answer(assessment, "S2.1", "na", evidence="园区不承担该职能，由市级统筹。")
    return assessment


def test_results_show_the_weight_na_removed_and_mark_more_than_a_third(client, people, park_assessment):
    client.force_login(people["official"])
    response = client.get(reverse("results", args=[park_assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    rows = {row["dimension"].code: row for row in response.context["rows"]}
    assert (rows["S"]["na_share"], rows["S"]["na_flag"]) == (0.5, True)
    assert rows["O"]["na_share"] == 0
    assert "“Not applicable” removed 50% of its weight — more than a third: read this score with care" in page
    assert page.count("na-share") == 1


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_pdf_method_appendix_states_rule_aggregation_and_weight_reasons(park_assessment, tmp_path):
    text = _text(render_report(assessment=park_assessment, language="en"), tmp_path)
    assert ("A level is reached only when all of its criteria and those of every lower level hold; "
            "otherwise choose the lower level.") in text
    assert "a dimension's score is the weighted mean of its sub-dimension scores by sub-dimension weight" in text
    assert "The guide names the roles of the five dimensions and ranks none." in text
    assert "D1 Data sub-dimension 1 · Weight 2 — D1 is weighted as the guide frames it." in text
    assert "Indicator P1.2, weight 1.50 — The guide stresses simulation as a core capability." in text
    assert "removed 50% of its weight — more than a third" in text
    assert "Ch. 2 (1)" in text and "二(一)" not in text


def test_chinese_pdf_states_the_rule_in_chinese(park_assessment, tmp_path):
    text = _text(render_report(assessment=park_assessment, language="zh-hans"), tmp_path).replace(" ", "")
    assert "只有当某一级及其以下各级的全部判定条件都满足时，才算达到该级；否则选择较低的一级。" in text
    assert "“不适用”去掉了其50%的权重" in text
