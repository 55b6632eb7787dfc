"""Self-assessment bias: how far the region's own answers were above (or below) the verified ones.

Per dimension:
- `level_gap`: the mean, over the dimension's indicators answered with a level both as self-assessed
  and as verified, of (self-assessed level − verified level); an indicator that is N/A or unanswered
  on either side drops out. None when no indicator counts.
- `score_gap`: the self-assessed dimension score − the verified dimension score, both by the
  framework's own scoring (`score_answers`); None when either side has no score.
Positive: over-rating. Zero when nothing was changed in review. Pure: no I/O.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from assessments.scoring import AnswerValue, score_answers
from frameworks.spec import FrameworkSpec


@dataclass(frozen=True, slots=True)
class DimensionBias:
    code: str
    level_gap: float | None
    score_gap: float | None
    changed: int  # indicators whose verified value differs from the self-assessed one


@dataclass(frozen=True, slots=True)
class Bias:
    dimensions: tuple[DimensionBias, ...]
    overall_score_gap: float | None

    @property
    def any_change(self) -> bool:
        return any(d.changed for d in self.dimensions)


def _gap(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def self_assessment_bias(*, spec: FrameworkSpec, self_assessed: Mapping[str, AnswerValue],
                         verified: Mapping[str, AnswerValue]) -> Bias:
    self_card = score_answers(spec=spec, answers=self_assessed)
    verified_card = score_answers(spec=spec, answers=verified)
    dimensions = []
    for dimension in spec.dimensions:
        gaps, changed = [], 0
        for indicator in dimension.indicators:
            mine, theirs = self_assessed.get(indicator.code), verified.get(indicator.code)
            changed += mine != theirs
            if isinstance(mine, int) and isinstance(theirs, int):
                gaps.append(mine - theirs)
        dimensions.append(DimensionBias(
            code=dimension.code, level_gap=sum(gaps) / len(gaps) if gaps else None,
            score_gap=_gap(self_card.dimension(dimension.code).score, verified_card.dimension(dimension.code).score),
            changed=changed))
    return Bias(dimensions=tuple(dimensions), overall_score_gap=_gap(self_card.overall, verified_card.overall))
