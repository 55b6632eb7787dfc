"""The advice as the JSON document of `manage.py advise ID --format json` (issue 14's Interface
section: these keys, these vocabularies, in the order the advice ranks them). Texts are read in
the active language."""

from assessments.recommendations import Recommendations


def _section(advice) -> dict | None:
    return {"title": advice.title, "section": advice.guide_section} if advice else None


def advice_document(*, assessment_id: int, advice: Recommendations) -> dict:
    step = advice.step
    stability = advice.stability
    return {
        "assessment": assessment_id,
        "tier": advice.tier,
        "strategy": _section(advice.strategy),
        "scene_step": {"step": step.step, "section": step.advice.guide_section if step.advice else None,
                       "reason": step.reason} if step else None,
        "weak_dimensions": list(advice.weak_dimensions),
        "scene_types": [
            {"number": item.scene_type.number, "name": item.scene_type.name, "mature": item.scene_type.mature,
             "readiness": item.status,
             "missing": [{"indicator": m.indicator, "level": m.level, "needed": m.needed}
                         for m in (item.readiness.missing if item.readiness else ())]}
            for item in advice.scene_types
        ],
        "feature_scenes": [{"title": item.scene.title, "section": item.scene.guide_section}
                           for item in advice.feature_scenes],
        "raise_first": [{"indicator": m.indicator, "from": m.from_level, "to": m.to_level,
                         "overall_gain": m.overall_gain} for m in advice.raise_first],
        "next_tier": {"tier": advice.next_tier.tier,
                      "moves": [{"indicator": m.indicator, "from": m.from_level, "to": m.to_level}
                                for m in advice.next_tier.moves]} if advice.next_tier else None,
        "stability": {"overall": stability.overall if stability else None,
                      "dimensions": dict(stability.dimensions) if stability else {}},
        "cases": [{"number": item.case.number if item.case else None, "subdimension": item.subdimension}
                  for item in advice.cases],
    }
