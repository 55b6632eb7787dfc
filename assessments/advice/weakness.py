"""Which dimensions are weak for this region, relative to its own profile.

A dimension is weak when it is in the basic tier, or when it is below the region's own mean (the
plain mean of its dimension scores) and among its two lowest. Its strongest dimension (every
dimension at the maximum score, ties included) is never weak, so a region whose dimensions are all
equal has no weak dimension: the tier's classified strategy (七(一)) is its advice.
"""

from assessments.scoring import BOUNDARY_TOLERANCE, TIER_BASIC, ScoreCard

LOWEST_COUNT = 2


def weak_dimensions(*, card: ScoreCard) -> tuple[str, ...]:
    """Codes of the weak dimensions, the lowest first (ties in questionnaire order)."""
    scored = [(dim.code, dim.score, dim.tier) for dim in card.dimensions if dim.score is not None]
    if not scored:
        return ()
    scores = sorted(score for _, score, _ in scored)
    mean = sum(scores) / len(scores)
    strongest = scores[-1]
    lowest_cut = scores[min(LOWEST_COUNT, len(scores)) - 1]
    weak = [
        (score, order, code) for order, (code, score, tier) in enumerate(scored)
        if score < strongest - BOUNDARY_TOLERANCE
        and (tier == TIER_BASIC or (score < mean - BOUNDARY_TOLERANCE and score <= lowest_cut + BOUNDARY_TOLERANCE))
    ]
    return tuple(code for _, _, code in sorted(weak))
