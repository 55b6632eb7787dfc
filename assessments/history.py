"""A region's progress: its submitted assessments over time, the tier changes, and for the latest two
what changed indicator by indicator and which of the earlier recommendations were acted on.

A constant number of queries whatever the number of assessments, regions or indicators: the
submitted assessments (1), their framework versions with the questionnaire (5), all their answers
(1, scored by the pandas batch path and reused for the diff), the earlier version's rule data (7)
and the plan items (1).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from assessments.advice.stability import cached_moves
from assessments.charts import history_figure, tier_changes
from assessments.models import Assessment, PlanItem, Region
from assessments.plans import plan_progress
from assessments.queries import batch_scorecards
from assessments.recommendations import derive_recommendations, load_rules
from assessments.scoring import AnswerValue, ScoreCard
from assessments.selectors import answer_values_for, submitted_in_order
from frameworks.models import Framework
from frameworks.spec import framework_spec


@dataclass(frozen=True)
class IndicatorChange:
    code: str
    question: str
    subdimension: str  # code
    before: int
    after: int
    before_descriptor: str
    after_descriptor: str

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Diff:
    rose: tuple[IndicatorChange, ...]
    fell: tuple[IndicatorChange, ...]
    unchanged: int  # indicators of the newer assessment answered with the same level in both


@dataclass(frozen=True)
class ActedOn:
    """One of the earlier assessment's weak sub-dimensions (its recommendations) and what became of it."""

    code: str
    name: str
    before: float
    after: float | None

    @property
    def improved(self) -> bool:
        return self.after is not None and self.after > self.before


def submitted_assessments(region: Region) -> list[Assessment]:
    """The region's submitted assessments, oldest first."""
    return list(submitted_in_order(region=region))


def _descriptors(framework: Framework) -> dict[str, dict]:
    """Indicator code → {"question", "subdimension", "levels": {level: text}} (prefetched data)."""
    return {
        indicator.code: {"question": indicator.question, "subdimension": sub.code,
                         "levels": {lv.level: lv.text for lv in indicator.levels.all()}}
        for dimension in framework.dimensions.all()
        for sub in dimension.subdimensions.all()
        for indicator in sub.indicators.all()
    }


def indicator_diff(*, before: Mapping[str, AnswerValue], after: Mapping[str, AnswerValue],
                   before_framework: Framework, after_framework: Framework) -> Diff:
    """Levels per indicator code (0–4, "na" or None) of two assessments → what rose, what fell (in the
    newer assessment's questionnaire order); "not applicable", unanswered and indicators that only one
    version has are not compared."""
    old, new = _descriptors(before_framework), _descriptors(after_framework)
    rose: list[IndicatorChange] = []
    fell: list[IndicatorChange] = []
    unchanged = 0
    for code, info in new.items():
        level_before, level_after = before.get(code), after.get(code)
        if not isinstance(level_before, int) or not isinstance(level_after, int) or code not in old:
            continue
        if level_before == level_after:
            unchanged += 1
            continue
        change = IndicatorChange(
            code=code, question=info["question"], subdimension=info["subdimension"],
            before=level_before, after=level_after,
            before_descriptor=old[code]["levels"].get(level_before, ""),
            after_descriptor=info["levels"].get(level_after, ""),
        )
        (rose if level_after > level_before else fell).append(change)
    return Diff(rose=tuple(rose), fell=tuple(fell), unchanged=unchanged)


def acted_on(*, before: ScoreCard, after: ScoreCard, framework: Framework, city_type: str,
             values: dict) -> list[ActedOn]:
    """The earlier assessment's weak sub-dimensions (the ones its recommendations were about), each with
    its score then and in the newer assessment (matched by code); `improved` says it was acted on.
    `values`: the earlier assessment's answers (indicator code → level), which rank its weak areas."""
    spec = framework_spec(framework=framework)
    advice = derive_recommendations(card=before, rules=load_rules(framework=framework), city_type=city_type,
                                    spec=spec, values=values,
                                    moves=cached_moves(spec=spec, values=values, card=before, shared=False))
    scores = after.subdimension_scores()
    return [ActedOn(code=area.subdimension.code, name=area.subdimension.name, before=area.score,
                    after=scores.get(area.subdimension.code))
            for area in advice.weak_areas]


def region_history(region: Region, *, tier_labels: dict[str, str]) -> dict:
    """Everything the region history page shows."""
    assessments = submitted_assessments(region)
    frameworks = {framework.pk: framework for framework in Framework.objects.with_questionnaire().filter(
        pk__in={a.framework_id for a in assessments})} if assessments else {}
    cards = batch_scorecards(assessments, frameworks=frameworks)
    ordered = [cards[a.pk] for a in assessments]
    changes = tier_changes(ordered)
    timeline: list[dict[str, Any]] = [{"assessment": a, "card": cards[a.pk], "change": change}
                for a, change in zip(assessments, changes, strict=True)]
    context = {"region": region, "timeline": timeline, "figure": None, "latest": None, "previous": None,
               "diff": None, "acted_on": None, "plan": None, "dimension_codes": [],
               # made on different framework versions: dimension scores compare by dimension code,
               # indicators only where both versions have the same code
               "mixed_versions": len({a.framework_id for a in assessments}) > 1, "versions_differ": False}
    if not assessments:
        return context
    latest = assessments[-1]
    names = {d.code: d.name for d in frameworks[latest.framework_id].dimensions.all()}
    context["dimension_codes"] = [{"code": code, "name": name} for code, name in names.items()]
    context["dimension_names"] = names
    points = [{"when": timezone.localtime(item["assessment"].submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
               "title": item["assessment"].title, "card": item["card"], "change": item["change"]}
              for item in timeline]
    framework = frameworks[latest.framework_id]
    context["figure"] = history_figure(points=points, dimension_names=names, tier_labels=tier_labels,
                                       tier_advanced=framework.tier_advanced,
                                       tier_intermediate=framework.tier_intermediate)
    context["latest"] = latest
    if len(assessments) < 2:
        return context
    previous = assessments[-2]
    levels = answer_values_for(assessment_ids=[previous.pk, latest.pk])
    context["previous"] = previous
    context["versions_differ"] = previous.framework_id != latest.framework_id
    context["diff"] = indicator_diff(before=levels[previous.pk], after=levels[latest.pk],
                                     before_framework=frameworks[previous.framework_id],
                                     after_framework=framework)
    context["acted_on"] = acted_on(before=cards[previous.pk], after=cards[latest.pk],
                                   framework=frameworks[previous.framework_id], city_type=region.city_type,
                                   values=levels[previous.pk])
    context["plan"] = plan_progress(PlanItem.objects.filter(assessment=previous).select_related("indicator"),
                                    levels[latest.pk])
    return context

