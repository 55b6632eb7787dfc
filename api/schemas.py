"""The API's response shapes: they make /api/openapi.json, and every response is validated
against them before it leaves (so the schema and the data cannot drift apart)."""

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from frameworks.enums import Language as LanguageEnum
from frameworks.enums import Tier

TierCode = Tier  # the one Tier enum: its values make the schema's enum
Kind = Literal["city", "district", "park"]
CityTypeCode = Literal["port", "industrial", "tourism", "comprehensive"]
FeatureCityTypeCode = Literal["all", "port", "industrial", "tourism", "comprehensive"]  # "all": 七(二) 一是/二是
Readiness = Literal["ready", "near", "not_yet"]
Number = int | float  # weights and thresholds as written: 70 rather than 70.0
Language = LanguageEnum
AssessmentStatus = Literal["draft", "submitted"]


class Message(Schema):
    detail: str


class ValidationErrors(Schema):
    detail: list[dict[str, Any]]


ERRORS = {401: Message, 404: Message, 422: ValidationErrors}


# Frameworks ---------------------------------------------------------------------------------------

class LocalizedText(Schema):
    model_config = ConfigDict(populate_by_name=True)

    zh_hans: str = Field(alias="zh-hans")
    en: str


class FrameworkVersionOut(Schema):
    version: int
    status: Literal["draft", "published"]
    published_at: datetime | None
    name: LocalizedText


class FrameworkOut(Schema):
    code: str
    versions: list[FrameworkVersionOut]


class LevelDoc(Schema):
    model_config = ConfigDict(populate_by_name=True)

    level: int
    zh_hans: str = Field(alias="zh-hans")
    en: str


class IndicatorDoc(Schema):
    code: str
    order: int
    weight: Number
    allows_na: bool
    guide_section: str
    question: LocalizedText
    help: LocalizedText
    levels: list[LevelDoc]


class SubDimensionDoc(Schema):
    code: str
    order: int
    guide_section: str
    name: LocalizedText
    measures: LocalizedText
    indicators: list[IndicatorDoc]


class DimensionDoc(Schema):
    code: str
    order: int
    weight: Number
    guide_section: str
    name: LocalizedText
    description: LocalizedText
    subdimensions: list[SubDimensionDoc]


class TiersDoc(Schema):
    advanced: Number
    intermediate: Number


class TierAdviceDoc(Schema):
    tier: TierCode
    guide_section: str
    focus: list[str] = Field(default=[], description="strategies: the dimension codes 七(一) stresses for the tier "
                                                     "(they break ties between weak areas of equal gain)")
    title: LocalizedText
    body: LocalizedText


class PrerequisiteDoc(Schema):
    indicator: str
    level: int = Field(ge=1, le=4)
    guide_section: str


class SceneTypeDoc(Schema):
    number: int
    mature: bool
    guide_section: str
    name: LocalizedText
    description: LocalizedText
    dimensions: list[str]
    prerequisites: list[PrerequisiteDoc] = Field(default=[], description="indicator ≥ level the type needs")


class FeatureSceneDoc(Schema):
    city_type: FeatureCityTypeCode
    guide_section: str
    title: LocalizedText
    body: LocalizedText


class EcosystemDoc(Schema):
    order: int
    guide_section: str
    title: LocalizedText
    body: LocalizedText


class CaseDoc(Schema):
    number: int
    guide_section: str
    city_type: CityTypeCode | None = Field(default=None, description="the city type the guide places the case in")
    title: LocalizedText
    summary: LocalizedText
    subdimensions: list[str]


class RecommendationsDoc(Schema):
    strategies: list[TierAdviceDoc]
    scene_steps: list[TierAdviceDoc]
    scene_types: list[SceneTypeDoc]
    feature_scenes: list[FeatureSceneDoc]
    ecosystem: list[EcosystemDoc]
    cases: list[CaseDoc]


class FrameworkDocument(Schema):
    """The document `manage.py export_framework` prints."""

    code: str
    version: int
    status: Literal["draft", "published"]
    name: LocalizedText
    tiers: TiersDoc
    dimensions: list[DimensionDoc]
    recommendations: RecommendationsDoc


# Regions and assessments -------------------------------------------------------------------------

class FrameworkRef(Schema):
    code: str
    version: int


class ScoreTier(Schema):
    score: float | None
    tier: TierCode | None


class RegionOut(Schema):
    id: int
    name: str
    kind: Kind
    city_type: CityTypeCode


class AssessmentSummary(Schema):
    id: int
    region_id: int
    title: str
    status: AssessmentStatus
    framework: FrameworkRef
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    completion: float = Field(description="answered (including N/A) / all indicators, 0–1")
    overall: ScoreTier


class RegionDetail(RegionOut):
    assessment_count: int
    submitted_count: int
    latest_submitted: AssessmentSummary | None


class EvidenceFileOut(Schema):
    name: str = Field(description="the file's name as uploaded")
    size: int = Field(description="bytes")
    sha256: str = Field(description="SHA-256 of the content, 64 hex digits")


class ResponseOut(Schema):
    by: str = Field(description="user name of the contributor who answered independently")
    level: int | None = Field(description="0–4; null: the contributor answered \"not applicable\"")


class AnswerOut(Schema):
    indicator: str
    level: int | None = Field(description="0–4; null when not applicable or not answered")
    na: bool = Field(description="not applicable")
    evidence: str
    files: list[EvidenceFileOut] = Field(description="the evidence files attached to this answer")
    answered_by: str | None = Field(description="user name of who last set this answer (null: unknown)")
    responses: list[ResponseOut] = Field(
        description="where contributors answered this indicator independently: each one's answer "
                    "(kept after the consolidated answer is set); empty otherwise")
    review: Literal["accepted", "queried"] | None = Field(
        description="the third-party reviewer's state of this answer (null: not reviewed)")


class ReviewOut(Schema):
    status: Literal["not_reviewed", "in_review", "verified"]
    reviewer: str | None = Field(description="who reviews (or verified) the assessment")
    verified_at: datetime | None


class AssessmentDetail(Schema):
    id: int
    region: RegionOut
    title: str
    status: AssessmentStatus
    framework: FrameworkRef
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    review: ReviewOut
    answers: list[AnswerOut]


class DimensionScoreOut(Schema):
    score: float | None
    tier: TierCode | None
    subdimensions: dict[str, float | None]


class ScoresOut(Schema):
    """`ScoreCard.as_dict()` (what `manage.py score ID --format json` prints) and the counts."""

    assessment_id: int
    framework: str
    version: int
    completion: float
    answered: int
    total: int
    overall: ScoreTier
    dimensions: dict[str, DimensionScoreOut]


# Recommendations ---------------------------------------------------------------------------------

class AdviceOut(Schema):
    title: str
    body: str
    guide_section: str


class TierAdviceOut(AdviceOut):
    tier: TierCode


class MissingOut(Schema):
    indicator: str
    level: int | None = Field(description="the current level (null: unanswered)")
    needed: int
    guide_section: str


class SceneTypeOut(Schema):
    number: int
    name: str
    description: str
    mature: bool
    guide_section: str
    dimensions: list[str]
    weak_dimensions: list[str] = Field(description="the region's weak dimensions among its missing prerequisites")
    readiness: Readiness | None = Field(description="null when the framework version defines no prerequisites")
    missing: list[MissingOut]


class FeatureSceneOut(AdviceOut):
    city_type: FeatureCityTypeCode
    scope: Literal["all", "own", "option"] = Field(
        description="for every region, the region's own city type, or an option for a comprehensive city")


class SceneStepOut(Schema):
    step: Literal["single_entry", "building_block", "benchmark"]
    tier: TierCode = Field(description="the lower of the overall tier and the A dimension's tier")
    guide_section: str | None
    reason: str


class MoveOut(Schema):
    indicator: str
    from_level: int
    to_level: int
    overall_gain: float


class NextTierOut(Schema):
    tier: TierCode
    moves: list[MoveOut]
    overall: float


class StabilityOut(Schema):
    overall: float | None
    dimensions: dict[str, float | None]
    points_up: float | None = Field(description="points to the next tier up (null at the top tier)")
    points_down: float | None = Field(description="points above the current tier's threshold (null when basic)")
    draws: int


class CaseRefOut(Schema):
    number: int | None = Field(description="null: the guide gives no case for this weak sub-dimension")
    subdimension: str


class RankedSubDimensionOut(Schema):
    subdimension: str
    name: str
    dimension: str
    score: float
    tier: TierCode


class CaseOut(Schema):
    number: int
    title: str
    summary: str
    guide_section: str


class WeakAreaOut(RankedSubDimensionOut):
    measures: str
    guide_section: str
    cases: list[CaseOut]
    gain: float = Field(description="the largest overall gain of a one-level move in this sub-dimension")


class RecommendationsOut(Schema):
    assessment_id: int
    language: Language
    tier: TierCode | None
    strategy: TierAdviceOut | None
    scene_step: TierAdviceOut | None
    scene_types: list[SceneTypeOut]
    feature_scenes: list[FeatureSceneOut]
    ecosystem: list[AdviceOut]
    strengths: list[RankedSubDimensionOut]
    weak_areas: list[WeakAreaOut]
    weak_dimensions: list[str]
    step: SceneStepOut | None
    raise_first: list[MoveOut]
    next_tier: NextTierOut | None
    stability: StabilityOut | None
    cases: list[CaseRefOut]


# History and benchmarks --------------------------------------------------------------------------

class HistoryDimension(Schema):
    score: float | None
    tier: TierCode | None


class HistoryEntry(Schema):
    id: int
    title: str
    submitted_at: datetime | None
    framework: FrameworkRef
    overall: ScoreTier
    dimensions: dict[str, HistoryDimension]


class HistoryOut(Schema):
    region: RegionOut
    assessments: list[HistoryEntry]


class Statistics(Schema):
    mean: float | None
    median: float | None
    p25: float | None
    p75: float | None


class BenchmarkFilters(Schema):
    kind: Kind | None
    city_type: CityTypeCode | None
    tier: TierCode | None


class BenchmarksOut(Schema):
    filters: BenchmarkFilters
    count: int | None = Field(None, description="regions in the group (their latest submitted assessment); "
                                                "absent when enough_peers is false")
    enough_peers: bool = Field(description="false under 5 regions, or when the group's figures together with "
                                           "other groups' would give a region's scores or tier away: then no "
                                           "count and no figures are given")
    overall: Statistics | None
    dimensions: dict[str, Statistics] | None
