"""The sheets of an XLSX export a person reads, next to the data sheets `import_answers` reads back.

In the active language (the UI's on the web, `--lang` in `export_assessments`): translated headers,
statuses, levels ("3 成熟", "不适用", "未作答") and tiers as labels, scores rounded to one decimal
(the exact values stay in the data sheet "scores"), a bold frozen header row and an autofilter.

- Score summary: one row per assessment and overall / dimension / sub-dimension;
- Answer details: one row per indicator of each assessment;
- Region comparison (portfolio workbooks): one row per region, its latest submitted assessment's
  overall and dimension scores and tiers side by side.

The data sheets come first ("answers" is the sheet `import_answers` reads), the workbook opens on
the score summary.
"""

from collections.abc import Iterable

import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessments.models import Assessment
from assessments.templatetags.sodpa import level_label, tier_label

SCORE_FORMAT = "0.0"


def _names() -> dict[str, str]:
    """The human sheets' names; none equals "answers" or "scores" (Excel ignores case in them)."""
    return {"summary": _("Score summary"), "answers": _("Answer details"), "comparison": _("Region comparison")}


def _rounded(value) -> float | None:
    return None if value is None or value != value else round(float(value), 1)


def _status(value: str) -> str:
    return str(Assessment.Status(value).label) if value in Assessment.Status.values else value


def _level(value) -> str:
    if value is None or value != value or value == "":
        return str(_("Unanswered"))
    if value == "na":
        return str(_("Not applicable"))
    return level_label(int(value))


def summary_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores table for people: labels for status, level and tier, scores to one decimal."""
    rows = {"overall": _("Overall"), "dimension": _("Dimension"), "sub-dimension": _("Sub-dimension")}
    return pd.DataFrame({
        _("Region"): scores["region"], _("Assessment"): scores["assessment_title"],
        _("Status"): scores["status"].map(_status),
        _("Score of"): scores["level"].map(lambda value: str(rows.get(value, value))),
        _("Code"): scores["code"].map(lambda code: "" if code == "overall" else code),
        _("Name"): scores["name"], _("Score"): scores["score"].map(_rounded),
        _("Tier"): scores["tier"].map(lambda tier: str(tier_label(tier))),
    })


def answers_frame(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers table for people: the chosen level as its label, "not applicable" folded in."""
    return pd.DataFrame({
        _("Region"): answers["region"], _("Assessment"): answers["assessment_title"],
        _("Indicator"): answers["indicator"], _("Question"): answers["question"],
        _("Level"): answers["level"].map(_level), _("Evidence"): answers["evidence"],
    })


def comparison_frame(assessments: Iterable[Assessment], scores: pd.DataFrame) -> pd.DataFrame:
    """One row per region: its latest submitted assessment's overall and dimension scores and tiers
    (empty when the region has no submitted assessment among `assessments`)."""
    latest: dict[str, Assessment | None] = {}
    for assessment in sorted(assessments, key=lambda a: a.region.name):
        current = latest.get(assessment.region.name)
        if assessment.status == Assessment.Status.SUBMITTED and assessment.submitted_at and (
                current is None or (assessment.submitted_at, assessment.pk) > (current.submitted_at, current.pk)):
            latest[assessment.region.name] = assessment
        else:
            latest.setdefault(assessment.region.name, None)
    dimensions = scores[scores["level"] == "dimension"].drop_duplicates("code")
    columns = [(code, f"{code} {name}") for code, name in zip(dimensions["code"], dimensions["name"], strict=True)]
    by_id = {(pk, code): {"score": value, "tier": tier} for pk, code, value, tier
             in zip(scores["assessment_id"], scores["code"], scores["score"], scores["tier"], strict=True)}
    rows = []
    for region, chosen in latest.items():
        submitted = chosen.submitted_at if chosen else None
        row: dict[str, str | float | None] = {
            _("Region"): region, _("Assessment"): chosen.title if chosen else _("No submitted assessment"),
            _("Submitted on"): formats.date_format(submitted, "DATE_FORMAT") if submitted else ""}
        for code, label in [("overall", str(_("Overall")))] + columns:
            found = by_id.get((chosen.pk, code)) if chosen else None
            row[label] = _rounded(found["score"]) if found is not None else None
            row[f"{label} · {_('Tier')}"] = str(tier_label(found["tier"] if found is not None else None))
        rows.append(row)
    return pd.DataFrame(rows)


def _format(sheet, frame: pd.DataFrame, score_columns: set[str]) -> None:
    """Bold frozen header, autofilter over the table, readable widths, one decimal for scores."""
    sheet.freeze_panes = "A2"
    if sheet.max_row >= 1 and sheet.max_column >= 1:
        sheet.auto_filter.ref = sheet.dimensions
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(frame.columns, start=1):
        lengths = frame[column].map(lambda v: 0 if v is None or v != v else len(str(v)))
        longest = max([len(str(column)), *lengths.head(500).tolist()])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest * 1.6 + 2))
        if column in score_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = SCORE_FORMAT


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Control characters Excel cannot store are dropped from the text."""
    return frame.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)


def add_readable_sheets(writer: pd.ExcelWriter, *, answers: pd.DataFrame, scores: pd.DataFrame,
                        comparison: pd.DataFrame | None = None) -> None:
    """The human sheets after the data sheets; the workbook opens on the score summary."""
    names = _names()
    tables = [("summary", summary_frame(scores), {str(_("Score"))}), ("answers", answers_frame(answers), set())]
    if comparison is not None:
        tables.append(("comparison", comparison, {c for c in comparison.columns if _("Tier") not in c}
                       - {str(_("Region")), str(_("Assessment")), str(_("Submitted on"))}))
    for key, frame, score_columns in tables:
        frame = _clean(frame)
        frame.to_excel(writer, sheet_name=names[key], index=False)
        sheet = writer.sheets[names[key]]
        for row in sheet.iter_rows(min_row=2):  # text stays text: a cell starting with "=" is no formula
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
        _format(sheet, frame, score_columns)
    for sheet in writer.book.worksheets:  # the data sheets get the autofilter too
        sheet.auto_filter.ref = sheet.auto_filter.ref or sheet.dimensions
    writer.book.active = writer.book.sheetnames.index(names["summary"])
    for sheet in writer.book.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == names["summary"]
