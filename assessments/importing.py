"""Answer files → a new assessment: parse JSON, CSV or XLSX, report every problem, save atomically.

JSON: {"framework": "sodpa-2023", "framework_version": optional N, "region": {"name", "kind", "city_type"},
       "title": optional, "answers": {"S1.1": 3, "S2.1": "na", …}, "evidence": {"S1.1": "…"},
       "submit": optional bool}
CSV/XLSX: columns indicator, level, evidence; the region and framework (and its version) come from options.
Without a version the latest published one is used. "na" is refused where the region's kind may not
use it and, from version 2 on, without a reason in the evidence.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment, Region, StatusChange
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from frameworks.models import CityType, Framework, Indicator

TABLE_COLUMNS = ("indicator", "level", "evidence")


class ImportProblems(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class AnswerFile:
    framework: str
    region: dict
    title: str = ""
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # indicator code → "line 4" / "answers.S1.1"
    submit: bool = False
    problems: list[str] = field(default_factory=list)
    framework_version: int | None = None  # None: the latest published version


def _level(raw, where: str, problems: list[str]) -> AnswerValue:
    """A level as written in a file: 0–4, "na", or empty/None for unanswered."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in {"na", "n/a"}:
            return NOT_APPLICABLE
        raw = int(text) if text.isdigit() else text
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 4:
        problems.append(f"{where}: level must be 0, 1, 2, 3, 4 or \"na\", got {raw!r}")
        return None
    return raw


def parse_json(text: str) -> AnswerFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportProblems([f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"]) from error
    if not isinstance(data, dict):
        raise ImportProblems(["malformed file: the JSON must be an object"])
    problems = []
    answers_in = data.get("answers")
    if not isinstance(answers_in, dict):
        problems.append("answers: must be an object mapping indicator codes to levels")
        answers_in = {}
    evidence = data.get("evidence") or {}
    if not isinstance(evidence, dict) or not all(isinstance(v, str) for v in evidence.values()):
        problems.append("evidence: must be an object mapping indicator codes to text")
        evidence = {}
    region = data.get("region")
    if not isinstance(region, dict):
        problems.append("region: must be an object with name, kind and city_type")
        region = {}
    submit = data.get("submit", False)
    if not isinstance(submit, bool):
        problems.append(f"submit: must be true or false, got {submit!r}")
    parsed = AnswerFile(
        framework=str(data.get("framework") or ""), region=region, title=str(data.get("title") or ""),
        evidence=dict(evidence), submit=submit is True, problems=problems,
        framework_version=_framework_version(data.get("framework_version"), problems),
    )
    for code, raw in answers_in.items():
        parsed.where[code] = f"answers.{code}"
        parsed.answers[code] = _level(raw, f"answers.{code}", problems)
    return parsed


def _framework_version(raw, problems: list[str]) -> int | None:
    """The optional "framework_version" of a JSON answer file: a positive whole number."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        problems.append(f"framework_version: must be a version number (1, 2, …), got {raw!r}")
        return None
    return raw


def _blank(value) -> bool:
    return value is None or not str(value).strip()


def parse_table(frame: pd.DataFrame, *, framework: str, region: dict, title: str, submit: bool,
                lines: list[int] | None = None) -> AnswerFile:
    """`lines`: the file line each row starts on; by default row n is line n + 2 (header first)."""
    columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in ("indicator", "level") if column not in columns]
    if missing:
        raise ImportProblems([f"malformed file: missing column(s) {', '.join(missing)}; "
                              f"expected {', '.join(TABLE_COLUMNS)}"])
    frame = frame.set_axis(columns, axis="columns")
    parsed = AnswerFile(framework=framework, region=region, title=title, submit=submit)
    for offset, row in enumerate(frame.to_dict("records")):
        if all(_blank(value) for value in row.values()):
            continue  # an empty row, as spreadsheets leave at the end
        where = f"line {lines[offset] if lines else offset + 2}"  # line 1 is the header
        code = str(row.get("indicator") or "").strip()
        if not code:
            parsed.problems.append(f"{where}: indicator code is empty")
            continue
        if code in parsed.answers:
            parsed.problems.append(f"{where}: {code} is answered twice (first at {parsed.where[code]})")
            continue
        parsed.where[code] = where
        parsed.answers[code] = _level(row.get("level"), f"{where} ({code})", parsed.problems)
        if str(row.get("evidence") or "").strip():
            parsed.evidence[code] = str(row["evidence"]).strip()
    return parsed


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """The table and the line each row starts on: a quoted value may span lines, blank lines are
    skipped, so the row number is not the line number."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ImportProblems([f"malformed file {path.name}: the file is empty"])
        rows, lines, problems = [], [], []
        start = reader.line_num + 1
        for row in reader:
            if len(row) > len(header):
                problems.append(f"line {start}: {len(row)} fields, but the header has "
                                f"{len(header)}: {', '.join(header)}")
            elif row:
                rows.append(row + [""] * (len(header) - len(row)))
                lines.append(start)
            start = reader.line_num + 1
    if problems:
        raise ImportProblems(problems)
    return pd.DataFrame(rows, columns=header, dtype=object), lines


MAX_FILE_BYTES = 5 * 1024 * 1024  # a complete answer file is a few hundred KB at most
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive


def _check_file(path: Path, suffix: str) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportProblems([f"{path.name}: the file is {size // 1024} KB; answer files are limited to "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MB"])
    if suffix == ".xlsx":
        with open(path, "rb") as handle:
            if handle.read(4) != XLSX_MAGIC:
                raise ImportProblems([f"{path.name}: not an Excel workbook (.xlsx) although it is named so"])


def read_answer_file(path: Path, *, framework: str, region: dict, title: str, submit: bool,
                     framework_version: int | None = None) -> AnswerFile:
    """`framework_version` (CSV/XLSX; a JSON file says its own) picks a version; None the latest published."""
    suffix = path.suffix.lower()
    lines = None
    try:
        _check_file(path, suffix)
        if suffix == ".json":
            return parse_json(path.read_text(encoding="utf-8"))
        if suffix == ".csv":
            frame, lines = _read_csv(path)
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name=0, dtype=object).astype(object)
            frame = frame.where(frame.notna(), None)
        else:
            raise ImportProblems([f"{path.name}: unknown file type {suffix!r}; use .json, .csv or .xlsx"])
    except (OSError, UnicodeDecodeError, ValueError, csv.Error, pd.errors.ParserError) as error:
        if isinstance(error, ImportProblems):
            raise
        raise ImportProblems([f"malformed file {path.name}: {error}"]) from error
    parsed = parse_table(frame, framework=framework, region=region, title=title, submit=submit, lines=lines)
    parsed.framework_version = framework_version
    return parsed


def _region_problems(region: dict) -> list[str]:
    problems = []
    if not str(region.get("name") or "").strip():
        problems.append("region.name: the region needs a name")
    existing = Region.objects.filter(name=str(region.get("name") or "").strip()).first()
    if existing is None:
        if region.get("kind") not in Region.Kind.values:
            problems.append(f"region.kind: must be one of {', '.join(Region.Kind.values)}, got {region.get('kind')!r}")
        if region.get("city_type") not in CityType.values:
            problems.append(
                f"region.city_type: must be one of {', '.join(CityType.values)}, got {region.get('city_type')!r}"
            )
    return problems


def framework_indicators(framework: Framework):
    return Indicator.objects.filter(subdimension__dimension__framework=framework)


def _chosen_framework(parsed: AnswerFile, problems: list[str]) -> Framework | None:
    """The latest published version of the file's framework, or the published version it names."""
    if not parsed.framework:
        problems.append("framework: no published framework ''")
        return None
    if parsed.framework_version is None:
        framework = Framework.objects.latest_published(parsed.framework)
        if framework is None:
            problems.append(f"framework: no published framework {parsed.framework!r}")
        return framework
    framework = Framework.objects.published().filter(code=parsed.framework, version=parsed.framework_version).first()
    if framework is None:
        versions = sorted(Framework.objects.published().filter(code=parsed.framework)
                          .values_list("version", flat=True))
        problems.append(f"framework_version: {parsed.framework!r} has no published version "
                        f"{parsed.framework_version}; published: {', '.join(map(str, versions)) or 'none'}")
    return framework


def _region_kind(region: dict) -> str | None:
    existing = Region.objects.filter(name=str(region.get("name") or "").strip()).first()
    return existing.kind if existing is not None else region.get("kind")


def _na_problem(parsed: AnswerFile, code: str, indicator: Indicator, *, kind: str | None,
                framework: Framework) -> str | None:
    """"na" where the indicator or the region's kind may not use it, and (version 2 on) "na"
    without a reason in the evidence."""
    where = parsed.where[code]
    if not indicator.allows_na:
        return f"{where}: {code} does not allow \"na\" (not applicable)"
    if kind in Region.Kind.values and not indicator.allows_na_for(kind):
        return (f"{where}: {code} allows \"na\" (not applicable) only for "
                f"{', '.join(indicator.na_kinds)}, not for a {kind}")
    if framework.na_requires_reason and not parsed.evidence.get(code, "").strip():
        return f"{where}: {code} is \"na\" (not applicable) without a reason: give the reason in its evidence"
    return None


def validate(parsed: AnswerFile) -> Framework:
    """Check the file against the framework; raises ImportProblems listing every problem."""
    problems = list(parsed.problems) + _region_problems(parsed.region)
    framework = _chosen_framework(parsed, problems)
    if framework is None:
        raise ImportProblems(problems)
    indicators = {ind.code: ind for ind in framework_indicators(framework)}
    kind = _region_kind(parsed.region)
    for code, value in parsed.answers.items():
        if code not in indicators:
            problems.append(f"{parsed.where[code]}: unknown indicator code {code!r}")
        elif value == NOT_APPLICABLE:
            problem = _na_problem(parsed, code, indicators[code], kind=kind, framework=framework)
            if problem:
                problems.append(problem)
    for code in parsed.evidence:
        if code not in indicators:
            problems.append(f"evidence.{code}: unknown indicator code {code!r}")
    if parsed.submit:
        unanswered = [code for code in indicators if parsed.answers.get(code) is None]
        if unanswered:
            problems.append(f"submit: only a complete assessment can be submitted; "
                            f"{len(unanswered)} unanswered: {', '.join(unanswered)}")
    if problems:
        raise ImportProblems(problems)
    return framework


@transaction.atomic
def save_import(parsed: AnswerFile, *, framework: Framework) -> Assessment:
    region, _ = Region.objects.get_or_create(
        name=parsed.region["name"].strip(),
        defaults={"kind": parsed.region.get("kind"), "city_type": parsed.region.get("city_type")},
    )
    now = timezone.now()
    assessment = Assessment.objects.create(
        region=region, framework=framework,
        title=parsed.title or f"{framework.code} {timezone.localdate():%Y-%m-%d}",
        status=Assessment.Status.SUBMITTED if parsed.submit else Assessment.Status.DRAFT,
        submitted_at=now if parsed.submit else None,
    )
    indicators = {ind.code: ind for ind in framework_indicators(framework)}
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment, indicator=indicators[code],
            level=None if value == NOT_APPLICABLE else value,
            not_applicable=value == NOT_APPLICABLE, evidence=parsed.evidence.get(code, ""),
        )
        for code, value in parsed.answers.items()
        if value is not None or parsed.evidence.get(code)
    )
    if parsed.submit:
        StatusChange.objects.create(assessment=assessment, status=Assessment.Status.SUBMITTED,
                                    note="import_answers")
    return assessment


def import_answer_file(path: Path, **options) -> Assessment:
    parsed = read_answer_file(path, **options)
    framework = validate(parsed)
    return save_import(parsed, framework=framework)
