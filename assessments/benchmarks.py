"""Peer benchmarks: where a region stands among the others, computed with pandas.

The group is the latest submitted assessment of every region (by submission time), optionally
filtered by region kind, city type and tier (the tier of that latest assessment's overall score).
Per dimension and overall: mean, median and quartiles (pandas' linear interpolation, as
`Series.quantile`), over the regions that have a score there; a region's percentile is its
percentile rank in the group: the share of the group scoring below it, ties counted half.

Privacy: only aggregates, and only of the groups that `assessments.disclosure` lets through: at least
`MIN_PEERS` regions, no complement under `MIN_PEERS` within a larger published group, and no
combination of published answers that gives a region's score or tier. Any other group gives only
`enough_peers: false`, without a count. Nothing here names a region. The API, `benchmark_regions`, the
results page and the PDF all go through `peer_benchmarks` or `compare_with_peers`, so through the same
decision, taken over every filter combination at once (cached per state of the peer table).

A constant number of queries whatever the number of regions. The shared cache keeps, under a digest
of the peer table's state (`peer_state`: one plain query of the submitted assessments), the scored
table and each kind's figures (`peers_by_kind`: statistics, sorted scores, framework versions), so a
results page reads one state query and one cache entry and looks up its percentiles by binary search.
On a miss: the latest submitted assessments with their regions (1), their framework versions (4) and
their answers (1), scored by the batch path.
"""

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from assessments.disclosure import Decision, Member, decide
from assessments.models import Assessment, Region
from assessments.queries import batch_scorecards
from assessments.scoring import BOUNDARY_TOLERANCE, TIER_ADVANCED, TIER_BASIC, TIER_INTERMEDIATE, ScoreCard
from assessments.selectors import latest_submitted_per_region
from frameworks.models import CityType

MIN_PEERS = 5
# Scoring every peer on each results page and report grew with the number of regions (the hot spot
# of docs/benchmarks.md): the scored frame is kept in the cache under a key of its inputs.
PEER_FRAME_SECONDS = 600
CACHE_FORMAT = 3  # of the cached frame and per-kind statistics (a new format never reads an old entry)
OVERALL = "overall"
BASE_COLUMNS = ["region", "kind", "city_type", "tier", "version", OVERALL]
TIERS = (TIER_ADVANCED, TIER_INTERMEDIATE, TIER_BASIC)
NO_STATISTICS = {"mean": None, "median": None, "p25": None, "p75": None}
NO_SCORES = np.empty(0)


def latest_submitted(regions_qs: QuerySet[Region]) -> list[Assessment]:
    """The latest submitted assessment (selectors' one definition) of each of the regions, with its
    region, in one query."""
    return list(latest_submitted_per_region(regions=regions_qs))


def peer_state(*, regions_qs: QuerySet[Region] | None = None) -> str:
    """A digest of everything the peer table depends on, in one plain query (no sub-query per row):
    every submitted assessment of the regions with its region, kind, city type, framework version and
    its submission, creation and edit times. Which one is a region's latest follows from these.

    The answers are not read: a submitted assessment's answers change only together with the
    assessment. `answering.save_step` writes to drafts only (it locks the row and refuses a submitted
    one), `versioning.move_assessment` moves drafts only, and the one path that changes a submitted
    answer, `review.change_answer`, stamps the assessment's `updated_at` in the same transaction; a
    submit or a reopen saves `status`, `submitted_at` and `updated_at`. Assessments and answers are
    not in the admin. A region's kind or city type is read here, so the admin's change of either
    gives a new state. Not in it: a published framework version's weights, which never change in
    place (a change is a new version)."""
    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    if regions_qs is not None:
        submitted = submitted.filter(region__in=regions_qs)
    rows = list(submitted.order_by("pk").annotate(  # times as the database writes them: no conversion per row
        submitted=Cast("submitted_at", CharField()), created=Cast("created_at", CharField()),
        edited=Cast("updated_at", CharField()),
    ).values_list("pk", "region_id", "region__kind", "region__city_type", "framework_id", "submitted", "created",
                  "edited"))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def peer_frame(regions_qs: QuerySet[Region] | None = None) -> pd.DataFrame:
    """One row per region with a submitted assessment: `region` (id), `kind`, `city_type`, `tier`,
    `overall` and one column per dimension code (NaN where there is no score)."""
    return _frame(peer_state(regions_qs=regions_qs), regions_qs)


def _frame(state: str, regions_qs: QuerySet[Region] | None) -> pd.DataFrame:
    key = f"peer-frame:{CACHE_FORMAT}:{state}"
    frame = cache.get(key)
    if frame is None:
        frame = _scored_frame(latest_submitted(Region.objects.all() if regions_qs is None else regions_qs))
        if peer_state(regions_qs=regions_qs) == state:  # nothing was submitted or reopened meanwhile
            cache.set(key, frame, PEER_FRAME_SECONDS)
    return frame


def _scored_frame(assessments: list[Assessment]) -> pd.DataFrame:
    cards = batch_scorecards(assessments)
    codes: list[str] = []
    rows = []
    for assessment in assessments:
        region = assessment.region
        card = cards[assessment.pk]
        row = {"region": region.pk, "kind": region.kind, "city_type": region.city_type,
               "tier": card.overall_tier, "version": card.version, OVERALL: card.overall}
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


def disclosure(frame: pd.DataFrame) -> Decision:
    """Which filter groups of the peer table may be published (`assessments.disclosure.decide`; cached
    there on the number of regions per kind, city type, tier and scored columns)."""
    scores = [OVERALL, *dimension_codes(frame)]
    present = frame[scores].notna().to_numpy()
    members = [Member(kind=kind, city_type=city_type, tier=tier if isinstance(tier, str) else None,
                      scored=frozenset(code for code, has in zip(scores, row, strict=True) if has))
               for kind, city_type, tier, row in zip(frame["kind"], frame["city_type"], frame["tier"], present,
                                                     strict=True)]
    return decide(members=members, kinds=Region.Kind.values, city_types=CityType.values, tiers=TIERS,
                  minimum=MIN_PEERS)


def summarise(frame: pd.DataFrame) -> dict:
    """The `benchmark_regions --format json` document of a group that may be published."""
    if len(frame) < MIN_PEERS:
        return {"enough_peers": False}
    return {
        "count": len(frame),
        OVERALL: statistics(frame[OVERALL]),
        "dimensions": {code: statistics(frame[code]) for code in dimension_codes(frame)},
    }


def peer_benchmarks(*, regions_qs: QuerySet[Region] | None = None, kind: str | None = None,
                    city_type: str | None = None, tier: str | None = None) -> dict:
    """`{"count": n, "overall": {"mean", "median", "p25", "p75"}, "dimensions": {"S": {…}, …}}` over
    the latest submitted assessment of each region of `regions_qs` (default: every region) in the
    filter, when `disclosure` lets the group through; otherwise only `{"enough_peers": false}`."""
    frame = peer_frame(regions_qs)
    if not disclosure(frame).allows(kind=kind, city_type=city_type, tier=tier):
        return {"enough_peers": False}
    return summarise(filter_frame(frame, kind=kind, city_type=city_type, tier=tier))


def percentile_rank(values, score: float | None) -> float | None:
    """The percentage of `values` below `score`, values equal to it counted half (within the float
    tolerance of scoring); None without a score or values."""
    array = np.asarray(values, dtype=float)
    return sorted_percentile_rank(np.sort(array[~np.isnan(array)]), score)


def sorted_percentile_rank(ordered: np.ndarray, score: float | None) -> float | None:
    """`percentile_rank` of scores already sorted, without NaN: two binary searches."""
    if score is None or not len(ordered):
        return None
    below = int(np.searchsorted(ordered, score - BOUNDARY_TOLERANCE, side="left"))
    equal = int(np.searchsorted(ordered, score + BOUNDARY_TOLERANCE, side="right")) - below
    return float((below + 0.5 * equal) / len(ordered) * 100)


@dataclass(frozen=True)
class KindPeers:
    """The published figures of the peers of one region kind, as a results page needs them: worked
    out once per state of the peer table and kept in the shared cache with it, so a page only looks up
    its own percentiles."""

    count: int
    statistics: dict[str, dict]  # score column → `statistics()` (mean, median, p25, p75)
    scores: dict[str, np.ndarray]  # score column → the scores there, sorted (for percentiles)
    versions: dict[int, int]  # ScoreCard.version → number of regions assessed on it


def peers_by_kind() -> dict[str, KindPeers]:
    """`KindPeers` of every kind whose group `disclosure` lets through (the others are left out), from
    the cache of the peer table's state (one plain query and one cache read on a hit)."""
    state = peer_state()
    key = f"peer-kinds:{CACHE_FORMAT}:{state}"
    kinds = cache.get(key)
    if kinds is None:
        frame = _frame(state, None)
        decision = disclosure(frame)
        kinds = {kind: _kind_peers(filter_frame(frame, kind=kind)) for kind in Region.Kind.values
                 if decision.allows(kind=kind)}
        if peer_state() == state:
            cache.set(key, kinds, PEER_FRAME_SECONDS)
    return kinds


def _kind_peers(frame: pd.DataFrame) -> KindPeers:
    columns = [OVERALL, *dimension_codes(frame)]
    return KindPeers(
        count=len(frame),
        statistics={code: statistics(frame[code]) for code in columns},
        scores={code: np.sort(frame[code].dropna().to_numpy(dtype=float)) for code in columns},
        versions={int(version): int(count) for version, count in frame["version"].value_counts().items()},
    )


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
    count: int | None  # None when the group may not be published (then no count either)
    enough_peers: bool
    rows: tuple[PeerRow, ...] = ()  # overall first, then the dimensions; empty without enough peers
    other_versions: int = 0  # peers assessed on another version of the framework (compared by dimension code)

    @property
    def medians(self) -> dict[str, float | None]:
        return {row.code: row.median for row in self.rows if row.code != OVERALL}

    def state(self) -> list:
        """What a rendered report depends on (for its cache key)."""
        return [self.kind, self.count, self.enough_peers, self.other_versions,
                [[row.code, row.score, row.mean, row.median, row.p25, row.p75, row.percentile]
                 for row in self.rows]]


def compare_with_peers(*, region: Region, card: ScoreCard, dimension_names: dict[str, str],
                       overall_name: str) -> PeerComparison:
    """The card's overall and dimension scores against the latest submitted assessments of every
    region of the same kind, with the card's percentile in each; nothing when `disclosure` refuses
    that group."""
    peers = peers_by_kind().get(region.kind)
    if peers is None:
        return PeerComparison(kind=region.kind, count=None, enough_peers=False)
    rows = []
    scores = [(OVERALL, overall_name, card.overall)] + [
        (dim.code, dimension_names.get(dim.code, dim.code), dim.score) for dim in card.dimensions]
    for code, name, score in scores:
        stats = peers.statistics.get(code) or NO_STATISTICS
        rows.append(PeerRow(code=code, name=name, score=score, **stats,
                            percentile=sorted_percentile_rank(peers.scores.get(code, NO_SCORES), score)))
    other_versions = peers.count - peers.versions.get(card.version, 0)
    return PeerComparison(kind=region.kind, count=peers.count, enough_peers=True, rows=tuple(rows),
                          other_versions=other_versions)
