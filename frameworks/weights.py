"""Every weight of a framework version in one table: each row's effective share of the overall
score, and saving a table of edited weights and reasons without overwriting anyone else's edit.

- `effective_shares` is pure: the share of the overall score each dimension, sub-dimension and
  indicator carries when every indicator is answered (the product of the normalised weights down
  the tree, by the version's aggregation), as exact fractions.
- `weight_rows` lists a version's rows in questionnaire order, with their share and a revision
  (a fingerprint of the stored weight and reasons: the page sends it back, and a row changed by
  someone else meanwhile is refused, never silently overwritten).
- `save_weights` writes the edited rows of a draft version in one transaction.
"""

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from frameworks.models import Dimension, Framework, Indicator, SubDimension
from frameworks.spec import AGGREGATE_SUBDIMENSIONS, FrameworkSpec, framework_spec

DIMENSION, SUBDIMENSION, INDICATOR = "dimension", "subdimension", "indicator"
MODELS = {DIMENSION: Dimension, SUBDIMENSION: SubDimension, INDICATOR: Indicator}
EDITABLE = ("weight", "rationale_zh", "rationale_en")


def _normalised(weights: list[float]) -> list[Fraction]:
    exact = [Fraction(weight) for weight in weights]
    total = sum(exact)
    return [weight / total if total else Fraction(0) for weight in exact]


def effective_shares(*, spec: FrameworkSpec) -> dict[tuple[str, str], Fraction]:
    """(level, code) → the row's exact share of the overall score when every indicator is answered.

    The overall score is the dimensions' mean by dimension weight. By sub-dimension aggregation
    (version 2) a dimension is its sub-dimensions' mean by their weight and a sub-dimension its
    indicators' mean, so an indicator's share is the product of the three normalised weights. By
    indicator aggregation (version 1) a dimension is the mean of all its indicators by indicator
    weight: sub-dimension weights do not count, and a sub-dimension's share is its indicators' sum.
    The shares of each level add up to 1."""
    shares: dict[tuple[str, str], Fraction] = {}
    by_subdimension = spec.aggregation == AGGREGATE_SUBDIMENSIONS
    for dimension, dim_share in zip(spec.dimensions, _normalised([d.weight for d in spec.dimensions]), strict=True):
        shares[(DIMENSION, dimension.code)] = dim_share
        if by_subdimension:
            sub_shares = _normalised([sub.weight for sub in dimension.subdimensions])
            for sub, sub_share in zip(dimension.subdimensions, sub_shares, strict=True):
                shares[(SUBDIMENSION, sub.code)] = dim_share * sub_share
                for ind, ind_share in zip(sub.indicators, _normalised([i.weight for i in sub.indicators]),
                                          strict=True):
                    shares[(INDICATOR, ind.code)] = dim_share * sub_share * ind_share
        else:
            ind_shares = iter(_normalised([ind.weight for ind in dimension.indicators]))
            for sub in dimension.subdimensions:
                total = Fraction(0)
                for ind in sub.indicators:
                    share = dim_share * next(ind_shares)
                    shares[(INDICATOR, ind.code)] = share
                    total += share
                shares[(SUBDIMENSION, sub.code)] = total
    return shares


def revision_of(row) -> str:
    """A short fingerprint of what the weights table edits in `row` (weight and both reasons)."""
    text = "\x1f".join(repr(getattr(row, name)) for name in EDITABLE)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def row_key(level: str, pk: int) -> str:
    return f"{level}:{pk}"


@dataclass(frozen=True)
class WeightRow:
    level: str  # DIMENSION, SUBDIMENSION or INDICATOR
    row: Dimension | SubDimension | Indicator
    share: Fraction
    weight_counts: bool  # False for sub-dimension weights of a version aggregated by indicators

    @property
    def key(self) -> str:
        return row_key(self.level, self.row.pk)

    @property
    def revision(self) -> str:
        return revision_of(self.row)

    @property
    def label(self) -> str:
        """What names the row in a message: its code and name ("S1.1", "S1 城市禀赋与战略规划")."""
        return self.row.code if self.level == INDICATOR else str(self.row)


def weight_rows(*, framework: Framework) -> list[WeightRow]:
    """Every dimension, sub-dimension and indicator of `framework`, in questionnaire order (each
    dimension, then its sub-dimensions, each followed by its indicators), in three queries; reads
    what `framework` has prefetched."""
    prefetch_related_objects([framework], "dimensions__subdimensions__indicators")
    spec = framework_spec(framework=framework)
    shares = effective_shares(spec=spec)
    sub_counts = spec.aggregation == AGGREGATE_SUBDIMENSIONS
    rows = []
    for dimension in framework.dimensions.all():
        rows.append(WeightRow(DIMENSION, dimension, shares[(DIMENSION, dimension.code)], True))
        for sub in dimension.subdimensions.all():
            rows.append(WeightRow(SUBDIMENSION, sub, shares[(SUBDIMENSION, sub.code)], sub_counts))
            rows.extend(WeightRow(INDICATOR, ind, shares[(INDICATOR, ind.code)], True)
                        for ind in sub.indicators.all())
    return rows


@dataclass(frozen=True)
class Conflict:
    """A row someone else changed after the page was opened: its values now."""

    key: str
    label: str
    current: dict
    revision: str


class WeightsRefused(Exception):
    """Nothing was saved: `problems` name the rows; `conflicts` are rows changed meanwhile."""

    def __init__(self, problems: list[str], conflicts: list[Conflict] | None = None) -> None:
        self.problems = problems
        self.conflicts = conflicts or []
        super().__init__("; ".join(problems))


def save_weights(*, framework: Framework, edits: dict[str, dict], user=None, reason: str = "") -> list[str]:
    """Write the edited rows of a draft version; returns the labels of the rows that changed.

    `edits` maps a row key to the values typed (`weight`, `rationale_zh`, `rationale_en`) and the
    `revision` the page was given. A row whose stored values changed since (another revision) and
    whose typed values differ from them is a conflict: nothing is written and the conflicts say
    what the row holds now. A published version is never changed. `reason`, when given, is each
    history record's change reason."""
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.is_published:
            raise WeightsRefused([_("%(framework)s is published: its weights cannot be changed.")
                                  % {"framework": framework}])
        rows = {row.key: row for row in weight_rows(framework=framework)}
        unknown = sorted(set(edits) - set(rows))
        if unknown:
            raise WeightsRefused([_("Some rows no longer belong to %(framework)s; reload the page.")
                                  % {"framework": framework}])
        changed, conflicts = [], []
        for key, typed in edits.items():
            row = rows[key]
            values = {name: typed[name] for name in EDITABLE}
            current = {name: getattr(row.row, name) for name in EDITABLE}
            if values == current:
                continue
            if typed["revision"] != row.revision:
                conflicts.append(Conflict(key=key, label=row.label, current=current, revision=row.revision))
                continue
            changed.append(row)
            for name, value in values.items():
                setattr(row.row, name, value)
        if conflicts:
            raise WeightsRefused([_("%(row)s was changed by someone else after you opened this page; "
                                    "nothing was saved. Its values now are shown next to yours: "
                                    "save again to keep yours.") % {"row": conflict.label}
                                  for conflict in conflicts], conflicts)
        for row in changed:
            record: Any = row.row  # simple-history reads these two attributes when the row is saved
            if user is not None:
                record._history_user = user
            if reason.strip():
                record._change_reason = reason.strip()
            record.save(update_fields=list(EDITABLE))
    return [row.label for row in changed]
