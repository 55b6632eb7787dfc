"""A framework version as one JSON document: read from the source files, validated, turned into
the Django fixture, and exported back from the database.

The document is what `export_framework` prints (and `import_framework` reads): framework code,
version, name, tiers, dimensions → sub-dimensions → indicators → levels, and the recommendation
content. Every text is `{"zh-hans": …, "en": …}`.
"""

import json
from pathlib import Path

from frameworks.enums import Tier
from frameworks.i18n import CONTENT_LANGUAGES

DIMENSION_FILES = ("S", "O", "D", "P", "A")
TIERS = tuple(Tier.values)
CITY_TYPES = ("port", "industrial", "tourism", "comprehensive")


def read_source(directory: Path) -> dict:
    """Combine `framework.json`, one file per dimension and `recommendations.json`."""
    document = json.loads((directory / "framework.json").read_text(encoding="utf-8"))
    document["dimensions"] = [
        json.loads((directory / f"{code}.json").read_text(encoding="utf-8"))
        for code in DIMENSION_FILES
    ]
    document["recommendations"] = json.loads(
        (directory / "recommendations.json").read_text(encoding="utf-8")
    )
    return document


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
    if not isinstance(levels, list) or [lv.get("level") for lv in levels] != [0, 1, 2, 3, 4]:
        return [f"{where}: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order"]
    errors = []
    for level in levels:
        errors += _text_errors(where, f"levels[{level['level']}]", level)
    texts = [level.get("zh-hans") for level in levels]
    if len(set(texts)) != len(texts):
        errors.append(f"{where}: the five level descriptors must be distinct")
    return errors


def _indicator_errors(indicator: dict, codes: set[str]) -> list[str]:
    where = str(indicator.get("code") or "indicator without code")
    errors = []
    if where in codes:
        errors.append(f"{where}: indicator code is used twice")
    codes.add(where)
    errors += _weight_errors(where, indicator.get("weight"))
    if not isinstance(indicator.get("allows_na"), bool):
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
        if not dimension.get("subdimensions"):
            errors.append(f"{where}: a dimension needs at least one sub-dimension")
        for sub in dimension.get("subdimensions") or []:
            sub_where = str(sub.get("code") or f"{where}: sub-dimension without code")
            if sub_where in codes:
                errors.append(f"{sub_where}: sub-dimension code is used twice")
            codes.add(sub_where)
            errors += _text_errors(sub_where, "name", sub.get("name"))
            errors += _text_errors(sub_where, "measures", sub.get("measures"))
            if not sub.get("indicators"):
                errors.append(f"{sub_where}: a sub-dimension needs at least one indicator")
            for indicator in sub.get("indicators") or []:
                errors += _indicator_errors(indicator, codes)
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
    for item in recommendations.get("scene_types") or []:
        where = f"recommendations.scene_types[{item.get('number')}]"
        errors += _text_errors(where, "name", item.get("name"))
        unknown = set(item.get("dimensions") or []) - dimension_codes
        if unknown or not item.get("dimensions"):
            errors.append(f"{where}: dimensions must be existing dimension codes, got {item.get('dimensions')}")
    for item in recommendations.get("feature_scenes") or []:
        if item.get("city_type") not in CITY_TYPES:
            errors.append(f"recommendations.feature_scenes: unknown city_type {item.get('city_type')!r}")
    for item in recommendations.get("cases") or []:
        where = f"recommendations.cases[{item.get('number')}]"
        errors += _text_errors(where, "title", item.get("title"))
        unknown = set(item.get("subdimensions") or []) - sub_codes
        if unknown or not item.get("subdimensions"):
            errors.append(
                f"{where}: subdimensions must be existing sub-dimension codes, got {item.get('subdimensions')}"
            )
    return errors


def validate_document(document: dict) -> list[str]:
    """Every problem in the document, each naming where it is; empty when it is valid."""
    errors = []
    if not document.get("code"):
        errors.append("code: the framework needs a code")
    errors += _text_errors("framework", "name", document.get("name"))
    return errors + _structure_errors(document) + _recommendation_errors(document)
