"""`score ID`: the JSON and table outputs, unrounded scores, null dimensions, unknown ids."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory, answer, build_framework

# S1 = (1×100 + 2×25) / 3 = 50, S2 = 50, S = (100 + 50 + 50) / 4 = 50;
# D = (1.5×75 + 1×0) / 2.5 = 45; overall = (2×50 + 1×45) / 3 = 145/3 = 48.333…
SHAPE = {"S": {"S1": [(1, False), (2, False)], "S2": [(1, True)]},
         "D": {"D1": [(1.5, True), (1, True)]}}
ANSWERS = {"S1.1": 4, "S1.2": 1, "S2.1": 2, "D1.1": 3, "D1.2": 0}


def assessment_with(answers: dict, **framework_fields):
    framework = build_framework(SHAPE, dimension_weights={"S": 2, "D": 1}, **framework_fields)
    assessment = AssessmentFactory(framework=framework, region=RegionFactory(name="梁溪区"))
    for code, value in answers.items():
        answer(assessment, code, value)
    return assessment


def score(*args) -> str:
    out = io.StringIO()
    call_command("score", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_json_has_exactly_the_documented_keys(sodpa):
    assessment = AssessmentFactory(framework=sodpa)
    answer(assessment, "S1.1", 3)
    data = json.loads(score(assessment.pk, "--format", "json"))
    assert set(data) == {"assessment", "framework", "version", "completion", "overall", "dimensions"}
    assert (data["assessment"], data["framework"], data["version"]) == (assessment.pk, "sodpa-2023", 1)
    assert set(data["overall"]) == {"score", "tier"}
    assert list(data["dimensions"]) == ["S", "O", "D", "P", "A"]
    for dimension in data["dimensions"].values():
        assert set(dimension) == {"score", "tier", "subdimensions"}
    assert list(data["dimensions"]["S"]["subdimensions"]) == ["S1", "S2", "S3", "S4"]
    assert list(data["dimensions"]["D"]["subdimensions"]) == ["D1", "D2", "D3", "D4", "D5"]


@pytest.mark.django_db
def test_a_partial_assessment_has_a_provisional_score(sodpa):
    assessment = AssessmentFactory(framework=sodpa)
    answer(assessment, "S1.1", 3)
    answer(assessment, "S4.1", "na")
    data = json.loads(score(assessment.pk, "--format", "json"))
    assert data["overall"] == {"score": 75.0, "tier": "advanced"}
    assert data["dimensions"]["S"]["subdimensions"] == {"S1": 75.0, "S2": None, "S3": None, "S4": None}
    assert data["dimensions"]["O"] == {"score": None, "tier": None,
                                       "subdimensions": {"O1": None, "O2": None, "O3": None}}
    total = Indicator.objects.filter(subdimension__dimension__framework=sodpa).count()
    assert data["completion"] == pytest.approx(2 / total)


@pytest.mark.django_db
def test_scores_are_unrounded_floats():
    assessment = assessment_with(ANSWERS)
    data = json.loads(score(assessment.pk, "--format", "json"))
    assert data["overall"] == {"score": 145 / 3, "tier": "intermediate"}
    assert data["overall"]["score"] != round(145 / 3, 2)
    assert data["dimensions"] == {
        "S": {"score": 50.0, "tier": "intermediate", "subdimensions": {"S1": 50.0, "S2": 50.0}},
        "D": {"score": 45.0, "tier": "intermediate", "subdimensions": {"D1": 45.0}},
    }
    assert data["completion"] == 1.0


@pytest.mark.django_db
def test_a_dimension_with_only_na_answers_is_null_and_left_out_of_the_overall():
    assessment = assessment_with({"S1.1": 1, "S1.2": 1, "S2.1": 1, "D1.1": "na", "D1.2": "na"})
    data = json.loads(score(assessment.pk, "--format", "json"))
    assert data["dimensions"]["D"] == {"score": None, "tier": None, "subdimensions": {"D1": None}}
    # overall is S alone (25), not (2×25 + 1×0) / 3
    assert data["overall"] == {"score": 25.0, "tier": "basic"}
    assert data["completion"] == 1.0


@pytest.mark.django_db
def test_an_assessment_without_answers_has_no_score_rather_than_zero():
    assessment = assessment_with({})
    data = json.loads(score(assessment.pk, "--format", "json"))
    assert data["overall"] == {"score": None, "tier": None}
    assert data["completion"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("advanced", "intermediate", "tier"),
    [(70, 40, "intermediate"), (48, 30, "advanced"), (80, 48.4, "basic")],
)
def test_tiers_use_the_frameworks_thresholds_on_the_unrounded_score(advanced, intermediate, tier):
    # 48.333… rounds to 48.33 for people, but it is above 48 and below 48.4
    assessment = assessment_with(ANSWERS, tier_advanced=advanced, tier_intermediate=intermediate)
    data = json.loads(score(assessment.pk, "--format", "json"))
    assert data["overall"]["tier"] == tier


@pytest.mark.django_db
def test_table_shows_the_overall_line_and_every_subdimension():
    assessment = assessment_with(ANSWERS)
    lines = score(assessment.pk, "--format", "table").splitlines()
    assert lines[0].startswith(f"梁溪区 – {assessment.title} — {assessment.framework.code} v1, ")
    assert lines[0].endswith(", completion 100%")
    assert lines[1:] == [
        "         score  tier",
        "overall   48.33  intermediate",
        "S        50.00  intermediate",
        "  S1     50.00  intermediate",
        "  S2     50.00  intermediate",
        "D        45.00  intermediate",
        "  D1     45.00  intermediate",
    ]


@pytest.mark.django_db
def test_table_is_the_default_and_shows_missing_scores_as_dashes():
    assessment = assessment_with({"S1.1": 4, "D1.1": "na", "D1.2": "na"})
    lines = score(assessment.pk).splitlines()
    assert lines[0].endswith(", completion 60%")
    assert lines[2:] == [
        "overall  100.00  advanced",
        "S       100.00  advanced",
        "  S1    100.00  advanced",
        "  S2         —  —",
        "D            —  —",
        "  D1         —  —",
    ]


@pytest.mark.django_db
def test_table_of_the_real_framework_lists_all_twenty_subdimensions(sodpa):
    assessment = AssessmentFactory(framework=sodpa)
    answer(assessment, "A4.3", 2)
    lines = score(assessment.pk, "--format", "table").splitlines()
    assert "overall   50.00  intermediate" in lines
    codes = [line.split()[0] for line in lines[3:] if line.startswith("  ")]
    assert codes == ["S1", "S2", "S3", "S4", "O1", "O2", "O3", "D1", "D2", "D3", "D4", "D5",
                     "P1", "P2", "P3", "P4", "A1", "A2", "A3", "A4"]
    assert "  A4     50.00  intermediate" in lines


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_an_unknown_assessment_is_refused(fmt):
    with pytest.raises(CommandError) as error:
        score(999999, "--format", fmt)
    assert str(error.value) == "No assessment with id 999999"


@pytest.mark.django_db
def test_an_unknown_format_is_refused():
    assessment = assessment_with(ANSWERS)
    with pytest.raises(CommandError, match="invalid choice: 'csv'"):
        score(assessment.pk, "--format", "csv")
