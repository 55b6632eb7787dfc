"""The read model: one `AssessmentResult` per assessment, built once and read by the results page,
the PDF (and its cache key), the API and the commands, so they all show the same scores, the same
previous assessment, the same advice and the same peers.

Built in a fixed number of queries whatever the size of the framework or the number of regions:
the framework with its questionnaire (prefetched), the answers, the recommendation rules, the
previous submitted assessment (and its answers, and its framework when it is another version),
and the peer table (cached; see benchmarks.py). Texts (dimension names, advice) are read in the
language active when the result is built.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from assessments.advice.stability import cached_moves, cached_stability
from assessments.benchmarks import PeerComparison, compare_with_peers
from assessments.models import Assessment
from assessments.published import kept_for_published, questionnaire_of
from assessments.queries import batch_scorecards, frameworks_by_id
from assessments.recommendations import Recommendations, derive_recommendations, load_rules
from assessments.scoring import AnswerValue, ScoreCard, score_answers
from assessments.selectors import answer_values, answer_values_for, previous_submitted
from frameworks.models import Framework
from frameworks.spec import FrameworkSpec, framework_spec


@dataclass(frozen=True)
class ScoredAssessment:
    """An assessment with its framework version, answers and scores."""

    assessment: Assessment
    framework: Framework  # with its questionnaire prefetched
    spec: FrameworkSpec
    values: Mapping[str, AnswerValue]  # indicator code → 0–4, "na" or None
    card: ScoreCard

    @property
    def dimension_names(self) -> dict[str, str]:
        return {dimension.code: dimension.name for dimension in self.framework.dimensions.all()}


@dataclass(frozen=True)
class AssessmentResult(ScoredAssessment):
    """Everything the results page, the PDF and the API show of one assessment."""

    previous: ScoredAssessment | None  # the region's previous submitted assessment (selectors)
    advice: Recommendations
    peers: PeerComparison


def score_assessment(*, assessment: Assessment, framework: Framework | None = None) -> ScoreCard:
    """The assessment's ScoreCard under its own framework version (answers and spec only)."""
    return scored_assessment(assessment=assessment, framework=framework).card


def scored_assessment(*, assessment: Assessment, framework: Framework | None = None,
                      values: Mapping[str, AnswerValue] | None = None) -> ScoredAssessment:
    """`framework`: the assessment's framework version with its questionnaire, and `values` its
    answer values, when the caller has them."""
    framework = framework or questionnaire_of(framework=assessment.framework)
    spec = kept_for_published(framework=framework, what="spec", build=lambda: framework_spec(framework=framework))
    values = answer_values(assessment=assessment) if values is None else values
    return ScoredAssessment(assessment=assessment, framework=framework, spec=spec, values=values,
                            card=score_answers(spec=spec, answers=values))


def assessment_result(*, assessment: Assessment) -> AssessmentResult:
    """Everything known about one assessment, in the active language."""
    earlier = previous_submitted(assessment=assessment)
    values = answer_values_for(assessment_ids=[assessment.pk] + ([earlier.pk] if earlier else []))  # one query
    scored = scored_assessment(assessment=assessment, values=values[assessment.pk])
    previous = None
    if earlier is not None:
        same = earlier.framework_id == assessment.framework_id
        previous = scored_assessment(assessment=earlier, framework=scored.framework if same else None,
                                     values=values[earlier.pk])
    peers = compare_with_peers(region=assessment.region, card=scored.card, dimension_names=scored.dimension_names,
                               overall_name=gettext("Overall"))
    return AssessmentResult(**{field: getattr(scored, field) for field in ("assessment", "framework", "spec",
                                                                            "values", "card")},
                            previous=previous, advice=advice_of(scored=scored), peers=peers)


def advice_of(*, scored: ScoredAssessment) -> Recommendations:
    """The recommendations, with the tier stability and the one-level moves (cached per state)."""
    spec, values, card = scored.spec, scored.values, scored.card
    return derive_recommendations(card=card, rules=load_rules(framework=scored.framework),
                                  city_type=scored.assessment.region.city_type, spec=spec, values=values,
                                  stability=cached_stability(spec=spec, values=values, card=card),
                                  moves=cached_moves(spec=spec, values=values, card=card))


def advice_for(*, assessment: Assessment) -> Recommendations:
    """The recommendations of one assessment (no previous assessment, no peers)."""
    return advice_of(scored=scored_assessment(assessment=assessment))


def scorecards(*, assessments: Iterable[Assessment]) -> dict[int, ScoreCard]:
    """The batch form: ScoreCards of many assessments by the pandas path (a constant number of
    queries: the framework versions in use, and one answers query)."""
    assessments = list(assessments)
    frameworks = frameworks_by_id(a.framework_id for a in assessments) if assessments else {}
    return batch_scorecards(assessments, frameworks=frameworks)
