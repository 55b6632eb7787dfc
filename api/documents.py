"""Models → the plain dicts the API returns (validated against api/schemas.py on the way out).

Everything here is given rows the caller may see: scope is decided in api/endpoints.py with
assessments.access, before any of these functions is called."""

from django.db.models import Count, Q
from django.utils import translation

from assessments.evidence_models import EvidenceFile
from assessments.models import Answer, Assessment, Region
from assessments.queries import batch_scorecards, batch_scores
from assessments.results import advice_for, score_assessment
from assessments.review import review_state
from assessments.selectors import latest_submitted_per_region, submitted_in_order
from assessments.team import responses_by_indicator
from frameworks.models import Framework, Indicator


def language_code(requested: str | None) -> str:
    """The content language: ?lang= when given, else the request's (Accept-Language, cookie)."""
    language = requested or translation.get_language() or "zh-hans"
    return "en" if language.lower().startswith("en") else "zh-hans"


def frameworks(queryset) -> list[dict]:
    by_code: dict[str, list[Framework]] = {}
    for framework in queryset.order_by("code", "version"):
        by_code.setdefault(framework.code, []).append(framework)
    return [
        {
            "code": code,
            "versions": [
                {"version": f.version, "status": f.status, "published_at": f.published_at,
                 "name": {"zh-hans": f.name_zh, "en": f.name_en}}
                for f in versions
            ],
        }
        for code, versions in by_code.items()
    ]


def region(region: Region) -> dict:
    return {"id": region.pk, "name": region.name, "kind": region.kind, "city_type": region.city_type}


def _framework_ref(assessment: Assessment) -> dict:
    return {"code": assessment.framework.code, "version": assessment.framework.version}


def _dates(assessment: Assessment) -> dict:
    return {"created_at": assessment.created_at, "updated_at": assessment.updated_at,
            "submitted_at": assessment.submitted_at}


def assessment_summaries(assessments) -> list[dict]:
    """Assessments with their completion and overall score and tier (one pandas pass, not one score
    per assessment)."""
    assessments = list(assessments)
    scores = batch_scores(assessments)
    return [
        {
            "id": a.pk, "region_id": a.region_id, "title": a.title, "status": a.status,
            "framework": _framework_ref(a), **_dates(a),
            "completion": scores[a.pk]["completion"],
            "overall": {"score": scores[a.pk]["overall"], "tier": scores[a.pk]["tier"]},
        }
        for a in assessments
    ]


def region_detail(region_row: Region) -> dict:
    counts = Assessment.objects.filter(region=region_row).aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(status=Assessment.Status.SUBMITTED)))
    latest = latest_submitted_per_region(regions=Region.objects.filter(pk=region_row.pk)).first()
    return {
        **region(region_row),
        "assessment_count": counts["total"],
        "submitted_count": counts["submitted"],
        "latest_submitted": assessment_summaries([latest])[0] if latest else None,
    }


def _review(state) -> dict:
    review = state.review
    return {"status": state.status, "reviewer": state.reviewer_name if review and review.status != "not_reviewed"
            else None, "verified_at": review.verified_at if review and review.is_verified else None}


def assessment_detail(assessment: Assessment) -> dict:
    """The answers, each with who last set it, its review state and, where contributors answered
    independently, their levels (an indicator answered only independently so far appears with a null
    level)."""
    order = ("subdimension__dimension__order", "subdimension__order", "order", "code")
    state = review_state(assessment=assessment)
    answers = {a.indicator_id: a for a in Answer.objects.filter(assessment=assessment).select_related("updated_by")}
    responses = responses_by_indicator(assessment=assessment)
    files = evidence_files_by_indicator(assessment)
    indicators = Indicator.objects.filter(pk__in=set(answers) | set(responses)).order_by(*order)
    return {
        "id": assessment.pk, "region": region(assessment.region), "title": assessment.title,
        "status": assessment.status, "framework": _framework_ref(assessment), **_dates(assessment),
        "review": _review(state),
        "answers": [_answer(indicator, answers.get(indicator.pk), responses.get(indicator.pk, []),
                            review=state.state_of(indicator.code) if indicator.pk in answers else None,
                            files=files.get(indicator.pk, []))
                    for indicator in indicators],
    }


def _answer(indicator: Indicator, answer: Answer | None, responses: list, *, review: str | None,
            files: list) -> dict:
    return {
        "indicator": indicator.code,
        "level": answer.level if answer else None, "na": answer.not_applicable if answer else False,
        "evidence": answer.evidence if answer else "",
        "answered_by": answer.updated_by.get_username() if answer and answer.updated_by else None,
        "review": review,
        "files": files,
        # exactly {"by", "level"}: a response exists only once given, so a null level is "not applicable"
        "responses": [{"by": r.user.get_username(), "level": None if r.not_applicable else r.level}
                      for r in responses],
    }


def evidence_files_by_indicator(assessment: Assessment) -> dict[int, list[dict]]:
    """indicator id → the answer's files as the API gives them (one query)."""
    files: dict[int, list[dict]] = {}
    for indicator_id, name, size, sha256 in (EvidenceFile.objects.filter(assessment=assessment)
                                             .order_by("uploaded_at", "pk")
                                             .values_list("indicator_id", "original_name", "size", "sha256")):
        files.setdefault(indicator_id, []).append({"name": name, "size": size, "sha256": sha256})
    return files


def scores(assessment: Assessment) -> dict:
    card = score_assessment(assessment=assessment)
    return {"assessment_id": assessment.pk, **card.as_dict(), "answered": card.answered, "total": card.total}


def _advice(item) -> dict:
    return {"title": item.title, "body": item.body, "guide_section": item.guide_section}


def _ranked(item) -> dict:
    sub = item.subdimension
    return {"subdimension": sub.code, "name": sub.name, "dimension": sub.dimension.code,
            "score": item.score, "tier": item.tier}


def _move(move) -> dict:
    return {"indicator": move.indicator, "from_level": move.from_level, "to_level": move.to_level,
            "overall_gain": move.overall_gain}


def _missing(item) -> list[dict]:
    return [{"indicator": m.indicator, "level": m.level, "needed": m.needed, "guide_section": m.guide_section}
            for m in (item.readiness.missing if item.readiness else ())]


def recommendations(assessment: Assessment, *, language: str) -> dict:
    with translation.override(language):  # the content fields and the reasons read the active language
        advice = advice_for(assessment=assessment)
        step, stability = advice.step, advice.stability
        return {
            "assessment_id": assessment.pk,
            "language": language,
            "tier": advice.tier,
            "strategy": {**_advice(advice.strategy), "tier": advice.strategy.tier} if advice.strategy else None,
            "scene_step": {**_advice(advice.scene_step), "tier": advice.scene_step.tier}
            if advice.scene_step else None,
            "scene_types": [
                {"number": s.scene_type.number, "name": s.scene_type.name,
                 "description": s.scene_type.description, "mature": s.scene_type.mature,
                 "guide_section": s.scene_type.guide_section,
                 "dimensions": [d.code for d in s.scene_type.dimensions.all()],
                 "weak_dimensions": list(s.weak_dimensions), "readiness": s.status, "missing": _missing(s)}
                for s in advice.scene_types
            ],
            "feature_scenes": [{**_advice(f.scene), "city_type": f.scene.city_type, "scope": f.scope}
                               for f in advice.feature_scenes],
            "ecosystem": [_advice(e) for e in advice.ecosystem],
            "strengths": [_ranked(item) for item in advice.strengths],
            "weak_areas": [
                {**_ranked(area), "measures": area.subdimension.measures,
                 "guide_section": area.subdimension.guide_section, "gain": area.gain,
                 "cases": [{"number": c.number, "title": c.title, "summary": c.summary,
                            "guide_section": c.guide_section} for c in area.cases]}
                for area in advice.weak_areas
            ],
            "weak_dimensions": list(advice.weak_dimensions),
            "step": {"step": step.step, "tier": step.tier, "reason": step.reason,
                     "guide_section": step.advice.guide_section if step.advice else None} if step else None,
            "raise_first": [_move(m) for m in advice.raise_first],
            "next_tier": {"tier": advice.next_tier.tier, "overall": advice.next_tier.overall,
                          "moves": [_move(m) for m in advice.next_tier.moves]} if advice.next_tier else None,
            "stability": {"overall": stability.overall, "dimensions": dict(stability.dimensions),
                          "points_up": stability.points_up, "points_down": stability.points_down,
                          "draws": stability.draws} if stability else None,
            "cases": [{"number": c.case.number if c.case else None, "subdimension": c.subdimension}
                      for c in advice.cases],
        }


def history(region_row: Region) -> dict:
    """The region's submitted assessments, oldest first, with overall and dimension scores and tiers
    (each scored under its own framework version)."""
    submitted = list(submitted_in_order(region=region_row))
    cards = batch_scorecards(submitted)
    return {
        "region": region(region_row),
        "assessments": [
            {
                "id": a.pk, "title": a.title, "submitted_at": a.submitted_at, "framework": _framework_ref(a),
                "overall": {"score": cards[a.pk].overall, "tier": cards[a.pk].overall_tier},
                "dimensions": {d.code: {"score": d.score, "tier": d.tier} for d in cards[a.pk].dimensions},
            }
            for a in submitted
        ],
    }
