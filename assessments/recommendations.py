"""Advice derived from a ScoreCard and the guide's rule data (七 策略建议, 六(三), 六(四)).

`load_rules` reads the rule data of a framework version (a fixed number of queries);
`derive_recommendations` is pure: the same card and rules always give the same advice.
"""

from dataclasses import dataclass

from assessments.published import kept_for_published
from assessments.scoring import TIER_ADVANCED, ScoreCard
from frameworks.models import (
    Case,
    EcosystemAdvice,
    FeatureScene,
    Framework,
    SceneType,
    SubDimension,
    TierAdvice,
)

WEAKEST_COUNT = 3
STRONGEST_COUNT = 3


@dataclass(frozen=True)
class RuleSet:
    tier_advice: tuple[TierAdvice, ...]
    scene_types: tuple[SceneType, ...]
    feature_scenes: tuple[FeatureScene, ...]
    ecosystem: tuple[EcosystemAdvice, ...]
    subdimensions: tuple[SubDimension, ...]  # with their cases prefetched


def load_rules(*, framework: Framework) -> RuleSet:
    """The rule data of a framework version (kept per worker for a published one)."""
    return kept_for_published(framework=framework, what="rules", build=lambda: _read_rules(framework))


def _read_rules(framework: Framework) -> RuleSet:
    return RuleSet(
        tier_advice=tuple(TierAdvice.objects.filter(framework=framework)),
        scene_types=tuple(SceneType.objects.filter(framework=framework).prefetch_related("dimensions")),
        feature_scenes=tuple(FeatureScene.objects.filter(framework=framework)),
        ecosystem=tuple(EcosystemAdvice.objects.filter(framework=framework)),
        subdimensions=tuple(
            SubDimension.objects.filter(dimension__framework=framework)
            .select_related("dimension")
            .prefetch_related("cases")
        ),
    )


@dataclass(frozen=True)
class RankedSubDimension:
    subdimension: SubDimension
    score: float
    tier: str


@dataclass(frozen=True)
class SceneTypeAdvice:
    scene_type: SceneType
    weak_dimensions: tuple[str, ...]  # codes of the region's weak dimensions this type addresses


@dataclass(frozen=True)
class WeakAreaAdvice:
    subdimension: SubDimension
    score: float
    tier: str
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class Recommendations:
    tier: str | None
    strategy: TierAdvice | None
    scene_step: TierAdvice | None
    scene_types: tuple[SceneTypeAdvice, ...]
    feature_scenes: tuple[FeatureScene, ...]
    ecosystem: tuple[EcosystemAdvice, ...]
    strengths: tuple[RankedSubDimension, ...]
    weak_areas: tuple[WeakAreaAdvice, ...]
    weak_dimensions: tuple[str, ...]


def _ranked(card: ScoreCard, rules: RuleSet) -> list[RankedSubDimension]:
    scores = card.subdimension_scores()
    ranked = [
        RankedSubDimension(subdimension=sub, score=score, tier=tier)
        for sub in rules.subdimensions
        if (score := scores.get(sub.code)) is not None and (tier := card.subdimension_tier(sub.code)) is not None
    ]
    # Lowest first; ties keep the questionnaire's order so the result is stable.
    return sorted(ranked, key=lambda item: item.score)


def derive_recommendations(*, card: ScoreCard, rules: RuleSet, city_type: str) -> Recommendations:
    ranked = _ranked(card, rules)
    weakest = [item for item in ranked if item.tier != TIER_ADVANCED][:WEAKEST_COUNT]
    strengths = sorted(ranked, key=lambda item: -item.score)[:STRONGEST_COUNT]
    weak_dimensions = tuple(
        dim.code for dim in card.dimensions
        if dim.tier not in (None, TIER_ADVANCED) or any(w.subdimension.dimension.code == dim.code for w in weakest)
    )
    scene_types = [
        SceneTypeAdvice(
            scene_type=scene_type,
            weak_dimensions=tuple(d.code for d in scene_type.dimensions.all() if d.code in weak_dimensions),
        )
        for scene_type in rules.scene_types
    ]
    # Mature types first (the guide recommends them first), then those that address weak dimensions.
    scene_types.sort(key=lambda a: (not a.scene_type.mature, not a.weak_dimensions, a.scene_type.number))

    def advice(kind: str) -> TierAdvice | None:
        return next((a for a in rules.tier_advice if a.kind == kind and a.tier == card.overall_tier), None)

    return Recommendations(
        tier=card.overall_tier,
        strategy=advice(TierAdvice.Kind.STRATEGY),
        scene_step=advice(TierAdvice.Kind.SCENE_STEP),
        scene_types=tuple(scene_types),
        feature_scenes=tuple(f for f in rules.feature_scenes if f.city_type == city_type),
        ecosystem=rules.ecosystem,
        strengths=tuple(strengths),
        weak_areas=tuple(
            WeakAreaAdvice(subdimension=w.subdimension, score=w.score, tier=w.tier,
                           cases=tuple(w.subdimension.cases.all()))
            for w in weakest
        ),
        weak_dimensions=weak_dimensions,
    )
