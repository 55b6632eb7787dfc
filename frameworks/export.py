"""A framework version in the database → the JSON document `export_framework` prints.

A version aggregated by indicators (version 1) is printed exactly as it always was; any other
version in the extended format: `"aggregation"`, a `"weight"` and a `"rationale"` on every
dimension and sub-dimension, `"na_kinds"`, `"rationale"` and `"guide_quote"` on every indicator,
`"criteria"` on every level 1–4, and the `"glossary"`.
"""

from frameworks.models import (
    Aggregation,
    Case,
    EcosystemAdvice,
    FeatureScene,
    Framework,
    GlossaryTerm,
    SceneType,
    TierAdvice,
)


def _text(obj, prefix: str) -> dict:
    return {"zh-hans": getattr(obj, f"{prefix}_zh"), "en": getattr(obj, f"{prefix}_en")}


def _number(value: float) -> int | float:
    """Weights and thresholds as written: 70 rather than 70.0."""
    return int(value) if float(value).is_integer() else value


def _level(level, *, extended: bool) -> dict:
    item = {"level": level.level, "zh-hans": level.text_zh, "en": level.text_en}
    if extended and level.level > 0:
        item["criteria"] = [{"zh-hans": c.get("zh-hans", ""), "en": c.get("en", "")} for c in level.criteria or []]
    return item


def _indicator(ind, *, extended: bool) -> dict:
    item = {
        "code": ind.code,
        "order": ind.order,
        "weight": _number(ind.weight),
        "allows_na": ind.allows_na,
    }
    if extended:
        item["na_kinds"] = list(ind.na_kinds or [])
    item["guide_section"] = ind.guide_section
    if extended:
        if ind.rationale_zh or ind.rationale_en or ind.weight != 1:
            item["rationale"] = _text(ind, "rationale")
        item["guide_quote"] = _text(ind, "guide_quote")
    item.update({
        "question": _text(ind, "question"),
        "help": _text(ind, "help"),
        "levels": [_level(lv, extended=extended) for lv in ind.levels.all()],
    })
    return item


def _extended_dimension(dimension) -> dict:
    return {
        "code": dimension.code,
        "order": dimension.order,
        "weight": _number(dimension.weight),
        "guide_section": dimension.guide_section,
        "rationale": _text(dimension, "rationale"),
        "name": _text(dimension, "name"),
        "description": _text(dimension, "description"),
        "subdimensions": [
            {
                "code": sub.code,
                "order": sub.order,
                "guide_section": sub.guide_section,
                "weight": _number(sub.weight),
                "rationale": _text(sub, "rationale"),
                "name": _text(sub, "name"),
                "measures": _text(sub, "measures"),
                "indicators": [_indicator(ind, extended=True) for ind in sub.indicators.all()],
            }
            for sub in dimension.subdimensions.all()
        ],
    }


def _dimension(dimension) -> dict:
    return {
        "code": dimension.code,
        "order": dimension.order,
        "weight": _number(dimension.weight),
        "guide_section": dimension.guide_section,
        "name": _text(dimension, "name"),
        "description": _text(dimension, "description"),
        "subdimensions": [
            {
                "code": sub.code,
                "order": sub.order,
                "guide_section": sub.guide_section,
                "name": _text(sub, "name"),
                "measures": _text(sub, "measures"),
                "indicators": [
                    {
                        "code": ind.code,
                        "order": ind.order,
                        "weight": _number(ind.weight),
                        "allows_na": ind.allows_na,
                        "guide_section": ind.guide_section,
                        "question": _text(ind, "question"),
                        "help": _text(ind, "help"),
                        "levels": [
                            {"level": lv.level, "zh-hans": lv.text_zh, "en": lv.text_en}
                            for lv in ind.levels.all()
                        ],
                    }
                    for ind in sub.indicators.all()
                ],
            }
            for sub in dimension.subdimensions.all()
        ],
    }


def _advice(item, **extra) -> dict:
    return {**extra, "guide_section": item.guide_section,
            "title": _text(item, "title"), "body": _text(item, "body")}


def _recommendations(framework: Framework) -> dict:
    tier_advice = list(TierAdvice.objects.filter(framework=framework).order_by("kind", "pk"))
    return {
        "strategies": [_advice(a, tier=a.tier, **({"focus": a.focus} if a.focus else {}))
                       for a in tier_advice if a.kind == TierAdvice.Kind.STRATEGY],
        "scene_steps": [_advice(a, tier=a.tier) for a in tier_advice if a.kind == TierAdvice.Kind.SCENE_STEP],
        "scene_types": [
            {"number": s.number, "mature": s.mature, "guide_section": s.guide_section,
             "name": _text(s, "name"), "description": _text(s, "description"),
             "dimensions": [d.code for d in s.dimensions.all()],
             # only when there are some, so version 1 (none) exports exactly as its source
             **({"prerequisites": [{"indicator": p.indicator_code, "level": p.level,
                                    "guide_section": p.guide_section} for p in s.prerequisites.all()]}
                if s.prerequisites.all() else {})}
            for s in SceneType.objects.filter(framework=framework).prefetch_related("dimensions", "prerequisites")
        ],
        "feature_scenes": [
            _advice(f, city_type=f.city_type)
            for f in FeatureScene.objects.filter(framework=framework).order_by("pk")
        ],
        "ecosystem": [_advice(e, order=e.order) for e in EcosystemAdvice.objects.filter(framework=framework)],
        "cases": [
            {"number": c.number, "guide_section": c.guide_section,
             **({"city_type": c.city_type} if c.city_type else {}), "title": _text(c, "title"),
             "summary": _text(c, "summary"), "subdimensions": [s.code for s in c.subdimensions.all()]}
            for c in Case.objects.filter(framework=framework).prefetch_related("subdimensions")
        ],
    }


def is_extended(framework: Framework) -> bool:
    return framework.aggregation != Aggregation.INDICATORS


def export_document(*, framework: Framework) -> dict:
    framework = Framework.objects.with_questionnaire().get(pk=framework.pk)
    extended = is_extended(framework)
    document = {
        "code": framework.code,
        "version": framework.version,
        "status": framework.status,
    }
    if extended:
        document["aggregation"] = framework.aggregation
    document.update({
        "name": _text(framework, "name"),
        "tiers": {
            "advanced": _number(framework.tier_advanced),
            "intermediate": _number(framework.tier_intermediate),
        },
        "dimensions": [(_extended_dimension if extended else _dimension)(dimension)
                       for dimension in framework.dimensions.all()],
        "recommendations": _recommendations(framework),
    })
    if extended:
        document["glossary"] = [
            {"zh-hans": term.term_zh, "en": term.term_en,
             **({"note": _text(term, "note")} if term.note_zh or term.note_en else {})}
            for term in GlossaryTerm.objects.filter(framework=framework)
        ]
    return document
