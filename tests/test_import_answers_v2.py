"""`import_answers` on a version-2 framework: scores match a hand computation from the exported
weights (sub-dimension aggregation) for a city and for a park; "na" is refused where the region's
kind may not use it and without a reason; `framework_version` picks the version."""

import io
import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Assessment, Region
from tests.helpers import load_sample_v2

CITY = {"name": "黄山市", "kind": "city", "city_type": "tourism"}
PARK = {"name": "苏州工业园区", "kind": "park", "city_type": "industrial"}
# S2.1 allows "na" for districts and parks only; S1.2 and P2.1 stay unanswered.
ANSWERS = {"S1.1": 3, "O1.1": 2, "O1.2": 4, "O2.1": 1, "D1.1": 4, "D1.2": 0, "D2.1": 2,
           "P1.1": 1, "P1.2": 3, "A1.1": 0, "A1.2": 0, "A2.1": 4}


@pytest.fixture
def sample(db):
    return load_sample_v2()


def import_file(tmp_path, data: dict, *args) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_answers", str(path), *args, stdout=out)
    return out.getvalue().splitlines()[-1]


def score(assessment_id: str) -> dict:
    out = io.StringIO()
    call_command("score", assessment_id, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def hand_score(exported: dict, answers: dict) -> dict[str, float | None]:
    """Version 2 by hand: sub-dimension = weighted mean of its answered indicators, dimension =
    weighted mean of its scored sub-dimensions, overall = weighted mean of the dimensions."""
    dimensions = {}
    for dim in exported["dimensions"]:
        subs = []
        for sub in dim["subdimensions"]:
            pairs = [(ind["weight"], answers[ind["code"]] * 25) for ind in sub["indicators"]
                     if isinstance(answers.get(ind["code"]), int)]
            if pairs:
                subs.append((sub["weight"], sum(w * s for w, s in pairs) / sum(w for w, _ in pairs)))
        mean = sum(w * s for w, s in subs) / sum(w for w, _ in subs) if subs else None
        dimensions[dim["code"]] = (dim["weight"], mean) if subs else None
    present = [v for v in dimensions.values() if v]
    return {"overall": sum(w * s for w, s in present) / sum(w for w, _ in present),
            **{code: v[1] if v else None for code, v in dimensions.items()}}


def exported() -> dict:
    out = io.StringIO()
    call_command("export_framework", "sample-v2", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("region", "extra", "expected"), [
    (PARK, {"S2.1": "na"}, {"overall": 56.0, "S": 75.0, "O": 50.0, "D": 50.0, "P": 55.0, "A": 50.0}),
    (CITY, {"S2.1": 2}, {"overall": 53.5, "S": 62.5, "O": 50.0, "D": 50.0, "P": 55.0, "A": 50.0}),
])
def test_version_2_scores_match_the_hand_computation(sample, tmp_path, region, extra, expected):
    answers = {**ANSWERS, **extra}
    data = {"framework": "sample-v2", "region": region, "answers": answers,
            "evidence": {"S2.1": "园区不承担该职能，由市级统筹。"}}
    card = score(import_file(tmp_path, data))
    assert card["version"] == 2
    by_hand = hand_score(exported(), answers)
    assert by_hand == pytest.approx(expected, abs=0.01)
    assert card["overall"]["score"] == pytest.approx(expected["overall"], abs=0.01)
    for code in "SODPA":
        assert card["dimensions"][code]["score"] == pytest.approx(expected[code], abs=0.01)
    assert math.isclose(card["completion"], (len(answers)) / 15)


def test_na_is_refused_for_a_kind_that_may_not_use_it_and_without_a_reason(sample, tmp_path):
    data = {"framework": "sample-v2", "region": CITY,
            "answers": {**ANSWERS, "S2.1": "na", "O2.1": "na"}, "evidence": {"S2.1": "市里没有"}}
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, data)
    assert str(error.value).splitlines()[1:] == [
        '  answers.O2.1: O2.1 does not allow "na" (not applicable)',
        '  answers.S2.1: S2.1 allows "na" (not applicable) only for district, park, not for a city',
    ]
    park = {**data, "region": PARK, "answers": {**ANSWERS, "S2.1": "na"}, "evidence": {"S2.1": "  "}}
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, park)
    assert str(error.value).splitlines()[1:] == [
        '  answers.S2.1: S2.1 is "na" (not applicable) without a reason: give the reason in its evidence',
    ]
    assert (Assessment.objects.count(), Region.objects.count()) == (0, 0)


def test_an_existing_region_is_judged_by_its_own_kind(sample, tmp_path):
    Region.objects.create(**CITY)
    data = {"framework": "sample-v2", "region": {**CITY, "kind": "park"}, "answers": {"S2.1": "na"},
            "evidence": {"S2.1": "理由"}}
    with pytest.raises(CommandError, match="only for district, park, not for a city"):
        import_file(tmp_path, data)


def test_framework_version_picks_an_older_version(sample, tmp_path):
    from frameworks.versions import new_draft_version, publish

    publish(framework=new_draft_version(framework=sample))
    data = {"framework": "sample-v2", "framework_version": 2, "region": PARK, "answers": {"S1.1": 2}}
    assessment = Assessment.objects.get(pk=import_file(tmp_path, data))
    assert assessment.framework.version == 2 == sample.version
    latest = Assessment.objects.get(pk=import_file(tmp_path, {**data, "framework_version": None}))
    assert latest.framework.version == 3


def test_unknown_or_malformed_framework_version_is_named(sample, tmp_path):
    data = {"framework": "sample-v2", "framework_version": 7, "region": PARK, "answers": {"S1.1": 2}}
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, data)
    assert "framework_version: 'sample-v2' has no published version 7; published: 2" in str(error.value)
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, {**data, "framework_version": "2"})
    assert "framework_version: must be a version number (1, 2, …), got '2'" in str(error.value)


def test_csv_takes_the_version_from_the_option(sodpa, sample, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("indicator,level,evidence\nS1.1,3,规划文件\nS4.1,na,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_answers", str(path), "--framework", "sodpa-2023", "--framework-version", "1",
                 "--region", "某园区", "--kind", "park", "--city-type", "port", stdout=out)
    assessment = Assessment.objects.get(pk=out.getvalue().splitlines()[-1])
    # version 1 keeps its rules: "na" for any kind, no reason needed
    assert (assessment.framework.version, assessment.answers.get(indicator__code="S4.1").not_applicable) == (1, True)


@pytest.mark.parametrize("region", [CITY, PARK], ids=["city", "park"])
def test_real_version_2_scores_match_the_hand_computation(sodpa_v2, tmp_path, region):
    out = io.StringIO()
    call_command("export_framework", "sodpa-2023", stdout=out)
    document = json.loads(out.getvalue())
    answers, evidence = {}, {}
    codes = [ind for dim in document["dimensions"] for sub in dim["subdimensions"] for ind in sub["indicators"]]
    for position, indicator in enumerate(codes):
        if position % 7 == 3:
            continue  # unanswered
        if region["kind"] in indicator["na_kinds"]:
            answers[indicator["code"]], evidence[indicator["code"]] = "na", "本区域不承担该职能。"
        else:
            answers[indicator["code"]] = position % 5
    card = score(import_file(tmp_path, {"framework": "sodpa-2023", "region": region, "answers": answers,
                                        "evidence": evidence}))
    by_hand = hand_score(document, answers)
    assert card["version"] == 2
    assert card["overall"]["score"] == pytest.approx(by_hand["overall"], abs=0.01)
    for code, value in by_hand.items():
        if code != "overall":
            assert (card["dimensions"][code]["score"] or 0) == pytest.approx(value or 0, abs=0.01)
