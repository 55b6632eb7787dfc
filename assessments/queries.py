"""Reusable querysets with their prefetching, so every page runs a constant number of queries."""

import numpy as np
import pandas as pd
from django.db.models import Prefetch

from assessments.batch_scores import score_rows
from assessments.models import Answer, Assessment, Region
from assessments.scoring import ScoreCard, score_answers, score_batch
from frameworks.models import Framework
from frameworks.spec import framework_spec


def framework_with_questionnaire(framework_id: int) -> Framework:
    return Framework.objects.with_questionnaire().get(pk=framework_id)


def answers_by_indicator(assessment: Assessment) -> dict[int, Answer]:
    return {a.indicator_id: a for a in Answer.objects.filter(assessment=assessment).select_related("updated_by")}


def dashboard_regions(regions) -> list[Region]:
    return list(
        regions.order_by("name").prefetch_related(
            Prefetch("assessments", queryset=Assessment.objects.order_by("-created_at").select_related("framework"))
        )
    )


def batch_scores(assessments: list[Assessment]) -> dict[int, dict]:
    """Completion and overall tier of many assessments: one answers query and one pandas pass per
    framework version (a few versions at most), instead of one score per assessment."""
    by_framework: dict[int, list[int]] = {}
    for assessment in assessments:
        by_framework.setdefault(assessment.framework_id, []).append(assessment.pk)
    if not by_framework:
        return {}
    specs = {f.pk: framework_spec(framework=f)
             for f in Framework.objects.with_questionnaire().filter(pk__in=by_framework)}
    rows = Answer.objects.filter(assessment_id__in=[a.pk for a in assessments]).values_list(
        "assessment_id", "indicator__code", "level", "not_applicable")
    frame = pd.DataFrame(list(rows), columns=["assessment", "indicator", "level", "not_applicable"])
    frame["level"] = frame["level"].astype(float)
    results = {}
    for framework_id, ids in by_framework.items():
        part = frame[frame["assessment"].isin(ids)]
        scored = score_batch(spec=specs[framework_id], answers=part) if len(part) else None
        for assessment_id in ids:
            if scored is not None and assessment_id in scored.index:
                row = scored.loc[assessment_id]
                overall = None if pd.isna(row["overall"]) else float(row["overall"])
                results[assessment_id] = {"completion": float(row["completion"]), "overall": overall,
                                          "tier": row["overall_tier"]}
            else:
                results[assessment_id] = {"completion": 0.0, "overall": None, "tier": None}
    return results


def frameworks_by_id(framework_ids) -> dict[int, Framework]:
    """Framework versions with their dimensions, sub-dimensions and indicators (4 queries), enough for
    `framework_spec` and for the localized names and questions of exports and tables."""
    return {
        framework.pk: framework
        for framework in Framework.objects.filter(pk__in=set(framework_ids)).prefetch_related(
            "dimensions__subdimensions__indicators")
    }


def indicator_ids(framework: Framework) -> list[int]:
    """The framework's indicator ids in its spec's order (`framework_spec` walks the same prefetch)."""
    return [ind.pk for dim in framework.dimensions.all() for sub in dim.subdimensions.all()
            for ind in sub.indicators.all()]


def batch_scorecards(assessments, *, frameworks: dict[int, Framework] | None = None) -> dict[int, ScoreCard]:
    """Full ScoreCards (overall, dimension and sub-dimension scores and tiers) of many assessments by
    the NumPy batch path (`assessments.batch_scores.score_rows`): one answers query, read as integer
    columns ordered by assessment, and one matrix per framework version, whatever the number of
    assessments. `frameworks`: from `frameworks_by_id`, when the caller has them."""
    assessments = list(assessments)
    if not assessments:
        return {}
    if frameworks is None:
        frameworks = frameworks_by_id(a.framework_id for a in assessments)
    by_framework: dict[int, list[int]] = {}
    for assessment in assessments:
        by_framework.setdefault(assessment.framework_id, []).append(assessment.pk)
    rows = list(Answer.objects.filter(assessment_id__in=[a.pk for a in assessments]).order_by("assessment_id")
                .values_list("assessment_id", "indicator_id", "level", "not_applicable"))
    columns = np.array([(a, i, np.nan if level is None else level, na) for a, i, level, na in rows],
                       dtype=float).reshape(-1, 4)
    cards = {}
    for framework_id, ids in by_framework.items():
        spec = framework_spec(framework=frameworks[framework_id])
        part = columns[np.isin(columns[:, 0], ids)]
        scored = score_rows(spec=spec, indicator_ids=indicator_ids(frameworks[framework_id]),
                            assessment=part[:, 0].astype(np.int64), indicator=part[:, 1].astype(np.int64),
                            level=part[:, 2], not_applicable=part[:, 3].astype(bool)).cards()
        for assessment_id in ids:  # an assessment without any answer row: an empty card
            cards[assessment_id] = scored.get(assessment_id) or score_answers(spec=spec, answers={})
    return cards
