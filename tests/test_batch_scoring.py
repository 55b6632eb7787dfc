"""The pandas batch path on the real SODPA framework gives the numbers of the single path, for
assessments stored in the database (golden examples; the property version is in
test_scoring_properties.py)."""

import io
import json
import math

import pandas as pd
import pytest
from django.core.management import call_command

from assessments.models import Answer
from assessments.queries import batch_scorecards, framework_with_questionnaire
from assessments.scoring import score_answers, score_batch
from assessments.selectors import answer_values
from frameworks.models import Framework, Indicator
from frameworks.spec import framework_spec
from tests.factories import AssessmentFactory


def make_assessment(framework: Framework, values: dict, evidence_only: tuple[str, ...] = ()):
    assessment = AssessmentFactory(framework=framework)
    indicators = {ind.code: ind for ind in Indicator.objects.filter(
        subdimension__dimension__framework=framework)}
    Answer.objects.bulk_create(
        [Answer(assessment=assessment, indicator=indicators[code],
                level=None if value == "na" else value, not_applicable=value == "na")
         for code, value in values.items()]
        + [Answer(assessment=assessment, indicator=indicators[code], evidence="仅有证据")
           for code in evidence_only]
    )
    return assessment


def answers_frame(assessments) -> pd.DataFrame:
    """The batch input as read from the database: one row per stored answer."""
    rows = Answer.objects.filter(assessment__in=assessments).values(
        "assessment", "indicator__code", "level", "not_applicable")
    return pd.DataFrame.from_records(list(rows)).rename(columns={"indicator__code": "indicator"})


def same(single: float | None, batch: float) -> bool:
    if single is None:
        return math.isnan(batch)
    return not math.isnan(batch) and abs(single - batch) < 1e-9


@pytest.fixture
def assessments(sodpa):
    codes = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa)
                 .order_by("subdimension__dimension__order", "subdimension__order", "order")
                 .values_list("code", "allows_na"))
    complete = {code: n % 5 for n, (code, _) in enumerate(codes)}
    with_na = {**complete, **{code: "na" for code, allows_na in codes if allows_na}}
    partial = {code: value for code, value in complete.items() if not code.startswith(("O", "P4"))}
    return {
        "complete": make_assessment(sodpa, complete),
        "with_na": make_assessment(sodpa, with_na),
        "partial": make_assessment(sodpa, partial, evidence_only=("O1.1", "P4.2")),
        "all_top": make_assessment(sodpa, dict.fromkeys(complete, 4)),
        "all_zero": make_assessment(sodpa, dict.fromkeys(complete, 0)),
        "one_answer": make_assessment(sodpa, {"D3.1": 3}),
        "only_na": make_assessment(sodpa, {"S4.1": "na", "D1.4": "na"}),
        "evidence_only": make_assessment(sodpa, {}, evidence_only=("S1.1", "A1.1")),
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_batch_equals_the_single_path_for_every_assessment(sodpa, assessments):
    spec = framework_spec(framework=framework_with_questionnaire(sodpa.pk))
    result = score_batch(spec=spec, answers=answers_frame(assessments.values()))

    assert sorted(result.index) == sorted(a.pk for a in assessments.values())
    subdimension_codes = [sub.code for dim in spec.dimensions for sub in dim.subdimensions]
    assert list(result.columns) == [
        "completion", "overall", "overall_tier",
        "S", "S_tier", "O", "O_tier", "D", "D_tier", "P", "P_tier", "A", "A_tier",
        *subdimension_codes]
    for name, assessment in assessments.items():
        card = score_answers(spec=spec, answers=answer_values(assessment=assessment))
        row = result.loc[assessment.pk]
        assert row["completion"] == pytest.approx(card.completion, abs=1e-12), name
        assert same(card.overall, row["overall"]), name
        assert row["overall_tier"] == card.overall_tier, name
        for dimension in card.dimensions:
            assert same(dimension.score, row[dimension.code]), (name, dimension.code)
            assert row[f"{dimension.code}_tier"] == dimension.tier, (name, dimension.code)
            for code, score in dimension.subdimensions:
                assert same(score, row[code]), (name, code)


@pytest.mark.django_db
def test_batch_golden_values(sodpa, assessments):
    spec = framework_spec(framework=framework_with_questionnaire(sodpa.pk))
    total = len(spec.indicators)
    result = score_batch(spec=spec, answers=answers_frame(assessments.values()))

    top = result.loc[assessments["all_top"].pk]
    assert (top["overall"], top["overall_tier"], top["completion"]) == (100, "advanced", 1)
    zero = result.loc[assessments["all_zero"].pk]
    assert (zero["overall"], zero["overall_tier"]) == (0, "basic")

    one = result.loc[assessments["one_answer"].pk]
    assert (one["overall"], one["D"], one["D3"], one["D_tier"]) == (75, 75, 75, "advanced")
    assert one[["S", "O", "P", "A", "D1"]].isna().all()
    assert one["S_tier"] is None
    assert one["completion"] == pytest.approx(1 / total)

    only_na = result.loc[assessments["only_na"].pk]
    assert math.isnan(only_na["overall"]) and only_na["overall_tier"] is None
    assert only_na["completion"] == pytest.approx(2 / total)

    nothing = result.loc[assessments["evidence_only"].pk]
    assert nothing["completion"] == 0 and math.isnan(nothing["overall"])

    # evidence without a level is not an answer: O and P4 stay unanswered
    partial = result.loc[assessments["partial"].pk]
    answered = sum(1 for ind in spec.indicators if not ind.code.startswith(("O", "P4")))
    assert partial["completion"] == pytest.approx(answered / total)
    assert math.isnan(partial["O"]) and math.isnan(partial["P4"])
    assert not math.isnan(partial["P"])


@pytest.mark.postgres
@pytest.mark.django_db
def test_batch_matches_the_score_command(sodpa, assessments):
    spec = framework_spec(framework=framework_with_questionnaire(sodpa.pk))
    result = score_batch(spec=spec, answers=answers_frame(assessments.values()))
    for assessment in assessments.values():
        out = io.StringIO()
        call_command("score", str(assessment.pk), "--format", "json", stdout=out)
        printed = json.loads(out.getvalue())
        row = result.loc[assessment.pk]
        assert same(printed["overall"]["score"], row["overall"])
        for code, dimension in printed["dimensions"].items():
            assert same(dimension["score"], row[code])
            for sub_code, score in dimension["subdimensions"].items():
                assert same(score, row[sub_code])


@pytest.mark.postgres
@pytest.mark.django_db
def test_batch_scorecards_equal_the_single_path_on_the_real_framework(sodpa, assessments):
    """The path of the portfolio, exports, history and peers: stored answers read as integer rows and
    scored as one matrix give every assessment the card that scoring it alone gives."""
    spec = framework_spec(framework=framework_with_questionnaire(sodpa.pk))
    cards = batch_scorecards(assessments.values())
    for name, assessment in assessments.items():
        single = score_answers(spec=spec, answers=answer_values(assessment=assessment))
        assert _close(cards[assessment.pk], single), name


def _close(batch, single) -> bool:
    return (batch.answered, batch.overall_tier) == (single.answered, single.overall_tier) and (
        same(single.overall, math.nan if batch.overall is None else batch.overall)) and all(
        one.tier == other.tier and same(other.score, math.nan if one.score is None else one.score)
        and all(same(b, math.nan if a is None else a) for (_, a), (_, b) in zip(one.subdimensions, other.subdimensions,
                                                                                  strict=True))
        for one, other in zip(batch.dimensions, single.dimensions, strict=True))
