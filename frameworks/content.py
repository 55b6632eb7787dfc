"""A framework version as one JSON document: read from the source files, validated, turned into
the Django fixture, and exported back from the database.

The document is what `export_framework` prints (and `import_framework` reads): framework code,
version, name, tiers, dimensions → sub-dimensions → indicators → levels, and the recommendation
content. Every text is `{"zh-hans": …, "en": …}`.

A document with an `"aggregation"` key is in the version-2 format (fixtures/source/FORMAT.md):
weights and reasons on dimensions and sub-dimensions, `na_kinds` on indicators, criteria on
levels 1–4 and a glossary. A document without it is version 1's format and validated as before.
"""

import json
import re
from pathlib import Path

from frameworks.enums import Tier
from frameworks.i18n import CONTENT_LANGUAGES

DIMENSION_FILES = ("S", "O", "D", "P", "A")
TIERS = tuple(Tier.values)
CITY_TYPES = ("port", "industrial", "tourism", "comprehensive")
AGGREGATIONS = ("indicators", "subdimensions")
REGION_KINDS = ("city", "district", "park")
MAX_CRITERIA = 3
SOURCE_FILES = ("framework.json", *(f"{code}.json" for code in DIMENSION_FILES), "recommendations.json")


def missing_source_files(directory: Path) -> list[str]:
    return [name for name in SOURCE_FILES if not (directory / name).is_file()]
FEATURE_CITY_TYPES = ("all", *CITY_TYPES)  # "all": 七(二) 一是 and 二是, for every region


def read_source(directory: Path) -> dict:
    """Combine `framework.json`, one file per dimension, `recommendations.json` and, when there is
    one, `glossary.json`."""
    document = json.loads((directory / "framework.json").read_text(encoding="utf-8"))
    document["dimensions"] = [
        json.loads((directory / f"{code}.json").read_text(encoding="utf-8"))
        for code in DIMENSION_FILES
    ]
    document["recommendations"] = json.loads(
        (directory / "recommendations.json").read_text(encoding="utf-8")
    )
    glossary = directory / "glossary.json"
    if glossary.is_file():
        document["glossary"] = glossary_entries(json.loads(glossary.read_text(encoding="utf-8")))
    return document


def glossary_entries(data) -> list:
    """`glossary.json` as a list of `{"zh-hans", "en", "note"?}`: the file may be that list or
    `{"terms": [...]}`; a `note` may be one string or `{"zh-hans", "en"}`."""
    if isinstance(data, dict):
        data = data.get("terms", data.get("glossary", []))
    entries = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            entries.append(item)
            continue
        entry = {"zh-hans": item.get("zh-hans", item.get("zh")), "en": item.get("en")}
        note = item.get("note")
        if isinstance(note, str):
            note = {"zh-hans": note, "en": note}
        if note:
            entry["note"] = note
        entries.append(entry)
    return entries


def is_extended(document: dict) -> bool:
    """True for a document in the version-2 format (it names its aggregation)."""
    return "aggregation" in document


# --- validation -------------------------------------------------------------------------------


def _text_errors(where: str, key: str, value) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {key} must be an object with “zh-hans” and “en”"]
    return [
        f"{where}: {key}.{language} is missing or empty"
        for language in CONTENT_LANGUAGES
        if not isinstance(value.get(language), str) or not value[language].strip()
    ]


def _weight_errors(where: str, value) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return [f"{where}: weight must be a positive number, got {value!r}"]
    return []


def _level_errors(where: str, levels) -> list[str]:
    if not isinstance(levels, list) or not all(isinstance(lv, dict) for lv in levels) or [
        lv.get("level") for lv in levels
    ] != [0, 1, 2, 3, 4]:
        return [f"{where}: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order"]
    errors = []
    for level in levels:
        errors += _text_errors(where, f"levels[{level['level']}]", level)
    texts = [level.get("zh-hans") for level in levels]
    if len(set(texts)) != len(texts):
        errors.append(f"{where}: the five level descriptors must be distinct")
    return errors


def _criteria_errors(where: str, levels) -> list[str]:
    """Version 2: levels 1–4 have 1–3 criteria, each in both languages; level 0 has none."""
    if not isinstance(levels, list) or not all(isinstance(lv, dict) for lv in levels):
        return []  # reported by _level_errors
    errors = []
    for level in levels:
        number, criteria = level.get("level"), level.get("criteria")
        if number == 0:
            if criteria:
                errors.append(f"{where}: levels[0] must have no criteria (it is “level 1 not met”)")
            continue
        if not isinstance(criteria, list) or not 1 <= len(criteria) <= MAX_CRITERIA:
            count = len(criteria) if isinstance(criteria, list) else "no"
            errors.append(f"{where}: levels[{number}].criteria must list 1–{MAX_CRITERIA} criteria, got {count}")
            continue
        for position, criterion in enumerate(criteria, start=1):
            errors += _text_errors(where, f"levels[{number}].criteria[{position}]", criterion)
    return errors


def _na_kinds_errors(where: str, indicator: dict) -> list[str]:
    kinds = indicator.get("na_kinds")
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        return [f"{where}: na_kinds must be a list of region kinds among {', '.join(REGION_KINDS)}, got {kinds!r}"]
    errors = [f"{where}: na_kinds: unknown region kind {kind!r}; use {', '.join(REGION_KINDS)}"
              for kind in kinds if kind not in REGION_KINDS]
    if len(set(kinds)) != len(kinds):
        errors.append(f"{where}: na_kinds lists a region kind twice: {kinds}")
    if "allows_na" in indicator and indicator["allows_na"] is not bool(kinds):
        errors.append(f"{where}: allows_na must be {str(bool(kinds)).lower()} when na_kinds is {kinds}")
    return errors


def _extended_indicator_errors(where: str, indicator: dict) -> list[str]:
    errors = _na_kinds_errors(where, indicator) + _criteria_errors(where, indicator.get("levels"))
    weight = indicator.get("weight")
    if isinstance(weight, int | float) and not isinstance(weight, bool) and weight != 1:
        errors += _text_errors(where, "rationale (required when the weight is not 1)", indicator.get("rationale"))
    elif indicator.get("rationale") is not None:
        errors += _text_errors(where, "rationale", indicator.get("rationale"))
    if indicator.get("guide_quote") is not None:
        errors += _text_errors(where, "guide_quote", indicator.get("guide_quote"))
    return errors


def _indicator_errors(indicator: dict, codes: set[str], *, extended: bool = False) -> list[str]:
    if not isinstance(indicator, dict):
        return [f"indicator {indicator!r}: must be an object"]
    where = str(indicator.get("code") or "indicator without code")
    errors = []
    if where in codes:
        errors.append(f"{where}: indicator code is used twice")
    codes.add(where)
    errors += _weight_errors(where, indicator.get("weight"))
    if extended:
        errors += _extended_indicator_errors(where, indicator)
    elif not isinstance(indicator.get("allows_na"), bool):
        errors.append(f"{where}: allows_na must be true or false")
    errors += _text_errors(where, "question", indicator.get("question"))
    errors += _level_errors(where, indicator.get("levels"))
    return errors


def _structure_errors(document: dict) -> list[str]:
    errors = []
    tiers = document.get("tiers") or {}
    advanced, intermediate = tiers.get("advanced"), tiers.get("intermediate")
    if not (isinstance(advanced, int | float) and isinstance(intermediate, int | float)
            and 0 < intermediate < advanced <= 100):
        errors.append(
            f"tiers: thresholds must satisfy 0 < intermediate < advanced ≤ 100, "
            f"got intermediate={intermediate!r}, advanced={advanced!r}"
        )
    codes: set[str] = set()
    extended = is_extended(document)
    if extended and document.get("aggregation") not in AGGREGATIONS:
        errors.append(f"aggregation: must be one of {', '.join(AGGREGATIONS)}, got {document.get('aggregation')!r}")
    dimensions = document.get("dimensions") or []
    if not dimensions:
        errors.append("dimensions: a framework needs at least one dimension")
    for dimension in dimensions:
        where = str(dimension.get("code") or "dimension without code")
        if where in codes:
            errors.append(f"{where}: dimension code is used twice")
        codes.add(where)
        errors += _weight_errors(where, dimension.get("weight"))
        errors += _text_errors(where, "name", dimension.get("name"))
        if extended:
            errors += _text_errors(where, "rationale", dimension.get("rationale"))
        if not dimension.get("subdimensions"):
            errors.append(f"{where}: a dimension needs at least one sub-dimension")
        for sub in dimension.get("subdimensions") or []:
            sub_where = str(sub.get("code") or f"{where}: sub-dimension without code")
            if sub_where in codes:
                errors.append(f"{sub_where}: sub-dimension code is used twice")
            codes.add(sub_where)
            errors += _text_errors(sub_where, "name", sub.get("name"))
            errors += _text_errors(sub_where, "measures", sub.get("measures"))
            if extended:
                errors += _weight_errors(sub_where, sub.get("weight"))
                errors += _text_errors(sub_where, "rationale", sub.get("rationale"))
            if not sub.get("indicators"):
                errors.append(f"{sub_where}: a sub-dimension needs at least one indicator")
            for indicator in sub.get("indicators") or []:
                errors += _indicator_errors(indicator, codes, extended=extended)
    return errors


def _recommendation_errors(document: dict) -> list[str]:
    recommendations = document.get("recommendations") or {}
    dimension_codes = {dim.get("code") for dim in document.get("dimensions") or []}
    sub_codes = {
        sub.get("code") for dim in document.get("dimensions") or [] for sub in dim.get("subdimensions") or []
    }
    errors = []
    for kind in ("strategies", "scene_steps"):
        tiers = sorted(item.get("tier") for item in recommendations.get(kind) or [])
        if tiers != sorted(TIERS):
            errors.append(f"recommendations.{kind}: needs one entry per tier {TIERS}, got {tiers}")
    indicator_codes = {
        ind.get("code") for dim in document.get("dimensions") or [] for sub in dim.get("subdimensions") or []
        for ind in sub.get("indicators") or []
    }
    for item in recommendations.get("scene_types") or []:
        where = f"recommendations.scene_types[{item.get('number')}]"
        errors += _text_errors(where, "name", item.get("name"))
        dimensions = item.get("dimensions")
        # Version 1 tags types with dimensions; later versions leave them empty (readiness comes
        # from the prerequisites), but a code given must exist.
        if not isinstance(dimensions, list) or set(dimensions) - dimension_codes or (
                not dimensions and not item.get("prerequisites")):
            errors.append(f"{where}: dimensions must be existing dimension codes, got {dimensions}")
        errors += _prerequisite_errors(where, item.get("prerequisites", []), indicator_codes)
    for item in recommendations.get("feature_scenes") or []:
        if item.get("city_type") not in FEATURE_CITY_TYPES:
            errors.append(f"recommendations.feature_scenes: unknown city_type {item.get('city_type')!r}")
    for item in recommendations.get("strategies") or []:
        focus = item.get("focus", [])
        if not isinstance(focus, list) or set(focus) - dimension_codes:
            errors.append(f"recommendations.strategies[{item.get('tier')}]: focus must be a list of existing "
                          f"dimension codes, got {focus!r}")
    for item in recommendations.get("cases") or []:
        where = f"recommendations.cases[{item.get('number')}]"
        errors += _text_errors(where, "title", item.get("title"))
        if item.get("city_type", "") not in {"", *CITY_TYPES}:
            errors.append(f"{where}: unknown city_type {item.get('city_type')!r} "
                          f"(one of {', '.join(CITY_TYPES)}, or none)")
        unknown = set(item.get("subdimensions") or []) - sub_codes
        if unknown or not item.get("subdimensions"):
            errors.append(
                f"{where}: subdimensions must be existing sub-dimension codes, got {item.get('subdimensions')}"
            )
    return errors


# Framework texts are shown as data (escaped); template syntax or HTML tags in them are refused, so
# that no text is ever mistaken for markup by a renderer that interprets it.
MARKUP = re.compile(r"\{\{|\{%|\{#|<[A-Za-z/!?]")


def _label(item, index: int) -> str:
    if not isinstance(item, dict):
        return str(index)
    for key in ("code", "number", "tier", "city_type", "level"):
        if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
            return str(item[key])
    return str(index)


def markup_errors(value, where: str = "") -> list[str]:
    """Every text of the document holding template syntax (`{{`, `{%`, `{#`) or an HTML tag,
    named by its place (e.g. `dimensions[S].subdimensions[S1].name.en`)."""
    if isinstance(value, str):
        match = MARKUP.search(value)
        if match:
            return [f"{where or 'document'}: template syntax or HTML is not allowed in framework text "
                    f"(found {match.group(0)!r})"]
        return []
    if isinstance(value, dict):
        return [error for key, item in value.items()
                for error in markup_errors(item, f"{where}.{key}" if where else str(key))]
    if isinstance(value, list):
        return [error for index, item in enumerate(value)
                for error in markup_errors(item, f"{where}[{_label(item, index)}]")]
    return []


def _glossary_errors(document: dict) -> list[str]:
    glossary = document.get("glossary")
    if glossary is None:
        return []
    if not isinstance(glossary, list):
        return ["glossary: must be a list of terms {\"zh-hans\", \"en\"}"]
    errors, seen = [], set()
    for position, entry in enumerate(glossary, start=1):
        where = f"glossary[{position}]"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be an object with “zh-hans” and “en”")
            continue
        errors += _text_errors(where, "term", entry)
        if entry.get("zh-hans") in seen:
            errors.append(f"{where}: the term {entry.get('zh-hans')!r} is listed twice")
        seen.add(entry.get("zh-hans"))
        if entry.get("note") is not None:
            errors += _text_errors(where, "note", entry.get("note"))
    return errors


def _prerequisite_errors(where: str, prerequisites, indicator_codes: set) -> list[str]:
    """A scene type's prerequisites: existing indicator codes of this version, each once, a minimum
    level 1–4 and the guide section that implies it."""
    if not isinstance(prerequisites, list):
        return [f"{where}: prerequisites must be a list, got {prerequisites!r}"]
    errors, seen = [], set()
    for item in prerequisites:
        if not isinstance(item, dict):
            errors.append(f"{where}: a prerequisite must be an object, got {item!r}")
            continue
        code, level = item.get("indicator"), item.get("level")
        if code not in indicator_codes:
            errors.append(f"{where}: prerequisite indicator {code!r} is not an indicator of this version")
        elif code in seen:
            errors.append(f"{where}: prerequisite indicator {code} is listed twice")
        seen.add(code)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 4:
            errors.append(f"{where}: prerequisite {code}: level must be an integer 1–4, got {level!r}")
        if not isinstance(item.get("guide_section"), str) or not item["guide_section"].strip():
            errors.append(f"{where}: prerequisite {code}: guide_section is missing")
    return errors


def validate_document(document: dict) -> list[str]:
    """Every problem in the document, each naming where it is; empty when it is valid."""
    errors = []
    if not document.get("code"):
        errors.append("code: the framework needs a code")
    errors += _text_errors("framework", "name", document.get("name"))
    return (errors + _structure_errors(document) + _recommendation_errors(document) + _glossary_errors(document)
            + markup_errors(document))
