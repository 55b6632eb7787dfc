"""Answer files → a new assessment: parse JSON, CSV or XLSX, report every problem, save atomically.

JSON: {"framework": "sodpa-2023", "framework_version": optional N, "region": {"name", "kind", "city_type"},
       "title": optional, "answers": {"S1.1": 3, "S2.1": "na", …}, "evidence": {"S1.1": "…"},
       "submit": optional bool}
CSV/XLSX: columns indicator, level, evidence; the region and framework (and its version) come from options.
Without a version the latest published one is used. "na" is refused where the region's kind may not
use it and, from version 2 on, without a reason in the evidence.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.forms import EVIDENCE_MAX_LENGTH
from assessments.import_files import (
    CONTROL,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportProblems,
    check_size,
    read_csv,
    read_json,
    read_xlsx,
)
from assessments.models import Answer, Assessment, Region
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from assessments.transitions import Incomplete, submit_assessment
from frameworks.models import CityType, Framework, Indicator

__all__ = ["MAX_FILE_BYTES", "ImportProblems", "import_answer_file", "problem_report"]

TABLE_COLUMNS = ("indicator", "level", "evidence")
MAX_SHOWN_PROBLEMS = 50
TITLE_MAX_LENGTH = Assessment._meta.get_field("title").max_length
REGION_NAME_MAX_LENGTH = Region._meta.get_field("name").max_length
LEVEL_TEXT = re.compile(r"[0-9]{1,3}")  # ASCII digits only: "²".isdigit() is true, int("²") fails
# A line inside a quoted evidence value that looks like the start of a row ("S1.2,3,…"): most likely
# a closing quote is missing on an earlier line.
ROW_LIKE = re.compile(r"\n\s*\"?([A-Za-z]{1,3}\d+(?:\.\d+)+)\"?\s*,")


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


def shown(value) -> str:
    """A value from a file, short enough for a message (and never a recursive repr)."""
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _level(raw, where: str, problems: list[str]) -> AnswerValue:
    """A level as written in a file: 0–4, "na", or empty/None for unanswered."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in {"na", "n/a"}:
            return NOT_APPLICABLE
        raw = int(text) if LEVEL_TEXT.fullmatch(text) else text
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 4:
        problems.append(_('%(where)s: level must be 0, 1, 2, 3, 4 or "na", got %(value)s')
                        % {"where": where, "value": shown(raw)})
        return None
    return raw


def key_text(key: str) -> str:
    """A JSON key as part of a location: as it is when short and printable, else quoted and cut."""
    if len(key) <= 40 and not CONTROL.search(key) and not re.search(r"[\s]", key):
        return key
    return shown(key)


def text_problem(value: str, where: str, *, max_length: int | None = None, multiline: bool = False) -> str | None:
    """Control characters (tab and line breaks allowed where `multiline`) and overlong text."""
    found = CONTROL.search(value) if multiline else re.search(r"[\t\n\r]", value) or CONTROL.search(value)
    if found:
        code = ord(value[found.start()])
        message = (_("%(where)s: control character U+%(code)04X at position %(position)s is not allowed")
                   if code < 0xD800 else
                   _("%(where)s: lone surrogate U+%(code)04X at position %(position)s is not allowed"))
        return message % {"where": where, "code": code, "position": found.start() + 1}
    if max_length is not None and len(value) > max_length:
        return (_("%(where)s: %(length)s characters; at most %(limit)s are allowed")
                % {"where": where, "length": f"{len(value):,}", "limit": max_length})
    return None


def _text(data: dict, key: str, where: str, problems: list[str], *, max_length: int | None = None) -> str:
    """An optional text value of a JSON object; "" when absent or not acceptable (a problem is noted)."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(_("%(where)s: must be text, got %(value)s") % {"where": where, "value": shown(value)})
        return ""
    if problem := text_problem(value, where, max_length=max_length):
        problems.append(problem)
        return ""
    return value


def _duplicates(obj, where: str) -> list[str]:
    names = getattr(obj, "duplicates", [])
    return [_("%(where)s: key %(key)s is given more than once") % {
        "where": f"{where}.{key_text(key)}" if where else key_text(key), "key": shown(key)} for key in names]


def parse_json(data) -> AnswerFile:
    """A parsed JSON answer document (`read_json`) → the answers and every problem found."""
    if not isinstance(data, dict):
        raise ImportProblems([_("malformed file: the JSON must be an object")])
    problems = _duplicates(data, "")
    answers_in = data.get("answers")
    if not isinstance(answers_in, dict):
        problems.append(_("answers: must be an object mapping indicator codes to levels"))
        answers_in = {}
    elif len(answers_in) > MAX_ROWS:
        problems.append(_("answers: %(count)s entries; a framework has far fewer indicators (at most %(limit)s "
                          "are read)") % {"count": f"{len(answers_in):,}", "limit": MAX_ROWS})
        answers_in = {}
    evidence = data.get("evidence") or {}
    if not isinstance(evidence, dict) or not all(isinstance(v, str) for v in evidence.values()):
        problems.append(_("evidence: must be an object mapping indicator codes to text"))
        evidence = {}
    region = data.get("region")
    if not isinstance(region, dict):
        problems.append(_("region: must be an object with name, kind and city_type"))
        region = {}
    problems += _duplicates(answers_in, "answers") + _duplicates(evidence, "evidence") + _duplicates(region, "region")
    region = {"name": _text(region, "name", "region.name", problems, max_length=REGION_NAME_MAX_LENGTH),
              "kind": region.get("kind"), "city_type": region.get("city_type")}
    submit = data.get("submit", False)
    if not isinstance(submit, bool):
        problems.append(_("submit: must be true or false, got %(value)s") % {"value": shown(submit)})
    parsed = AnswerFile(
        framework=_text(data, "framework", "framework", problems), region=region,
        title=_text(data, "title", "title", problems, max_length=TITLE_MAX_LENGTH),
        submit=submit is True, problems=problems,
        framework_version=_framework_version(data.get("framework_version"), problems),
    )
    for code, text in evidence.items():
        if problem := text_problem(text, f"evidence.{key_text(code)}", max_length=EVIDENCE_MAX_LENGTH, multiline=True):
            problems.append(problem)
        else:
            parsed.evidence[code] = text
    for code, raw in answers_in.items():
        parsed.where[code] = f"answers.{key_text(code)}"
        parsed.answers[code] = _level(raw, parsed.where[code], problems)
    return parsed


def _framework_version(raw, problems: list[str]) -> int | None:
    """The optional "framework_version" of a JSON answer file: a positive whole number."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        problems.append(_("framework_version: must be a version number (1, 2, …), got %(value)s")
                        % {"value": shown(raw)})
        return None
    return raw


def _blank(value) -> bool:
    return value is None or not str(value).strip()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def parse_table(header: list, rows: list[list], *, framework: str, region: dict, title: str, submit: bool,
                lines: list[int]) -> AnswerFile:
    """`lines`: the file line (sheet row) each row starts on."""
    columns = [_cell_text(column).strip().lower() for column in header]
    missing = [column for column in ("indicator", "level") if column not in columns]
    if missing:
        raise ImportProblems([_("malformed file: missing column(s) %(missing)s; expected %(expected)s")
                              % {"missing": ", ".join(missing), "expected": ", ".join(TABLE_COLUMNS)}])
    twice = sorted({column for column in columns if column in TABLE_COLUMNS and columns.count(column) > 1})
    if twice:
        raise ImportProblems([_("line 1: column(s) %(columns)s appear more than once") % {"columns": ", ".join(twice)}])
    position = {column: columns.index(column) for column in TABLE_COLUMNS if column in columns}
    parsed = AnswerFile(framework=framework, region=region, title=title, submit=submit)
    for line, row in zip(lines, rows, strict=True):
        if all(_blank(value) for value in row):
            continue  # an empty row, as spreadsheets leave at the end
        where = _("line %(line)s") % {"line": line}
        code = _cell_text(row[position["indicator"]]).strip()
        evidence = _cell_text(row[position["evidence"]]).strip() if "evidence" in position else ""
        if not code:
            parsed.problems.append(_("%(where)s: indicator code is empty") % {"where": where})
            continue
        if problem := text_problem(code, where, max_length=40):
            parsed.problems.append(problem)
            continue
        if code in parsed.answers:
            parsed.problems.append(_("%(where)s: %(code)s is answered twice (first at %(first)s)")
                                   % {"where": where, "code": code, "first": parsed.where[code]})
            continue
        parsed.where[code] = where
        parsed.answers[code] = _level(row[position["level"]], f"{where} ({code})", parsed.problems)
        if problem := text_problem(evidence, f"{where} ({code}) evidence", max_length=EVIDENCE_MAX_LENGTH,
                                   multiline=True):
            parsed.problems.append(problem)
        elif row_like := ROW_LIKE.search(evidence):
            parsed.problems.append(_("%(where)s (%(code)s): the evidence spans several lines and one of them "
                                     "looks like a row of its own (%(row)s,…): is a closing quote (\") missing?")
                                   % {"where": where, "code": code, "row": row_like.group(1)})
        elif evidence:
            parsed.evidence[code] = evidence
    return parsed


def read_answer_file(path: Path, *, framework: str, region: dict, title: str, submit: bool,
                     framework_version: int | None = None) -> AnswerFile:
    """`framework_version` (CSV/XLSX; a JSON file says its own) picks a version; None the latest published."""
    suffix = path.suffix.lower()
    try:
        check_size(path)
        if suffix == ".json":
            return parse_json(read_json(path))
        if suffix == ".csv":
            header, rows, lines = read_csv(path)
        elif suffix == ".xlsx":
            header, rows, lines = read_xlsx(path)
        else:
            raise ImportProblems([_("%(file)s: unknown file type %(suffix)s; use .json, .csv or .xlsx")
                                  % {"file": path.name, "suffix": shown(suffix)}])
    except OSError as error:
        raise ImportProblems([_("malformed file %(file)s: %(error)s") % {"file": path.name, "error": error}]) from error
    problems = []
    for value, where, limit in ((region.get("name") or "", "--region", REGION_NAME_MAX_LENGTH),
                                (title, "--title", TITLE_MAX_LENGTH)):
        if problem := text_problem(value, where, max_length=limit):
            problems.append(problem)
    parsed = parse_table(header, rows, framework=framework, region=region, title=title, submit=submit,
                         lines=lines)
    parsed.problems[:0] = problems
    parsed.framework_version = framework_version
    return parsed


def problem_report(problems: list[str], *, limit: int = MAX_SHOWN_PROBLEMS) -> list[str]:
    """The first `limit` problems, then how many more there are."""
    if len(problems) <= limit:
        return list(problems)
    more = len(problems) - limit
    return [*problems[:limit], ngettext("… and %(count)s more problem", "… and %(count)s more problems", more)
            % {"count": f"{more:,}"}]


def _region_problems(region: dict) -> list[str]:
    problems = []
    name = region.get("name") or ""
    if not name.strip():
        problems.append(_("region.name: the region needs a name"))
    existing = Region.objects.filter(name=name.strip()).first()
    if existing is None:
        if region.get("kind") not in Region.Kind.values:
            problems.append(_("region.kind: must be one of %(choices)s, got %(value)s")
                            % {"choices": ", ".join(Region.Kind.values), "value": shown(region.get("kind"))})
        if region.get("city_type") not in CityType.values:
            problems.append(_("region.city_type: must be one of %(choices)s, got %(value)s")
                            % {"choices": ", ".join(CityType.values), "value": shown(region.get("city_type"))})
    return problems


def framework_indicators(framework: Framework):
    return Indicator.objects.filter(subdimension__dimension__framework=framework)


def _chosen_framework(parsed: AnswerFile, problems: list[str]) -> Framework | None:
    """The latest published version of the file's framework, or the published version it names."""
    if not parsed.framework:
        problems.append(_("framework: no published framework %(code)s") % {"code": "''"})
        return None
    if parsed.framework_version is None:
        framework = Framework.objects.latest_published(parsed.framework)
        if framework is None:
            problems.append(_("framework: no published framework %(code)s") % {"code": shown(parsed.framework)})
        return framework
    framework = Framework.objects.published().filter(code=parsed.framework, version=parsed.framework_version).first()
    if framework is None:
        versions = sorted(Framework.objects.published().filter(code=parsed.framework)
                          .values_list("version", flat=True))
        problems.append(_("framework_version: %(code)s has no published version %(version)s; published: "
                          "%(versions)s") % {"code": shown(parsed.framework), "version": parsed.framework_version,
                                             "versions": ", ".join(map(str, versions)) or _("none")})
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
        return _('%(where)s: %(code)s does not allow "na" (not applicable)') % {"where": where, "code": code}
    if kind in Region.Kind.values and not indicator.allows_na_for(kind):
        return _('%(where)s: %(code)s allows "na" (not applicable) only for %(kinds)s, not for a %(kind)s') % {
            "where": where, "code": code, "kinds": ", ".join(indicator.na_kinds), "kind": kind}
    if framework.na_requires_reason and not parsed.evidence.get(code, "").strip():
        return _('%(where)s: %(code)s is "na" (not applicable) without a reason: give the reason in its evidence') % {
            "where": where, "code": code}
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
            problems.append(_("%(where)s: unknown indicator code %(code)s")
                            % {"where": parsed.where[code], "code": shown(code)})
        elif value == NOT_APPLICABLE:
            problem = _na_problem(parsed, code, indicators[code], kind=kind, framework=framework)
            if problem:
                problems.append(problem)
    for code in parsed.evidence:
        if code not in indicators:
            problems.append(_("evidence.%(key)s: unknown indicator code %(code)s")
                            % {"key": key_text(code), "code": shown(code)})
    if not problems and not any(value is not None for value in parsed.answers.values()) and not parsed.evidence:
        problems.append(_("nothing to import: the file answers no indicator and gives no evidence"))
    if parsed.submit:
        unanswered = [code for code in indicators if parsed.answers.get(code) is None]
        if unanswered:
            problems.append(_("submit: only a complete assessment can be submitted; %(count)s unanswered: "
                              "%(codes)s") % {"count": len(unanswered), "codes": ", ".join(unanswered)})
    if problems:
        raise ImportProblems(problems)
    return framework


@transaction.atomic
def save_import(parsed: AnswerFile, *, framework: Framework) -> Assessment:
    region, _created = Region.objects.get_or_create(
        name=parsed.region["name"].strip(),
        defaults={"kind": parsed.region.get("kind"), "city_type": parsed.region.get("city_type")},
    )
    assessment = Assessment.objects.create(
        region=region, framework=framework,
        title=parsed.title or f"{framework.code} {timezone.localdate():%Y-%m-%d}",
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
        try:  # the same transition as the submit button: checked again on the saved answers
            submit_assessment(assessment=assessment, user=None, note="import_answers")
        except Incomplete as refused:
            raise ImportProblems([_("submit: only a complete assessment can be submitted; %(left)s of %(total)s "
                                    "unanswered") % {"left": refused.left, "total": refused.total}]) from refused
    return assessment


def import_answer_file(path: Path, **options) -> Assessment:
    parsed = read_answer_file(path, **options)
    framework = validate(parsed)
    return save_import(parsed, framework=framework)
