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
from typing import Optional

from django.utils.translation import gettext

from assessments.advice.stability import cached_moves, cached_stability
from assessments.benchmarks import PeerComparison, compare_with_peers
from assessments.models import Assessment
from assessments.published import kept_for_published, questionnaire_of
from assessments.queries import batch_scorecards, frameworks_by_id
from assessments.recommendations import Recommendations, derive_recommendations, load_rules
from assessments.scoring import AnswerValue, ScoreCard, score_answers
from assessments.selectors import answer_values, previous_submitted
from frameworks.models import Framework
from frameworks.spec import FrameworkSpec, framework_spec


@dataclass(frozen=True)
class AssessmentResult:
    assessment: Assessment
    framework: Framework  # with its questionnaire prefetched
    spec: FrameworkSpec
    values: Mapping[str, AnswerValue]  # indicator code → 0–4, "na" or None
    card: ScoreCard
    previous: Optional["AssessmentResult"]  # the region's previous submitted assessment (selectors)
    advice: Recommendations | None
    peers: PeerComparison | None

    @property
    def dimension_names(self) -> dict[str, str]:
        return {dimension.code: dimension.name for dimension in self.framework.dimensions.all()}


def score_assessment(*, assessment: Assessment, framework: Framework | None = None) -> ScoreCard:
    """The assessment's ScoreCard under its own framework version (answers and spec only)."""
    framework = framework or questionnaire_of(framework=assessment.framework)
    return score_answers(spec=framework_spec(framework=framework), answers=answer_values(assessment=assessment))


def assessment_result(*, assessment: Assessment, with_previous: bool = True, with_advice: bool = True,
                      with_peers: bool = True, framework: Framework | None = None) -> AssessmentResult:
    """Everything known about one assessment. `framework`: the assessment's framework version with
    its questionnaire, when the caller has it already."""
    framework = framework or questionnaire_of(framework=assessment.framework)
    spec = kept_for_published(framework=framework, what="spec", build=lambda: framework_spec(framework=framework))
    values = answer_values(assessment=assessment)
    card = score_answers(spec=spec, answers=values)
    previous = None
    if with_previous:
        earlier = previous_submitted(assessment=assessment)
        if earlier is not None:
            same = earlier.framework_id == assessment.framework_id
            previous = assessment_result(assessment=earlier, with_previous=False, with_advice=False,
                                         with_peers=False, framework=framework if same else None)
    advice = None
    if with_advice:
        advice = derive_recommendations(card=card, rules=load_rules(framework=framework),
                                        city_type=assessment.region.city_type, spec=spec, values=values,
                                        stability=cached_stability(spec=spec, values=values, card=card),
                                        moves=cached_moves(spec=spec, values=values, card=card))
    peers = None
    if with_peers:
        names = {dimension.code: dimension.name for dimension in framework.dimensions.all()}
        peers = compare_with_peers(region=assessment.region, card=card, dimension_names=names,
                                   overall_name=gettext("Overall"))
    return AssessmentResult(assessment=assessment, framework=framework, spec=spec, values=values, card=card,
                            previous=previous, advice=advice, peers=peers)


def advice_for(*, assessment: Assessment) -> Recommendations:
    """The recommendations of one assessment (no previous assessment, no peers), with the tier
    stability; texts in the active language."""
    return assessment_result(assessment=assessment, with_previous=False, with_peers=False).advice


def scorecards(*, assessments: Iterable[Assessment]) -> dict[int, ScoreCard]:
    """The batch form: ScoreCards of many assessments by the pandas path (a constant number of
    queries: the framework versions in use, and one answers query)."""
    assessments = list(assessments)
    frameworks = frameworks_by_id(a.framework_id for a in assessments) if assessments else {}
    return batch_scorecards(assessments, frameworks=frameworks)
