"""The committed SODPA fixture: complete, ordered as in the guide, bilingual, and in sync with
fixtures/source; and the source validator names every problem it finds."""

import copy
import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from frameworks.content import read_source, validate_document
from frameworks.models import (
    Case,
    EcosystemAdvice,
    FeatureScene,
    Framework,
    Indicator,
    SceneType,
    SubDimension,
    TierAdvice,
)

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source" / "sodpa-2023"
SUBDIMENSIONS = {
    "S": ["S1", "S2", "S3", "S4"],
    "O": ["O1", "O2", "O3"],
    "D": ["D1", "D2", "D3", "D4", "D5"],
    "P": ["P1", "P2", "P3", "P4"],
    "A": ["A1", "A2", "A3", "A4"],
}
CHAPTERS = {"S": "二", "O": "三", "D": "四", "P": "五", "A": "六"}
NUMERALS = "一二三四五六七八九十"
# Han ideographs, CJK punctuation and full-width forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.fixture
def sodpa(db) -> Framework:
    call_command("loaddata", "sodpa-2023", stdout=io.StringIO())
    return Framework.objects.with_questionnaire().get(code="sodpa-2023")


def indicators_of(framework: Framework) -> list[Indicator]:
    return [
        ind
        for dim in framework.dimensions.all()
        for sub in dim.subdimensions.all()
        for ind in sub.indicators.all()
    ]


def assert_bilingual(obj, *fields: str) -> None:
    """Non-empty in both languages; Chinese text has CJK characters, English text has none."""
    for name in fields:
        zh, en = getattr(obj, f"{name}_zh"), getattr(obj, f"{name}_en")
        assert zh.strip(), f"{obj}: {name}_zh is empty"
        assert en.strip(), f"{obj}: {name}_en is empty"
        assert CJK.search(zh), f"{obj}: {name}_zh has no Chinese: {zh!r}"
        assert not CJK.search(en), f"{obj}: {name}_en contains {CJK.findall(en)}: {en!r}"


# --- the questionnaire ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_fixture_is_one_published_framework(sodpa):
    assert list(Framework.objects.values_list("code", "version", "status")) == [
        ("sodpa-2023", 1, "published")
    ]
    assert (sodpa.tier_advanced, sodpa.tier_intermediate) == (70, 40)
    assert_bilingual(sodpa, "name")


@pytest.mark.django_db
def test_dimensions_and_subdimensions_are_those_of_the_guide_in_order(sodpa):
    dimensions = list(sodpa.dimensions.all())
    assert [dim.code for dim in dimensions] == ["S", "O", "D", "P", "A"]
    assert {
        dim.code: [sub.code for sub in dim.subdimensions.all()] for dim in dimensions
    } == SUBDIMENSIONS
    assert SubDimension.objects.count() == 20


@pytest.mark.django_db
def test_guide_sections_follow_the_guide_chapters(sodpa):
    for dim in sodpa.dimensions.all():
        chapter = CHAPTERS[dim.code]
        assert dim.guide_section == chapter
        for number, sub in enumerate(dim.subdimensions.all(), start=1):
            assert sub.guide_section == f"{chapter}({NUMERALS[number - 1]})", sub.code
            for ind in sub.indicators.all():
                assert ind.guide_section.startswith(f"{chapter}("), ind.code


@pytest.mark.django_db
def test_two_to_four_indicators_per_subdimension_with_consecutive_codes(sodpa):
    for dim in sodpa.dimensions.all():
        for sub in dim.subdimensions.all():
            codes = [ind.code for ind in sub.indicators.all()]
            assert 2 <= len(codes) <= 4, f"{sub.code} has {len(codes)} indicators"
            assert codes == [f"{sub.code}.{n}" for n in range(1, len(codes) + 1)]
    total = len(indicators_of(sodpa))
    assert 40 <= total <= 80
    assert Indicator.objects.count() == total


@pytest.mark.django_db
def test_weights_are_positive(sodpa):
    assert all(dim.weight > 0 for dim in sodpa.dimensions.all())
    assert all(ind.weight > 0 for ind in indicators_of(sodpa))


@pytest.mark.django_db
def test_every_indicator_has_five_distinct_bilingual_level_descriptors(sodpa):
    for ind in indicators_of(sodpa):
        levels = list(ind.levels.all())
        assert [lv.level for lv in levels] == [0, 1, 2, 3, 4], ind.code
        for language in ("zh", "en"):
            texts = [getattr(lv, f"text_{language}").strip() for lv in levels]
            assert all(texts), f"{ind.code}: empty {language} descriptor"
            assert len(set(texts)) == 5, f"{ind.code}: {language} descriptors are not distinct"
        for lv in levels:
            assert_bilingual(lv, "text")


@pytest.mark.django_db
def test_every_questionnaire_text_is_written_in_both_languages(sodpa):
    for dim in sodpa.dimensions.all():
        assert_bilingual(dim, "name", "description")
        for sub in dim.subdimensions.all():
            assert_bilingual(sub, "name", "measures")
            for ind in sub.indicators.all():
                assert_bilingual(ind, "question")
                # Help texts explain the guide's key terms: English help may quote them in Chinese.
                assert ind.help_zh.strip() and ind.help_en.strip(), ind.code


# --- recommendation content ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "section"), [("strategy", "七(一)"), ("scene_step", "六(四)")])
def test_one_strategy_and_one_scene_step_per_tier(sodpa, kind, section):
    advice = list(TierAdvice.objects.filter(framework=sodpa, kind=kind))
    assert sorted(a.tier for a in advice) == ["advanced", "basic", "intermediate"]
    for item in advice:
        assert item.guide_section == section
        assert_bilingual(item, "title", "body")


@pytest.mark.django_db
def test_eight_priority_scene_types_the_first_four_mature(sodpa):
    scenes = list(SceneType.objects.filter(framework=sodpa).prefetch_related("dimensions"))
    assert [s.number for s in scenes] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [s.number for s in scenes if s.mature] == [1, 2, 3, 4]
    for scene in scenes:
        assert scene.guide_section == "六(三)"
        assert_bilingual(scene, "name", "description")
        codes = {d.code for d in scene.dimensions.all()}
        assert codes and codes <= set(SUBDIMENSIONS), scene.number
        assert all(d.framework_id == sodpa.pk for d in scene.dimensions.all())


@pytest.mark.django_db
def test_feature_scenes_for_each_city_type_and_ecosystem_advice(sodpa):
    features = list(FeatureScene.objects.filter(framework=sodpa))
    assert sorted(f.city_type for f in features) == [
        "comprehensive",
        "industrial",
        "port",
        "tourism",
    ]
    ecosystem = list(EcosystemAdvice.objects.filter(framework=sodpa))
    assert len(ecosystem) >= 2
    for item in features + ecosystem:
        assert item.guide_section in {"七(二)", "七(三)"}
        assert_bilingual(item, "title", "body")


@pytest.mark.django_db
def test_thirteen_cases_each_linked_to_existing_subdimensions(sodpa):
    cases = list(Case.objects.filter(framework=sodpa).prefetch_related("subdimensions__dimension"))
    assert [c.number for c in cases] == list(range(1, 14))
    all_codes = {code for codes in SUBDIMENSIONS.values() for code in codes}
    for case in cases:
        linked = list(case.subdimensions.all())
        assert linked, f"case {case.number} illustrates no sub-dimension"
        assert {sub.code for sub in linked} <= all_codes
        assert all(sub.dimension.framework_id == sodpa.pk for sub in linked)
        assert_bilingual(case, "title", "summary")


# --- source and build ----------------------------------------------------------------------


def test_the_committed_fixture_is_built_from_the_source():
    out = io.StringIO()
    call_command("build_framework_fixture", "sodpa-2023", "--check", stdout=out)
    assert out.getvalue().strip().splitlines()[0].endswith("sodpa-2023.json is up to date")


def test_the_source_document_is_valid():
    assert validate_document(read_source(SOURCE)) == []


def _indicator(document, index=0):
    return document["dimensions"][0]["subdimensions"][0]["indicators"][index]


def _drop_english_question(document):
    del _indicator(document)["question"]["en"]


def _four_levels(document):
    _indicator(document)["levels"].pop()


def _zero_weight(document):
    _indicator(document, 1)["weight"] = 0


def _duplicate_code(document):
    _indicator(document, 1)["code"] = "S1.1"


def _equal_thresholds(document):
    document["tiers"] = {"advanced": 50, "intermediate": 50}


def _swapped_thresholds(document):
    document["tiers"] = {"advanced": 40, "intermediate": 70}


def _case_with_unknown_subdimension(document):
    document["recommendations"]["cases"][0]["subdimensions"] = ["S1", "X9"]


TIERS_RULE = "tiers: thresholds must satisfy 0 < intermediate < advanced ≤ 100"
UNKNOWN_CASE_LINK = (
    "recommendations.cases[1]: subdimensions must be existing sub-dimension codes, got ['S1', 'X9']"
)


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (_drop_english_question, "S1.1: question.en is missing or empty"),
        (
            _four_levels,
            "S1.1: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order",
        ),
        (_zero_weight, "S1.2: weight must be a positive number, got 0"),
        (_duplicate_code, "S1.1: indicator code is used twice"),
        (
            _equal_thresholds,
            f"{TIERS_RULE}, got intermediate=50, advanced=50",
        ),
        (
            _swapped_thresholds,
            f"{TIERS_RULE}, got intermediate=70, advanced=40",
        ),
        (
            _case_with_unknown_subdimension,
            UNKNOWN_CASE_LINK,
        ),
    ],
)
def test_validate_document_names_the_problem(breakage, message):
    document = copy.deepcopy(read_source(SOURCE))
    breakage(document)
    assert validate_document(document) == [message]


def test_validate_document_lists_every_problem():
    document = copy.deepcopy(read_source(SOURCE))
    for breakage in (_drop_english_question, _zero_weight, _case_with_unknown_subdimension):
        breakage(document)
    assert validate_document(document) == [
        "S1.1: question.en is missing or empty",
        "S1.2: weight must be a positive number, got 0",
        UNKNOWN_CASE_LINK,
    ]


@pytest.fixture
def fixtures_copy(tmp_path):
    """A private copy of fixtures/ with BASE_DIR pointing at it, so the build may write."""
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures", tmp_path / "fixtures")
    with override_settings(BASE_DIR=tmp_path):
        yield tmp_path / "fixtures"


def test_check_fails_when_the_source_changed_after_the_build(fixtures_copy):
    source = fixtures_copy / "source" / "sodpa-2023" / "framework.json"
    source.write_text(
        source.read_text(encoding="utf-8").replace('"advanced": 70', '"advanced": 75'),
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError,
        match=r"sodpa-2023\.json is out of date: run manage.py "
        r"build_framework_fixture sodpa-2023",
    ):
        call_command("build_framework_fixture", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("build_framework_fixture", stdout=out)
    assert out.getvalue().startswith(f"wrote {fixtures_copy / 'sodpa-2023.json'}: ")
    assert '"tier_advanced": 75.0' in (fixtures_copy / "sodpa-2023.json").read_text(
        encoding="utf-8"
    )
    call_command("build_framework_fixture", "--check", stdout=io.StringIO())


def test_an_invalid_source_is_refused_and_the_fixture_left_alone(fixtures_copy):
    before = (fixtures_copy / "sodpa-2023.json").read_text(encoding="utf-8")
    source = fixtures_copy / "source" / "sodpa-2023" / "framework.json"
    source.write_text(
        source.read_text(encoding="utf-8").replace('"advanced": 70', '"advanced": 30'),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("build_framework_fixture", stdout=io.StringIO())
    assert str(error.value) == (
        "The source is invalid:\ntiers: thresholds must satisfy 0 < intermediate < advanced ≤ 100, "
        "got intermediate=40, advanced=30"
    )
    assert (fixtures_copy / "sodpa-2023.json").read_text(encoding="utf-8") == before
