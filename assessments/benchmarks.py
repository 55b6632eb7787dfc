"""Peer benchmarks: where a region stands among the others, computed with pandas.

The group is the latest submitted assessment of every region (by submission time), optionally
filtered by region kind, city type and tier (the tier of that latest assessment's overall score).
Per dimension and overall: mean, median and quartiles (pandas' linear interpolation, as
`Series.quantile`), over the regions that have a score there; a region's percentile is its
percentile rank in the group: the share of the group scoring below it, ties counted half.

Privacy: only aggregates, and only when the group has at least `MIN_PEERS` regions; otherwise just
the count and `enough_peers: false`. Nothing here names a region.

A constant number of queries whatever the number of regions: the latest submitted assessments with
their regions (1), their framework versions (4) and their answers (1), scored by the pandas batch path.
"""

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from assessments.models import Answer, Assessment, Region
from assessments.queries import batch_scorecards
from assessments.scoring import BOUNDARY_TOLERANCE, ScoreCard
from assessments.selectors import latest_submitted_per_region

MIN_PEERS = 5
# Scoring every peer on each results page and report grew with the number of regions (the hot spot
# of docs/benchmarks.md): the scored frame is kept in the cache under a key of its inputs.
PEER_FRAME_SECONDS = 600
OVERALL = "overall"
BASE_COLUMNS = ["region", "kind", "city_type", "tier", OVERALL]


def latest_submitted(regions_qs: QuerySet[Region]) -> list[Assessment]:
    """The latest submitted assessment (selectors' one definition) of each of the regions, with its
    region, in one query."""
    answers = Answer.objects.filter(assessment=OuterRef("pk")).order_by().values("assessment")
    return list(latest_submitted_per_region(regions=regions_qs)
                # for the cache key of peer_frame: how many answers, changed when
                .annotate(answers_count=Subquery(answers.annotate(n=Count("pk")).values("n")),
                          answers_changed=Subquery(answers.annotate(m=Max("updated_at")).values("m"))))


def peer_frame(regions_qs: QuerySet[Region] | None = None) -> pd.DataFrame:
    """One row per region with a submitted assessment: `region` (id), `kind`, `city_type`, `tier`,
    `overall` and one column per dimension code (NaN where there is no score)."""
    assessments = latest_submitted(Region.objects.all() if regions_qs is None else regions_qs)
    key = _frame_key(assessments)
    frame = cache.get(key)
    if frame is None:
        frame = _scored_frame(assessments)
        cache.set(key, frame, PEER_FRAME_SECONDS)
    return frame


def _frame_key(assessments: list[Assessment]) -> str:
    """Everything the frame depends on: the assessments (region, kind, city type, framework version,
    submission and edit times) and their answers (count and last change), as `latest_submitted`
    reads them: no query of its own."""
    state = [[a.pk, a.region_id, a.region.kind, a.region.city_type, a.framework_id, a.submitted_at, a.updated_at,
              a.answers_count, a.answers_changed] for a in assessments]  # type: ignore[attr-defined]  # annotated by latest_submitted()
    return "peer-frame:" + hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def _scored_frame(assessments: list[Assessment]) -> pd.DataFrame:
    cards = batch_scorecards(assessments)
    codes: list[str] = []
    rows = []
    for assessment in assessments:
        region = assessment.region
        card = cards[assessment.pk]
        row = {"region": region.pk, "kind": region.kind, "city_type": region.city_type,
               "tier": card.overall_tier, OVERALL: card.overall}
        for dimension in card.dimensions:
            if dimension.code not in codes:
                codes.append(dimension.code)
            row[dimension.code] = dimension.score
        rows.append(row)
    frame = pd.DataFrame(rows, columns=BASE_COLUMNS + codes)
    for column in [OVERALL, *codes]:
        frame[column] = frame[column].astype(float)
    return frame


def dimension_codes(frame: pd.DataFrame) -> list[str]:
    return [column for column in frame.columns if column not in BASE_COLUMNS]


def filter_frame(frame: pd.DataFrame, *, kind: str | None = None, city_type: str | None = None,
                 tier: str | None = None) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, value in (("kind", kind), ("city_type", city_type), ("tier", tier)):
        if value:
            mask &= frame[column] == value
    return frame[mask]


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)


def statistics(values: pd.Series) -> dict:
    """mean, median, p25, p75 of the scores that exist (None when there is none)."""
    values = values.dropna().astype(float)
    return {"mean": _number(values.mean()), "median": _number(values.median()),
            "p25": _number(values.quantile(0.25)), "p75": _number(values.quantile(0.75))}


def summarise(frame: pd.DataFrame) -> dict:
    """The `benchmark_regions --format json` document of a group."""
    count = len(frame)
    if count < MIN_PEERS:
        return {"count": count, "enough_peers": False}
    return {
        "count": count,
        OVERALL: statistics(frame[OVERALL]),
        "dimensions": {code: statistics(frame[code]) for code in dimension_codes(frame)},
    }


def peer_benchmarks(*, regions_qs: QuerySet[Region] | None = None, kind: str | None = None,
                    city_type: str | None = None, tier: str | None = None) -> dict:
    """`{"count": n, "overall": {"mean", "median", "p25", "p75"}, "dimensions": {"S": {…}, …}}` over
    the latest submitted assessment of each region of `regions_qs` (default: every region) in the
    filter; `{"count": n, "enough_peers": false}` when fewer than MIN_PEERS regions are in it."""
    regions = Region.objects.all() if regions_qs is None else regions_qs
    if kind:
        regions = regions.filter(kind=kind)
    if city_type:
        regions = regions.filter(city_type=city_type)
    return summarise(filter_frame(peer_frame(regions), tier=tier))


def percentile_rank(values, score: float | None) -> float | None:
    """The percentage of `values` below `score`, values equal to it counted half (within the float
    tolerance of scoring); None without a score or values."""
    values = pd.Series(values, dtype=float).dropna()
    if score is None or values.empty:
        return None
    below = (values < score - BOUNDARY_TOLERANCE).sum()
    equal = ((values - score).abs() <= BOUNDARY_TOLERANCE).sum()
    return float((below + 0.5 * equal) / len(values) * 100)


@dataclass(frozen=True)
class PeerRow:
    code: str  # "overall" or a dimension code
    name: str
    score: float | None
    mean: float | None
    median: float | None
    p25: float | None
    p75: float | None
    percentile: float | None


@dataclass(frozen=True)
class PeerComparison:
    """An assessment against the peers of its region's kind (all regions, only as aggregates)."""

    kind: str
    count: int
    enough_peers: bool
    rows: tuple[PeerRow, ...] = ()  # overall first, then the dimensions; empty without enough peers

    @property
    def medians(self) -> dict[str, float | None]:
        return {row.code: row.median for row in self.rows if row.code != OVERALL}

    def state(self) -> list:
        """What a rendered report depends on (for its cache key)."""
        return [self.kind, self.count, self.enough_peers,
                [[row.code, row.score, row.mean, row.median, row.p25, row.p75, row.percentile]
                 for row in self.rows]]


def compare_with_peers(*, region: Region, card: ScoreCard, dimension_names: dict[str, str],
                       overall_name: str) -> PeerComparison:
    """The card's overall and dimension scores against the latest submitted assessments of every
    region of the same kind, with the card's percentile in each."""
    frame = peer_frame(Region.objects.filter(kind=region.kind))
    if len(frame) < MIN_PEERS:
        return PeerComparison(kind=region.kind, count=len(frame), enough_peers=False)
    rows = []
    scores = [(OVERALL, overall_name, card.overall)] + [
        (dim.code, dimension_names.get(dim.code, dim.code), dim.score) for dim in card.dimensions]
    for code, name, score in scores:
        values = frame[code] if code in frame.columns else pd.Series(dtype=float)
        stats = statistics(values)
        rows.append(PeerRow(code=code, name=name, score=score, **stats,
                            percentile=percentile_rank(values, score)))
    return PeerComparison(kind=region.kind, count=len(frame), enough_peers=True, rows=tuple(rows))
