"""Disclosure control for the peer benchmarks: which filter groups may be published.

A filter group is the set of regions that match a kind, a city type and a tier, each one value or
"any" (`group_keys`). Publishing a group's mean publishes the sum of its members' scores (mean ×
count) and its count, and an official who knows their own region's scores can combine any number of
published answers linearly: 10 × mean(district) − 9 × mean(district, intermediate) was another
region's exact score (issue 11). A group is published only when all of these hold:

1. it has at least `minimum` regions (primary suppression);
2. its complement within any published group that contains it is empty or has at least `minimum`
   regions (no two published counts of nested groups differ by 1 to minimum − 1);
3. it does not tell the tier of all its regions: a tier group (tier t) is refused when it has the
   same regions as a group without a tier filter (then every region of that kind / city type is t);
4. no linear combination of the published sums, with the one region's scores the official knows,
   gives another region's score, overall or in any dimension (over the regions scored there);
5. no linear combination of the published counts gives the count of a non-empty group refused by
   rule 1 or 3, nor shows that a group without a tier filter lies wholly in one tier.

Groups are taken largest first (then the fewest filters, then by name) and each is published only
if the published set stays safe with it: smaller groups give way to larger ones (secondary
suppression), the same way every time. A refused group gives no count at all.

Rules 4 and 5 are checked on cells: regions with the same kind, city type, tier and scored columns
belong to the same groups, so every membership vector is constant on a cell and the linear algebra
runs on at most a few dozen cells whatever the number of regions. Rule 4 assumes the official knows
each group's number of regions scored in a dimension; rule 5 works on every possible cell (the
official does not know which are empty). The decision depends only on the number of regions per
cell, and is cached on it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from threadpoolctl import threadpool_limits

GroupKey = tuple[str | None, str | None, str | None]  # kind, city type, tier; None for any
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Member:
    """What the filters and the scores of one region's latest submitted assessment look like."""

    kind: str
    city_type: str
    tier: str | None
    scored: frozenset[str] = frozenset()  # the score columns (overall, dimension codes) it has a score in


@dataclass(frozen=True)
class Decision:
    published: frozenset[GroupKey]

    def allows(self, *, kind: str | None = None, city_type: str | None = None, tier: str | None = None) -> bool:
        return (kind or None, city_type or None, tier or None) in self.published


def group_keys(*, kinds: Sequence[str], city_types: Sequence[str], tiers: Sequence[str]) -> list[GroupKey]:
    """Every filter combination, "any" (None) included: (len(kinds) + 1) × (len(city_types) + 1) ×
    (len(tiers) + 1) groups."""
    return list(itertools.product([None, *kinds], [None, *city_types], [None, *tiers]))


def in_group(key: GroupKey, *, kind: str, city_type: str, tier: str | None) -> bool:
    return all(wanted is None or wanted == value for wanted, value in zip(key, (kind, city_type, tier), strict=True))


def decide(*, members: Iterable[Member], kinds: Sequence[str], city_types: Sequence[str], tiers: Sequence[str],
           minimum: int) -> Decision:
    """Which of the groups of `group_keys` may be published over `members` (see the module)."""
    cells = Counter(members)
    state = tuple(sorted(((cell.kind, cell.city_type, cell.tier or "", tuple(sorted(cell.scored))), count)
                         for cell, count in cells.items()))
    return _decide(state, tuple(kinds), tuple(city_types), tuple(tiers), minimum)


@lru_cache(maxsize=64)
def _decide(state: tuple, kinds: tuple[str, ...], city_types: tuple[str, ...], tiers: tuple[str, ...],
            minimum: int) -> Decision:
    with threadpool_limits(limits=1, user_api="blas"):  # tiny matrices: more threads only wait on each other
        return _decide_now(state, kinds, city_types, tiers, minimum)


def _decide_now(state: tuple, kinds: tuple[str, ...], city_types: tuple[str, ...], tiers: tuple[str, ...],
                minimum: int) -> Decision:
    keys = group_keys(kinds=kinds, city_types=city_types, tiers=tiers)
    occupied = [(kind, city_type, tier or None, frozenset(scored)) for (kind, city_type, tier, scored), _ in state]
    sizes = np.array([count for _, count in state], dtype=float)
    members = _matrix(keys, [cell[:3] for cell in occupied])
    possible = list(itertools.product(kinds, city_types, [*tiers, None]))
    universe = _matrix(keys, possible)
    counts = members @ sizes
    refused = set(np.flatnonzero(counts < minimum).tolist())
    sets = [frozenset(np.flatnonzero(row).tolist()) for row in members]
    untiered = {sets[index] for index, key in enumerate(keys) if key[2] is None} - {frozenset()}
    refused |= {index for index, key in enumerate(keys) if key[2] is not None and sets[index] in untiered}
    # rule 5: the counts of refused non-empty groups, and for a group without a tier filter whose
    # regions are all of one tier, the count of its cells of the other tiers (0)
    hidden = [universe[index] for index in sorted(refused) if counts[index] > 0]
    for index, key in enumerate(keys):
        present = {occupied[cell][2] for cell in sets[index]}
        if key[2] is None and len(present) == 1:
            rest = universe[index] * np.array([tier not in present for _, _, tier in possible])
            if rest.any():
                hidden.append(rest)
    columns = sorted(set().union(*(cell[3] for cell in occupied)))
    masks = sorted({tuple(column in cell[3] for cell in occupied) for column in columns})
    checks = _Checks(members=members, sizes=sizes, universe=universe, hidden=hidden,
                     scored=[np.flatnonzero(mask) for mask in masks])
    order = sorted(set(range(len(keys))) - refused,
                   key=lambda index: (-counts[index], sum(value is not None for value in keys[index]),
                                      [value or "" for value in keys[index]]))
    published: list[int] = []
    for index in order:
        if _nested_ok(index, published, sets=sets, counts=counts, minimum=minimum) \
                and checks.safe([*published, index]):
            published.append(index)
    return Decision(published=frozenset(keys[index] for index in published))


def _matrix(keys: list[GroupKey], cells: list[tuple]) -> np.ndarray:
    """groups × cells, 1 where the cell is in the group."""
    return np.array([[in_group(key, kind=kind, city_type=city_type, tier=tier) for kind, city_type, tier in cells]
                     for key in keys], dtype=float).reshape(len(keys), len(cells))


def _nested_ok(index: int, published: list[int], *, sets: list[frozenset], counts: np.ndarray,
               minimum: int) -> bool:
    """Rule 2: against every published group that contains the group or that it contains."""
    for other in published:
        nested = sets[index] <= sets[other] or sets[other] <= sets[index]
        if nested and 0 < abs(counts[other] - counts[index]) < minimum:
            return False
    return True


def _complement(rows: np.ndarray) -> np.ndarray:
    """The orthogonal projector onto the complement of the row space of `rows`."""
    size = rows.shape[1]
    if not rows.size:
        return np.eye(size)
    _, singular, basis = np.linalg.svd(rows, full_matrices=False)
    basis = basis[: int((singular > TOLERANCE * max(1.0, singular[0])).sum())]
    return np.eye(size) - basis.T @ basis


def _in_span(residual: np.ndarray, vector: np.ndarray) -> bool:
    return bool(np.linalg.norm(residual @ vector) <= 1e-7 * max(1.0, float(np.linalg.norm(vector))))


@dataclass(frozen=True)
class _Checks:
    members: np.ndarray  # groups × occupied cells
    sizes: np.ndarray  # regions per occupied cell
    universe: np.ndarray  # groups × every possible (kind, city type, tier or none) cell
    hidden: list[np.ndarray]  # rule 5: vectors over the possible cells that must stay out of the span
    scored: list[np.ndarray]  # per distinct set of cells scored in some column: those cells

    def safe(self, rows: list[int]) -> bool:
        picked = np.asarray(rows)
        if any(_reveals_a_score(self.members[np.ix_(picked, cells)], self.sizes[cells]) for cells in self.scored):
            return False
        residual = _complement(self.universe[rows])
        return not any(_in_span(residual, vector) for vector in self.hidden)


def _reveals_a_score(rows: np.ndarray, sizes: np.ndarray) -> bool:
    """Whether sums over the groups `rows` (groups × cells) give one region's score to an official who
    knows their own: a cell of one region, or of two (the other region knows its own), lies in the row
    space, or a combination of two one-region cells does (one of them being the official's)."""
    if not rows.size:
        return False
    residual = _complement(rows)
    norms = np.clip(np.diag(residual), 0.0, None)
    if np.any((sizes <= 2) & (norms <= 1e-7)):
        return True
    single = np.flatnonzero(sizes == 1)
    gram = residual[np.ix_(single, single)]
    parallel = gram ** 2 >= np.outer(norms[single], norms[single]) * (1 - 1e-7)
    np.fill_diagonal(parallel, False)
    return bool(parallel.any())
