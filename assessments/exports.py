"""Assessments → tables (pandas) → XLSX and CSV files, for consultants and `export_assessments`.

Two tables:
- answers: one row per indicator of each assessment's framework version (unanswered ones too, with
  an empty level): region, assessment_id, assessment_title, indicator, question (active language),
  level (0–4, "na" or empty), not_applicable, evidence. The columns `indicator`, `level` and
  `evidence` are those `import_answers` reads, so the answers of one assessment import back as-is;
- scores: one row per assessment and overall / dimension / sub-dimension: region, assessment_id,
  assessment_title, status, level ("overall", "dimension", "sub-dimension"), code, name, score
  (unrounded, empty when there is none), tier — scored by the pandas batch path.

A constant number of queries whatever the number of assessments: the framework versions (4), the
answers (1), and the assessments themselves when given as a queryset (1, region joined).
"""

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from assessments.models import Answer, Assessment
from assessments.queries import batch_scorecards, frameworks_by_id
from assessments.scoring import NOT_APPLICABLE
from frameworks.i18n import content_suffix
from frameworks.models import Framework

ANSWERS_SHEET = "answers"
SCORES_SHEET = "scores"
ANSWER_COLUMNS = ["region", "assessment_id", "assessment_title", "indicator", "question", "level",
                  "not_applicable", "evidence"]
SCORE_COLUMNS = ["region", "assessment_id", "assessment_title", "status", "level", "code", "name", "score",
                 "tier"]
TEXT_COLUMNS = {"region", "assessment_title", "question", "evidence", "name"}
LEVEL_OVERALL, LEVEL_DIMENSION, LEVEL_SUBDIMENSION = "overall", "dimension", "sub-dimension"
CSV_ENCODING = "utf-8-sig"  # with a BOM, so that Excel reads the Chinese text as UTF-8
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A CSV cell that a spreadsheet would evaluate ("CSV injection") gets a leading apostrophe: one that
# starts with = + - @, a tab or a carriage return, or their fullwidth forms (＝＋－＠, which Excel
# and WPS take as the ASCII ones in Chinese input), also after leading spaces, zero-width characters,
# direction marks or a BOM, which the spreadsheet drops. Plain numbers ("-5", "+3.5") stay numbers.
IGNORED_PREFIX = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad" \
                 "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FORMULA_START = re.compile(f"^[\\s{IGNORED_PREFIX}]*[=+\\-@\\t\\r＝＋－＠]")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def guard_formula(value: str) -> str:
    """The text as it is, or with a leading apostrophe when a spreadsheet would evaluate it."""
    if FORMULA_START.match(value) and not PLAIN_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


Assessments = QuerySet | Iterable[Assessment]


def _assessments(assessments: Assessments) -> list[Assessment]:
    """A queryset gets its region joined; a list is used as given (load its regions beforehand)."""
    if isinstance(assessments, Assessment):
        return [assessments]
    if isinstance(assessments, QuerySet):
        return list(assessments.select_related("region"))
    return list(assessments)


def _indicators(framework: Framework):
    return [ind for dim in framework.dimensions.all() for sub in dim.subdimensions.all()
            for ind in sub.indicators.all()]


def _answers_frame(items: list[Assessment], frameworks: dict[int, Framework]) -> pd.DataFrame:
    rows = Answer.objects.filter(assessment_id__in=[a.pk for a in items]).values_list(
        "assessment_id", "indicator_id", "level", "not_applicable", "evidence")
    given = {(assessment_id, indicator_id): (level, na, evidence)
             for assessment_id, indicator_id, level, na, evidence in rows}
    question = f"question_{content_suffix()}"
    columns: dict[str, list] = {column: [] for column in ANSWER_COLUMNS}
    for assessment in items:
        for indicator in _indicators(frameworks[assessment.framework_id]):
            level, na, evidence = given.get((assessment.pk, indicator.pk), (None, False, ""))
            for column, value in (
                ("region", assessment.region.name), ("assessment_id", assessment.pk),
                ("assessment_title", assessment.title), ("indicator", indicator.code),
                ("question", getattr(indicator, question)), ("level", NOT_APPLICABLE if na else level),
                ("not_applicable", bool(na)), ("evidence", evidence),
            ):
                columns[column].append(value)
    frame = pd.DataFrame(columns, columns=ANSWER_COLUMNS)
    # Levels stay integers, "na" or None: never 3.0, which import_answers would refuse.
    frame["level"] = pd.Series(columns["level"], dtype=object)
    frame["assessment_id"] = frame["assessment_id"].astype("int64")
    frame["not_applicable"] = frame["not_applicable"].astype(bool)
    return frame


def _scores_frame(items: list[Assessment], frameworks: dict[int, Framework]) -> pd.DataFrame:
    cards = batch_scorecards(items, frameworks=frameworks)
    rows = []
    for assessment in items:
        card = cards[assessment.pk]
        base = {"region": assessment.region.name, "assessment_id": assessment.pk,
                "assessment_title": assessment.title, "status": assessment.status}
        rows.append({**base, "level": LEVEL_OVERALL, "code": LEVEL_OVERALL, "name": _("Overall"),
                     "score": card.overall, "tier": card.overall_tier})
        for dimension in frameworks[assessment.framework_id].dimensions.all():
            scored = card.dimension(dimension.code)
            rows.append({**base, "level": LEVEL_DIMENSION, "code": dimension.code, "name": dimension.name,
                         "score": scored.score, "tier": scored.tier})
            sub_scores = scored.subdimension_scores()
            for sub in dimension.subdimensions.all():
                rows.append({**base, "level": LEVEL_SUBDIMENSION, "code": sub.code, "name": sub.name,
                             "score": sub_scores[sub.code], "tier": card.subdimension_tier(sub.code)})
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["assessment_id"] = frame["assessment_id"].astype("int64")
    frame["score"] = frame["score"].astype(float)
    frame["tier"] = pd.Series([row["tier"] for row in rows], dtype=object)  # None, never NaN
    return frame


def _frameworks(items: list[Assessment]) -> dict[int, Framework]:
    return frameworks_by_id(a.framework_id for a in items) if items else {}


def answers_frame(assessments: Assessments) -> pd.DataFrame:
    """One row per indicator of each assessment (unanswered ones with an empty level)."""
    items = _assessments(assessments)
    return _answers_frame(items, _frameworks(items))


def scores_frame(assessments: Assessments) -> pd.DataFrame:
    """One row per assessment and overall / dimension / sub-dimension, by the batch scoring path."""
    items = _assessments(assessments)
    return _scores_frame(items, _frameworks(items))


def frames(assessments: Assessments) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, scores), reading the assessments and their frameworks once."""
    items = _assessments(assessments)
    frameworks = _frameworks(items)
    return _answers_frame(items, frameworks), _scores_frame(items, frameworks)


# --- files ------------------------------------------------------------------------------------------


def _clean_for_xlsx(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters Excel cannot store are dropped from the text."""
    frame = frame.copy()
    for column in TEXT_COLUMNS & set(frame.columns):
        frame[column] = frame[column].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    return frame


def _tidy_sheet(sheet, frame: pd.DataFrame) -> None:
    """Text stays text (a cell starting with "=" is not a formula), header frozen, readable widths."""
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        lengths = frame[column].map(lambda v: 0 if v is None or v != v else len(str(v)))
        longest = max([len(column), *lengths.head(500).tolist()])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest * 1.2 + 2))
        if column == "score":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.00"


def write_xlsx(target, answers: pd.DataFrame, scores: pd.DataFrame, *, comparison: pd.DataFrame | None = None) -> None:
    """An XLSX workbook (a path or a binary buffer) with the data sheets "answers" (first: the one
    `import_answers` reads) and "scores" (exact values), then the sheets a person reads in the active
    language (assessments/readable_sheets.py), with the region × dimension `comparison` if given."""
    from assessments.readable_sheets import add_readable_sheets

    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in ((ANSWERS_SHEET, answers), (SCORES_SHEET, scores)):
            frame = _clean_for_xlsx(frame)
            frame.to_excel(writer, sheet_name=name, index=False)
            _tidy_sheet(writer.sheets[name], frame)
        add_readable_sheets(writer, answers=answers, scores=scores, comparison=comparison)


def _guard_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in TEXT_COLUMNS & set(frame.columns):
        frame[column] = frame[column].map(
            lambda v: guard_formula(v) if isinstance(v, str) else v)
    return frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """One table as CSV: UTF-8 with a BOM, CRLF line ends, empty cells for missing values."""
    text = _guard_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode(CSV_ENCODING)


def csv_paths(output: Path) -> tuple[Path, Path]:
    """`PATH` (or `PATH.csv`) → `PATH-answers.csv`, `PATH-scores.csv`."""
    output = Path(output)
    base = output.with_suffix("") if output.suffix.lower() == ".csv" else output
    return (base.with_name(f"{base.name}-{ANSWERS_SHEET}.csv"),
            base.with_name(f"{base.name}-{SCORES_SHEET}.csv"))


def write_csv(output: Path, answers: pd.DataFrame, scores: pd.DataFrame) -> tuple[Path, Path]:
    """The two CSV files next to each other; returns their paths."""
    answers_path, scores_path = csv_paths(output)
    answers_path.write_bytes(csv_bytes(answers))
    scores_path.write_bytes(csv_bytes(scores))
    return answers_path, scores_path
