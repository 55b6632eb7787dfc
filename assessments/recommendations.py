"""Advice derived from a ScoreCard, the answers and the guide's rule data (七 策略建议, 六(三), 六(四)).

`load_rules` reads the rule data of a framework version (a fixed number of queries);
`derive_recommendations` is pure: the same card, answers and rules always give the same advice.
The parts (weak dimensions, scene readiness, moves, stability) live in `assessments.advice`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext

from assessments.advice.moves import Move, NextTier, code_key, next_tier, one_level_moves, raise_first
from assessments.advice.readiness import Prerequisite, Readiness, rank_key, readiness
from assessments.advice.stability import Stability
from assessments.advice.weakness import weak_dimensions as relative_weak_dimensions
from assessments.published import kept_for_published
from assessments.scoring import TIER_ADVANCED, TIER_BASIC, AnswerValue, ScoreCard
from frameworks.enums import Tier
from frameworks.models import (
    Case,
    CityType,
    EcosystemAdvice,
    FeatureCityType,
    FeatureScene,
    Framework,
    SceneType,
    SubDimension,
    TierAdvice,
)
from frameworks.spec import FrameworkSpec

WEAKEST_COUNT = 3
STRONGEST_COUNT = 3
SCENE_STEPS = {TIER_BASIC: "single_entry", "intermediate": "building_block", TIER_ADVANCED: "benchmark"}
TIER_RANK = {tier.value: tier.rank for tier in Tier}
NAMED_CITY_TYPES = (CityType.PORT, CityType.INDUSTRIAL, CityType.TOURISM)


@dataclass(frozen=True)
class RuleSet:
    tier_advice: tuple[TierAdvice, ...]
    scene_types: tuple[SceneType, ...]  # with their dimensions and prerequisites prefetched
    feature_scenes: tuple[FeatureScene, ...]
    ecosystem: tuple[EcosystemAdvice, ...]
    subdimensions: tuple[SubDimension, ...]  # with their cases prefetched

    def focus(self, tier: str | None) -> tuple[str, ...]:
        """七(一): the dimensions the tier's strategy stresses (rule data of the version: `focus` of its
        strategy), used only to break ties between weak areas of equal gain."""
        strategy = next((a for a in self.tier_advice if a.kind == TierAdvice.Kind.STRATEGY and a.tier == tier), None)
        focus = strategy.focus if strategy else None
        return tuple(code for code in focus if isinstance(code, str)) if isinstance(focus, list) else ()

    @property
    def has_prerequisites(self) -> bool:
        """Readiness is derived only for a version that defines prerequisites (version 1 does not)."""
        return any(scene_type.prerequisites.all() for scene_type in self.scene_types)


def load_rules(*, framework: Framework) -> RuleSet:
    """The rule data of a framework version (kept per worker for a published one)."""
    return kept_for_published(framework=framework, what="rules", build=lambda: _read_rules(framework))


def _read_rules(framework: Framework) -> RuleSet:
    return RuleSet(
        tier_advice=tuple(TierAdvice.objects.filter(framework=framework)),
        scene_types=tuple(SceneType.objects.filter(framework=framework)
                          .prefetch_related("dimensions", "prerequisites")),
        feature_scenes=tuple(FeatureScene.objects.filter(framework=framework).order_by("pk")),
        ecosystem=tuple(EcosystemAdvice.objects.filter(framework=framework)),
        subdimensions=tuple(
            SubDimension.objects.filter(dimension__framework=framework)
            .select_related("dimension")
            .prefetch_related("cases__subdimensions")
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
    weak_dimensions: tuple[str, ...]  # the region's weak dimensions among its missing prerequisites
    readiness: Readiness | None  # None: the version defines no prerequisites

    @property
    def status(self) -> str | None:
        return self.readiness.status if self.readiness else None


@dataclass(frozen=True)
class SceneStep:
    step: str  # "single_entry" (小切口), "building_block" (积木式) or "benchmark" (标杆式)
    tier: str  # the tier it follows: the lower of the overall tier and A's
    advice: TierAdvice | None
    reason: str


@dataclass(frozen=True)
class FeatureSceneAdvice:
    scene: FeatureScene
    scope: str  # "all" (every region), "own" (the region's city type) or "option" (for a comprehensive city)


@dataclass(frozen=True)
class WeakAreaAdvice:
    subdimension: SubDimension
    score: float
    tier: str
    cases: tuple[Case, ...]
    gain: float  # the largest overall gain of a one-level move in it (0 when none is possible)


@dataclass(frozen=True)
class CaseAdvice:
    case: Case | None  # None: the guide gives no case for this weak sub-dimension
    subdimension: str


@dataclass(frozen=True)
class Recommendations:
    tier: str | None
    strategy: TierAdvice | None
    scene_step: TierAdvice | None
    step: SceneStep | None
    scene_types: tuple[SceneTypeAdvice, ...]
    feature_scenes: tuple[FeatureSceneAdvice, ...]
    ecosystem: tuple[EcosystemAdvice, ...]
    strengths: tuple[RankedSubDimension, ...]
    weak_areas: tuple[WeakAreaAdvice, ...]
    weak_dimensions: tuple[str, ...]
    raise_first: tuple[Move, ...]
    next_tier: NextTier | None
    cases: tuple[CaseAdvice, ...]
    stability: Stability | None
    with_readiness: bool


def _ranked(card: ScoreCard, rules: RuleSet) -> list[RankedSubDimension]:
    scores = card.subdimension_scores()
    return [
        RankedSubDimension(subdimension=sub, score=score, tier=tier)
        for sub in rules.subdimensions
        if (score := scores.get(sub.code)) is not None and (tier := card.subdimension_tier(sub.code)) is not None
    ]


def _tier_name(tier: str | None) -> str:
    return str(Tier(tier).label) if tier else gettext("No score")


def scene_step(*, card: ScoreCard, rules: RuleSet, scene_dimension: str = "A") -> SceneStep | None:
    """六(四)'s step for the lower of the overall tier and the scene dimension's tier, and why."""
    if card.overall_tier is None:
        return None
    a_tier = next((dim.tier for dim in card.dimensions if dim.code == scene_dimension), None)
    tier = card.overall_tier
    names = {"overall": _tier_name(card.overall_tier), "a_tier": _tier_name(a_tier), "code": scene_dimension}
    if a_tier is None:
        reason = gettext("The scene-building step follows your overall tier (%(overall)s): the %(code)s "
                         "dimension has no score.")
    elif TIER_RANK[a_tier] < TIER_RANK[tier]:
        tier = a_tier
        reason = gettext("Your %(code)s dimension (%(a_tier)s) is below your overall tier (%(overall)s): the step "
                         "follows the lower of the two, because the guide's steps (六(四)) build on scenes "
                         "that already work.")
    else:
        reason = gettext("The scene-building step follows the lower of your overall tier (%(overall)s) and "
                         "the %(code)s dimension's tier (%(a_tier)s).")
    advice = next((a for a in rules.tier_advice if a.kind == TierAdvice.Kind.SCENE_STEP and a.tier == tier), None)
    return SceneStep(step=SCENE_STEPS[tier], tier=tier, advice=advice, reason=reason % names)


def _scene_types(rules: RuleSet, values: Mapping[str, AnswerValue], dimension_of: dict[str, str],
                 weak: tuple[str, ...]) -> tuple[SceneTypeAdvice, ...]:
    if not rules.has_prerequisites:  # version 1: the old listing, mature types first, no readiness
        return tuple(SceneTypeAdvice(scene_type=s, weak_dimensions=(), readiness=None)
                     for s in sorted(rules.scene_types, key=lambda s: (not s.mature, s.number)))
    advice = []
    for scene_type in rules.scene_types:
        state = readiness(values=values, prerequisites=[
            Prerequisite(indicator=p.indicator_code, level=p.level, guide_section=p.guide_section)
            for p in scene_type.prerequisites.all()])
        missing_dimensions = {dimension_of.get(item.indicator) for item in state.missing}
        advice.append(SceneTypeAdvice(scene_type=scene_type, readiness=state,
                                      weak_dimensions=tuple(code for code in weak if code in missing_dimensions)))
    return tuple(sorted(advice, key=lambda a: rank_key(number=a.scene_type.number, mature=a.scene_type.mature,
                                                          state=cast(Readiness, a.readiness))))


def _feature_scenes(rules: RuleSet, city_type: str) -> tuple[FeatureSceneAdvice, ...]:
    """七(二): the items for every region, then the region's own type; a comprehensive city, which
    the guide does not name, gets the three named types as options."""
    chosen = [FeatureSceneAdvice(scene=f, scope="all") for f in rules.feature_scenes
              if f.city_type == FeatureCityType.ALL]
    chosen += [FeatureSceneAdvice(scene=f, scope="own") for f in rules.feature_scenes if f.city_type == city_type]
    if city_type == CityType.COMPREHENSIVE:
        for named in NAMED_CITY_TYPES:
            chosen += [FeatureSceneAdvice(scene=f, scope="option") for f in rules.feature_scenes
                       if f.city_type == named]
    return tuple(chosen)


def _weak_areas(ranked: list[RankedSubDimension], weak: tuple[str, ...], gains: dict[str, float],
                focus: tuple[str, ...]) -> list[RankedSubDimension]:
    """The sub-dimensions to work on, among those below advanced: first those of the weak
    dimensions, then basic ones elsewhere (then any other), each group by the largest overall gain a
    one-level move in it gives; ties: the tier's focus (七(一), `RuleSet.focus`), the lower score,
    questionnaire order."""
    order = {item.subdimension.code: position for position, item in enumerate(ranked)}

    def key(item: RankedSubDimension) -> tuple:
        dimension = item.subdimension.dimension.code
        group = 0 if dimension in weak else 1 if item.tier == TIER_BASIC else 2
        return (group, -round(gains.get(item.subdimension.code, 0.0), 9), dimension not in focus, item.score,
                order[item.subdimension.code])

    return sorted((item for item in ranked if item.tier != TIER_ADVANCED), key=key)[:WEAKEST_COUNT]


def _by_relevance(cases, weak_codes: set[str], city_type: str) -> tuple[Case, ...]:
    """A weak sub-dimension's cases by relevance to the region: those that show more of its weak
    sub-dimensions first, then those of its own city type, then those the guide places in no city
    type, then those of another type; then by number."""
    def key(case: Case) -> tuple:
        own = 0 if case.city_type == city_type else 1 if not case.city_type else 2
        return (-len(weak_codes & {s.code for s in case.subdimensions.all()}), own, case.number)

    return tuple(sorted(cases, key=key))


def _cases(areas: list[WeakAreaAdvice]) -> tuple[CaseAdvice, ...]:
    """Each weak sub-dimension's cases, in weak-area order, each area's already by relevance. A weak
    sub-dimension without a case gets an explicit entry without one (the guide gives none)."""
    cases = []
    for area in areas:
        if not area.cases:
            cases.append(CaseAdvice(case=None, subdimension=area.subdimension.code))
        cases += [CaseAdvice(case=case, subdimension=area.subdimension.code) for case in area.cases]
    return tuple(cases)


def derive_recommendations(*, card: ScoreCard, rules: RuleSet, city_type: str, spec: FrameworkSpec,
                           values: Mapping[str, AnswerValue], stability: Stability | None = None,
                           moves: tuple[Move, ...] | None = None) -> Recommendations:
    """`moves`: one_level_moves of these answers when the caller has them (cached per state)."""
    ranked = _ranked(card, rules)
    weak = relative_weak_dimensions(card=card)
    dimension_of = {ind.code: dim.code for dim in spec.dimensions for ind in dim.indicators}
    subdimension_of = {ind.code: sub.code for dim in spec.dimensions for sub in dim.subdimensions
                       for ind in sub.indicators}
    if moves is None:
        moves = one_level_moves(spec=spec, values=values, card=card)
    gains: dict[str, float] = {}
    for move in moves:  # largest first, so the first one of a sub-dimension is its best
        gains.setdefault(subdimension_of[move.indicator], move.overall_gain)
    chosen = _weak_areas(ranked, weak, gains, rules.focus(card.overall_tier))
    weak_codes = {item.subdimension.code for item in chosen}
    areas = [WeakAreaAdvice(subdimension=item.subdimension, score=item.score, tier=item.tier,
                            cases=_by_relevance(item.subdimension.cases.all(), weak_codes, city_type),
                            gain=gains.get(item.subdimension.code, 0.0))
             for item in chosen]
    strengths = sorted(ranked, key=lambda item: -item.score)[:STRONGEST_COUNT]
    step = scene_step(card=card, rules=rules)
    return Recommendations(
        tier=card.overall_tier,
        strategy=next((a for a in rules.tier_advice
                       if a.kind == TierAdvice.Kind.STRATEGY and a.tier == card.overall_tier), None),
        scene_step=step.advice if step else None,
        step=step,
        scene_types=_scene_types(rules, values, dimension_of, weak),
        feature_scenes=_feature_scenes(rules, city_type),
        ecosystem=rules.ecosystem,
        strengths=tuple(strengths),
        weak_areas=tuple(areas),
        weak_dimensions=weak,
        raise_first=raise_first(moves=moves),
        next_tier=next_tier(spec=spec, values=values, card=card, moves=moves),
        cases=_cases(areas),
        stability=stability,
        with_readiness=rules.has_prerequisites,
    )


def move_indicators(*, advice: Recommendations) -> list[str]:
    """The indicator codes of the suggested moves (raise first, then the next-tier set), once each."""
    codes = [move.indicator for move in advice.raise_first]
    codes += [move.indicator for move in (advice.next_tier.moves if advice.next_tier else ())]
    return sorted(dict.fromkeys(codes), key=code_key)
