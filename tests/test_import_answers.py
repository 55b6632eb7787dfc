"""`import_answers`: JSON, CSV and XLSX answer files become assessments whose scores match a hand
computation from the exported weights; bad files are refused with every problem named, and
nothing is written."""

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.models import Answer, Assessment, Region, StatusChange
from tests.factories import AssessmentFactory, RegionFactory

REGION = {"name": "苏州工业园区", "kind": "park", "city_type": "industrial"}
TABLE_REGION = [
    "--region",
    REGION["name"],
    "--kind",
    REGION["kind"],
    "--city-type",
    REGION["city_type"],
]
# Typical level per dimension, cycled over its indicators: S advanced, O basic, the rest between.
PROFILE = {
    "S": (4, 3, 4, 3),
    "O": (0, 1, 1, 2),
    "D": (2, 3, 2, 1),
    "P": (3, 4, 2, 3),
    "A": (1, 2, 3, 2),
}
# Left unanswered in the "unanswered" case: the whole of P4, and single indicators elsewhere.
UNANSWERED = {"S1.2", "O2.1", "O2.3", "D3.1", "P4.1", "P4.2", "A2.4"}


@pytest.fixture
def exported(sodpa) -> dict:
    out = io.StringIO()
    call_command("export_framework", "sodpa-2023", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def indicators(exported: dict) -> list[tuple[str, dict]]:
    """(dimension code, indicator) for every indicator, in order."""
    return [
        (dim["code"], ind)
        for dim in exported["dimensions"]
        for sub in dim["subdimensions"]
        for ind in sub["indicators"]
    ]


def answer_set(exported: dict, case: str) -> dict:
    """Indicator code → level, "na" or None for the golden cases."""
    answers, position = {}, {}
    for dim_code, ind in indicators(exported):
        n = position[dim_code] = position.get(dim_code, -1) + 1
        answers[ind["code"]] = PROFILE[dim_code][n % 4]
    if case == "na":
        allowing = [ind["code"] for _, ind in indicators(exported) if ind["allows_na"]]
        assert len(allowing) >= 4
        answers.update(dict.fromkeys(allowing, "na"))
    elif case == "unanswered":
        answers.update(dict.fromkeys(UNANSWERED))
    return answers


# --- an independent, straightforward hand computation from the exported document --------------


def hand_scores(exported: dict, answers: dict) -> dict:
    advanced, intermediate = exported["tiers"]["advanced"], exported["tiers"]["intermediate"]

    def tier(score):
        if score is None:
            return None
        return (
            "advanced"
            if score >= advanced
            else "intermediate"
            if score >= intermediate
            else "basic"
        )

    total = answered = 0
    dimensions = {}
    overall_sum = overall_weight = 0.0
    for dim in exported["dimensions"]:
        dim_sum = dim_weight = 0.0
        subs = {}
        for sub in dim["subdimensions"]:
            sub_sum = sub_weight = 0.0
            for ind in sub["indicators"]:
                total += 1
                value = answers.get(ind["code"])
                if value is None:
                    continue
                answered += 1
                if value == "na":
                    continue
                sub_sum += ind["weight"] * value / 4 * 100
                sub_weight += ind["weight"]
            subs[sub["code"]] = sub_sum / sub_weight if sub_weight else None
            dim_sum += sub_sum
            dim_weight += sub_weight
        score = dim_sum / dim_weight if dim_weight else None
        if score is not None:
            overall_sum += dim["weight"] * score
            overall_weight += dim["weight"]
        dimensions[dim["code"]] = {"score": score, "tier": tier(score), "subdimensions": subs}
    overall = overall_sum / overall_weight if overall_weight else None
    return {
        "completion": answered / total,
        "overall": {"score": overall, "tier": tier(overall)},
        "dimensions": dimensions,
    }


def assert_close(actual, expected, where: str) -> None:
    if expected is None:
        assert actual is None, where
    else:
        assert actual == pytest.approx(expected, abs=0.01), where


def assert_scores_match(printed: dict, expected: dict) -> None:
    assert_close(printed["completion"], expected["completion"], "completion")
    assert_close(printed["overall"]["score"], expected["overall"]["score"], "overall")
    assert printed["overall"]["tier"] == expected["overall"]["tier"]
    assert list(printed["dimensions"]) == list(expected["dimensions"])
    for code, dim in expected["dimensions"].items():
        assert_close(printed["dimensions"][code]["score"], dim["score"], code)
        assert printed["dimensions"][code]["tier"] == dim["tier"], code
        assert list(printed["dimensions"][code]["subdimensions"]) == list(dim["subdimensions"])
        for sub_code, score in dim["subdimensions"].items():
            assert_close(printed["dimensions"][code]["subdimensions"][sub_code], score, sub_code)


# --- writing answer files -------------------------------------------------------------------------


def write_json(path: Path, **data) -> Path:
    path.write_text(
        json.dumps({"framework": "sodpa-2023", "region": REGION, **data}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


def write_csv(path: Path, rows: list[list], header=("indicator", "level", "evidence")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    frame = pd.DataFrame(rows, columns=["indicator", "level", "evidence"], dtype=object)
    frame.to_excel(path, index=False)
    return path


def write_answer_file(tmp_path: Path, fmt: str, answers: dict, evidence: dict) -> tuple[Path, list]:
    """The answer file in `fmt` and the command options it needs."""
    if fmt == "json":
        return write_json(
            tmp_path / "answers.json", title="2026 年度自评估", answers=answers, evidence=evidence
        ), []
    rows = [
        [code, "" if value is None else value, evidence.get(code, "")]
        for code, value in answers.items()
    ]
    options = [*TABLE_REGION, "--title", "2026 年度自评估"]
    if fmt == "csv":
        return write_csv(tmp_path / "answers.csv", rows), options
    xlsx_rows = [
        [code, None if value is None else value, evidence.get(code)]
        for code, value in answers.items()
    ]
    return write_xlsx(tmp_path / "answers.xlsx", xlsx_rows), options


def run_import(path: Path, *options) -> tuple[int, str]:
    out = io.StringIO()
    call_command("import_answers", str(path), *options, stdout=out)
    return int(out.getvalue().strip().splitlines()[-1]), out.getvalue()


def printed_scores(assessment_id: int) -> dict:
    out = io.StringIO()
    call_command("score", str(assessment_id), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


# --- importing ------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_file_becomes_a_draft_assessment_whose_id_is_the_last_line(
    sodpa, exported, tmp_path, fmt
):
    answers = answer_set(exported, "unanswered")
    evidence = {"S1.1": "《园区数字孪生规划（2024—2026）》", "D1.1": "智慧杆塔建设台账, 2025"}
    path, options = write_answer_file(tmp_path, fmt, answers, evidence)

    assessment_id, output = run_import(path, *options)

    assessment = Assessment.objects.get(pk=assessment_id)
    given = {code: value for code, value in answers.items() if value is not None}
    assert output.splitlines()[0] == (
        f"imported {path} as assessment {assessment_id} of 苏州工业园区 "
        f"({assessment.get_status_display()}, {len(given)} answers)"
    )
    assert (assessment.region.name, assessment.framework, assessment.title, assessment.status) == (
        "苏州工业园区",
        sodpa,
        "2026 年度自评估",
        "draft",
    )
    assert assessment.submitted_at is None
    stored = {a.indicator.code: a.value for a in assessment.answers.select_related("indicator")}
    assert stored == given
    assert (
        Answer.objects.get(assessment=assessment, indicator__code="S1.1").evidence
        == evidence["S1.1"]
    )
    assert (
        Answer.objects.get(assessment=assessment, indicator__code="D1.1").evidence
        == evidence["D1.1"]
    )
    assert Answer.objects.get(assessment=assessment, indicator__code="S1.3").evidence == ""


@pytest.mark.django_db
def test_a_new_region_is_created_with_its_kind_and_city_type(sodpa, tmp_path):
    path = write_json(
        tmp_path / "a.json",
        region={"name": "  宁波市  ", "kind": "city", "city_type": "port"},
        answers={"S1.1": 2},
    )
    assessment_id, _ = run_import(path)
    region = Region.objects.get()
    assert (region.name, region.kind, region.city_type) == ("宁波市", "city", "port")
    assert Assessment.objects.get(pk=assessment_id).region == region


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_existing_region_is_reused_and_left_as_it_was(sodpa, tmp_path, fmt):
    region = RegionFactory(name="苏州工业园区", kind="district", city_type="comprehensive")
    earlier = AssessmentFactory(region=region, framework=sodpa)
    if fmt == "json":
        path, options = write_json(tmp_path / "a.json", answers={"S1.1": 2}), []
    else:  # only the name is needed for a region that exists
        path, options = (
            write_csv(tmp_path / "a.csv", [["S1.1", "2", ""]]),
            ["--region", "苏州工业园区"],
        )
    assessment_id, _ = run_import(path, *options)
    assert Region.objects.count() == 1
    region.refresh_from_db()
    assert (region.kind, region.city_type) == ("district", "comprehensive")
    assert set(region.assessments.values_list("pk", flat=True)) == {earlier.pk, assessment_id}


@pytest.mark.django_db
def test_the_title_defaults_to_the_framework_and_date(sodpa, tmp_path):
    assessment_id, _ = run_import(write_json(tmp_path / "a.json", answers={"S1.1": 2}))
    title = Assessment.objects.get(pk=assessment_id).title
    assert title.startswith("sodpa-2023 20") and len(title) == len("sodpa-2023 2026-01-01")


@pytest.mark.django_db
def test_evidence_without_a_level_is_kept_on_an_unanswered_indicator(sodpa, exported, tmp_path):
    path = write_json(
        tmp_path / "a.json",
        answers={"S1.1": 3, "S1.2": None},
        evidence={"S1.2": "规划编制中 / plan being drafted"},
    )
    assessment_id, _ = run_import(path)
    answer = Answer.objects.get(assessment_id=assessment_id, indicator__code="S1.2")
    assert (answer.level, answer.not_applicable, answer.evidence) == (
        None,
        False,
        "规划编制中 / plan being drafted",
    )
    assert printed_scores(assessment_id)["completion"] == pytest.approx(
        1 / len(indicators(exported))
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_complete_file_can_be_submitted(sodpa, exported, tmp_path, fmt):
    answers = answer_set(exported, "na")
    path, options = write_answer_file(tmp_path, fmt, answers, {})
    if fmt == "json":
        path = write_json(path, answers=answers, submit=True)
    else:
        options.append("--submit")
    assessment_id, _ = run_import(path, *options)
    assessment = Assessment.objects.get(pk=assessment_id)
    assert assessment.status == "submitted" and assessment.submitted_at is not None
    assert list(
        StatusChange.objects.filter(assessment=assessment).values_list("status", "note")
    ) == [("submitted", "import_answers")]
    assert printed_scores(assessment_id)["completion"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "stored"),
    [("3", 3), (" 4 ", 4), ("NA", "na"), ("n/a", "na"), ("", None)],
)
def test_csv_levels_as_people_write_them(sodpa, tmp_path, raw, stored):
    path = write_csv(tmp_path / "a.csv", [["S4.1", raw, ""], ["S1.1", "1", ""]])
    assessment_id, _ = run_import(path, *TABLE_REGION)
    values = {a.indicator.code: a.value for a in Answer.objects.filter(assessment_id=assessment_id)}
    assert values.get("S4.1") == stored


@pytest.mark.django_db
def test_csv_header_may_have_a_byte_order_mark_capitals_and_extra_columns(sodpa, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("\ufeffIndicator,Level,Evidence,Notes\nS1.1,3,规划文件,x\n", encoding="utf-8")
    assessment_id, _ = run_import(path, *TABLE_REGION)
    answer = Answer.objects.get(assessment_id=assessment_id)
    assert (answer.indicator.code, answer.level, answer.evidence) == ("S1.1", 3, "规划文件")


@pytest.mark.django_db
def test_empty_rows_are_skipped_and_line_numbers_are_those_of_the_file(sodpa, tmp_path):
    """A blank line, a multi-line quoted evidence and an empty row (as spreadsheets export) do
    not shift the line numbers a problem is reported at."""
    path = tmp_path / "a.csv"
    path.write_text(
        'indicator,level,evidence\nS1.1,3,"第一行\n第二行"\n\nS1.2,9,\n,,\nS1.3,x,\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        run_import(path, *TABLE_REGION)
    assert str(error.value).splitlines()[1:] == [
        '  line 5 (S1.2): level must be 0, 1, 2, 3, 4 or "na", got 9',
        "  line 7 (S1.3): level must be 0, 1, 2, 3, 4 or \"na\", got 'x'",
    ]
    path.write_text(
        'indicator,level,evidence\nS1.1,3,"第一行\n第二行"\n\nS1.2,2,\n,,\n', encoding="utf-8"
    )
    assessment_id, _ = run_import(path, *TABLE_REGION)
    assert (
        Answer.objects.get(assessment_id=assessment_id, indicator__code="S1.1").evidence
        == "第一行\n第二行"
    )
    assert Answer.objects.filter(assessment_id=assessment_id).count() == 2


@pytest.mark.django_db
def test_xlsx_rows_are_reported_by_their_sheet_row(sodpa, tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", [["S1.1", 3, None], [None, None, None], ["S1.2", 7, None]]
    )
    with pytest.raises(CommandError) as error:
        run_import(path, *TABLE_REGION)
    assert str(error.value).splitlines()[1:] == [
        '  line 4 (S1.2): level must be 0, 1, 2, 3, 4 or "na", got 7'
    ]


# --- golden scores --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
@pytest.mark.parametrize("case", ["complete", "na", "unanswered"])
def test_scores_of_an_imported_file_match_a_hand_computation(sodpa, exported, tmp_path, case, fmt):
    answers = answer_set(exported, case)
    path, options = write_answer_file(tmp_path, fmt, answers, {"S1.1": "证据"})
    assessment_id, _ = run_import(path, *options)

    printed = printed_scores(assessment_id)
    expected = hand_scores(exported, answers)

    assert (printed["assessment"], printed["framework"], printed["version"]) == (
        assessment_id,
        "sodpa-2023",
        1,
    )
    assert_scores_match(printed, expected)
    # the cases exercise what they are meant to
    assert {dim["tier"] for dim in expected["dimensions"].values()} == {
        "advanced",
        "intermediate",
        "basic",
    }
    if case == "unanswered":
        total = len(indicators(exported))
        assert printed["completion"] == pytest.approx((total - len(UNANSWERED)) / total)
        assert printed["dimensions"]["P"]["subdimensions"]["P4"] is None
    else:
        assert printed["completion"] == 1


@pytest.mark.django_db
def test_hand_computation_of_a_few_values(sodpa, exported):
    """The hand computation itself, checked on numbers worked out on paper."""
    answers = {"S1.1": 4, "S1.2": 1, "S1.3": 2, "S4.1": "na", "S4.2": 3, "O1.1": 0}
    expected = hand_scores(exported, answers)
    # S1: weights 1, 1.5, 1 → (100 + 1.5×25 + 50) / 3.5 = 53.571…
    assert expected["dimensions"]["S"]["subdimensions"]["S1"] == pytest.approx(187.5 / 3.5)
    # S: S1's three and S4.2 (75): (187.5 + 75) / 4.5 = 58.33…
    assert expected["dimensions"]["S"]["score"] == pytest.approx(262.5 / 4.5)
    assert expected["dimensions"]["O"]["score"] == 0
    assert expected["dimensions"]["D"]["score"] is None
    assert expected["overall"] == {"score": pytest.approx((262.5 / 4.5 + 0) / 2), "tier": "basic"}
    assert expected["completion"] == pytest.approx(6 / len(indicators(exported)))


# --- bad input ------------------------------------------------------------------------------------


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def _answers(**answers) -> str:
    return _json({"framework": "sodpa-2023", "region": REGION, "answers": answers})


BAD_FILES = [
    pytest.param(
        "a.json",
        _json({"framework": "sodpa-2099", "region": REGION, "answers": {"S1.1": 3}}),
        [],
        ["framework: no published framework 'sodpa-2099'"],
        id="unknown-framework",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": 3, "X9.9": 2}),
        [],
        ["answers.X9.9: unknown indicator code 'X9.9'"],
        id="unknown-indicator",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": 5}),
        [],
        ['answers.S1.1: level must be 0, 1, 2, 3, 4 or "na", got 5'],
        id="level-5",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": -1}),
        [],
        ['answers.S1.1: level must be 0, 1, 2, 3, 4 or "na", got -1'],
        id="level-minus-1",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": "x"}),
        [],
        ["answers.S1.1: level must be 0, 1, 2, 3, 4 or \"na\", got 'x'"],
        id="level-x",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": 2.5}),
        [],
        ['answers.S1.1: level must be 0, 1, 2, 3, 4 or "na", got 2.5'],
        id="level-2.5",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": True}),
        [],
        ['answers.S1.1: level must be 0, 1, 2, 3, 4 or "na", got True'],
        id="level-true",
    ),
    pytest.param(
        "a.json",
        _answers(**{"S1.1": "na"}),
        [],
        ['answers.S1.1: S1.1 does not allow "na" (not applicable)'],
        id="na-not-allowed",
    ),
    pytest.param(
        "a.json",
        '{\n  "framework": "sodpa-2023",\n  "answers": {"S1.1": 3,}\n}',
        [],
        ["malformed JSON at line 3, column 25: Expecting property name enclosed in double quotes"],
        id="malformed-json",
    ),
    pytest.param(
        "a.json",
        '[{"S1.1": 3}]',
        [],
        ["malformed file: the JSON must be an object"],
        id="json-list",
    ),
    pytest.param(
        "a.json",
        _json({"framework": "sodpa-2023", "region": REGION, "answers": [3]}),
        [],
        ["answers: must be an object mapping indicator codes to levels"],
        id="answers-list",
    ),
    pytest.param(
        "a.json",
        _json({"framework": "sodpa-2023", "region": "苏州", "answers": {"S1.1": 3}}),
        [],
        [
            "region: must be an object with name, kind and city_type",
            "region.name: the region needs a name",
            "region.kind: must be one of city, district, park, got None",
            "region.city_type: must be one of port, industrial, tourism, comprehensive, got None",
        ],
        id="region-string",
    ),
    pytest.param(
        "a.json",
        _json(
            {
                "framework": "sodpa-2023",
                "region": REGION,
                "answers": {"S1.1": 3},
                "evidence": {"Y1.1": "证据"},
            }
        ),
        [],
        ["evidence.Y1.1: unknown indicator code 'Y1.1'"],
        id="evidence-unknown-code",
    ),
    pytest.param(
        "a.json",
        _json(
            {"framework": "sodpa-2023", "region": REGION, "answers": {"S1.1": 3}, "submit": "yes"}
        ),
        [],
        ["submit: must be true or false, got 'yes'"],
        id="submit-not-bool",
    ),
    pytest.param(
        "a.csv",
        "indicator,evidence\nS1.1,规划\n",
        TABLE_REGION,
        ["malformed file: missing column(s) level; expected indicator, level, evidence"],
        id="csv-missing-level-column",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\nS1.2,2,\nS1.1,4,\n",
        TABLE_REGION,
        ["line 4: S1.1 is answered twice (first at line 2)"],
        id="csv-duplicate-indicator",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\nX9.9,2,\n",
        TABLE_REGION,
        ["line 3: unknown indicator code 'X9.9'"],
        id="csv-unknown-indicator",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\nS1.2,3.5,\n",
        TABLE_REGION,
        ["line 3 (S1.2): level must be 0, 1, 2, 3, 4 or \"na\", got '3.5'"],
        id="csv-level-3.5",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\n,2,\n",
        TABLE_REGION,
        ["line 3: indicator code is empty"],
        id="csv-empty-code",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,a,b\n",
        TABLE_REGION,
        ["line 2: 4 fields, but the header has 3: indicator, level, evidence"],
        id="csv-extra-field",
    ),
    pytest.param(
        "a.csv", "", TABLE_REGION, ["malformed file a.csv: the file is empty"], id="csv-empty"
    ),
    pytest.param(
        "a.csv",
        b"indicator,level\nS1.1,\xff\n",
        TABLE_REGION,
        [
            "malformed file a.csv: 'utf-8' codec can't decode byte 0xff in position 21: "
            "invalid start byte"
        ],
        id="csv-not-utf8",
    ),
    pytest.param(
        "answers.txt",
        "S1.1 3\n",
        TABLE_REGION,
        ["answers.txt: unknown file type '.txt'; use .json, .csv or .xlsx"],
        id="unknown-extension",
    ),
    pytest.param("a.xlsx", "not a spreadsheet", TABLE_REGION,
                 ["a.xlsx: not an Excel workbook (.xlsx) although it is named so"], id="xlsx-not-a-spreadsheet"),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\n",
        ["--region", "新区", "--city-type", "port"],
        ["region.kind: must be one of city, district, park, got None"],
        id="new-region-without-kind",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\n",
        ["--kind", "city", "--city-type", "port"],
        ["region.name: the region needs a name"],
        id="table-without-region",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\n",
        ["--region", "新区", "--kind", "town", "--city-type", "port"],
        ["region.kind: must be one of city, district, park, got 'town'"],
        id="unknown-region-kind",
    ),
    pytest.param(
        "a.csv",
        "indicator,level,evidence\nS1.1,3,\n",
        [*TABLE_REGION, "--framework", "sodpa-2099"],
        ["framework: no published framework 'sodpa-2099'"],
        id="csv-unknown-framework",
    ),
]


@pytest.fixture
def counts():
    def current():
        return (
            Region.objects.count(),
            Assessment.objects.count(),
            Answer.objects.count(),
            StatusChange.objects.count(),
        )

    return current


@pytest.fixture
def existing(sodpa):
    """Something already in the database, so "unchanged" is not trivially "empty"."""
    assessment = AssessmentFactory(
        region=RegionFactory(name="黄山市", city_type="tourism"), framework=sodpa
    )
    Answer.objects.create(
        assessment=assessment,
        indicator=sodpa.dimensions.first().subdimensions.first().indicators.first(),
        level=2,
    )
    return assessment


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "options", "problems"), BAD_FILES)
def test_bad_input_is_refused_naming_the_problem_and_nothing_is_written(
    existing, counts, tmp_path, name, content, options, problems
):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = counts()

    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *options, stdout=io.StringIO())

    lines = str(error.value).splitlines()
    if problems is None:  # the reader's own words; the file and the kind of problem are named
        assert lines[0] == f"{path}: 1 problem(s), nothing was imported:"
        assert lines[1].startswith(f"  malformed file {name}: ")
    else:
        assert lines[0] == f"{path}: {len(problems)} problem(s), nothing was imported:"
        assert [line.strip() for line in lines[1:]] == problems
    assert counts() == before


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_submitting_with_unanswered_indicators_is_refused(
    sodpa, exported, existing, counts, tmp_path, fmt
):
    answers = answer_set(exported, "unanswered")
    path, options = write_answer_file(tmp_path, fmt, answers, {})
    if fmt == "json":
        path = write_json(path, answers=answers, submit=True)
    else:
        options.append("--submit")
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *options, stdout=io.StringIO())
    missing = [ind["code"] for _, ind in indicators(exported) if ind["code"] in UNANSWERED]
    assert str(error.value).splitlines()[1:] == [
        f"  submit: only a complete assessment can be submitted; {len(missing)} unanswered: "
        + ", ".join(missing)
    ]
    assert counts() == before


@pytest.mark.django_db
def test_a_missing_file_is_refused(sodpa, counts, tmp_path):
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(tmp_path / "nowhere.json"), stdout=io.StringIO())
    assert str(error.value) == f"{tmp_path / 'nowhere.json'}: no such file"
    assert counts() == before


@pytest.mark.django_db
def test_every_problem_of_a_file_is_listed_in_one_message(existing, counts, tmp_path):
    path = write_json(
        tmp_path / "a.json",
        region={"name": "新区"},
        answers={"S1.1": 5, "S1.2": "na", "S1.3": "x", "X9.9": 1, "S4.1": "na"},
        evidence={"Y1.1": "证据"},
        submit=True,
    )
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), stdout=io.StringIO())
    lines = str(error.value).splitlines()
    assert lines[0] == f"{path}: 8 problem(s), nothing was imported:"
    assert [line.strip() for line in lines[1:-1]] == [
        'answers.S1.1: level must be 0, 1, 2, 3, 4 or "na", got 5',
        "answers.S1.3: level must be 0, 1, 2, 3, 4 or \"na\", got 'x'",
        "region.kind: must be one of city, district, park, got None",
        "region.city_type: must be one of port, industrial, tourism, comprehensive, got None",
        'answers.S1.2: S1.2 does not allow "na" (not applicable)',
        "answers.X9.9: unknown indicator code 'X9.9'",
        "evidence.Y1.1: unknown indicator code 'Y1.1'",
    ]
    assert lines[-1].startswith(
        "  submit: only a complete assessment can be submitted; 58 unanswered: S1.1, S1.3, S2.1"
    )
    assert counts() == before


@pytest.mark.django_db
def test_every_problem_of_a_table_is_listed_with_its_line(existing, counts, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["S1.1", "7", ""],
            ["S1.2", "na", ""],
            ["Q1.1", "2", ""],
            ["S1.1", "3", ""],
            ["S4.1", "na", "不适用"],
        ],
    )
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *TABLE_REGION, stdout=io.StringIO())
    assert str(error.value).splitlines() == [
        f"{path}: 4 problem(s), nothing was imported:",
        '  line 2 (S1.1): level must be 0, 1, 2, 3, 4 or "na", got 7',
        "  line 5: S1.1 is answered twice (first at line 2)",
        '  line 3: S1.2 does not allow "na" (not applicable)',
        "  line 4: unknown indicator code 'Q1.1'",
    ]
    assert counts() == before
