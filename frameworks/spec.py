"""A framework version's scoring structure as plain frozen data (codes, weights, thresholds).

Scoring works on this, never on model instances, so it stays pure and fast; `framework_spec()`
builds it from the database in one prefetching query set.
"""

from dataclasses import dataclass

from frameworks.models import Aggregation, Framework

AGGREGATE_INDICATORS = Aggregation.INDICATORS.value
AGGREGATE_SUBDIMENSIONS = Aggregation.SUBDIMENSIONS.value


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    code: str
    weight: float
    allows_na: bool
    na_kinds: tuple[str, ...] = ()

    def allows_na_for(self, kind: str | None) -> bool:
        """N/A for a region of `kind`; without a kind, whether any region may use it."""
        return self.allows_na if kind is None else kind in self.na_kinds


@dataclass(frozen=True, slots=True)
class SubDimensionSpec:
    code: str
    indicators: tuple[IndicatorSpec, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class DimensionSpec:
    code: str
    weight: float
    subdimensions: tuple[SubDimensionSpec, ...]

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        return tuple(ind for sub in self.subdimensions for ind in sub.indicators)


@dataclass(frozen=True, slots=True)
class FrameworkSpec:
    code: str
    version: int
    tier_advanced: float
    tier_intermediate: float
    dimensions: tuple[DimensionSpec, ...]
    aggregation: str = AGGREGATE_INDICATORS  # version 1; version 2 aggregates by sub-dimension

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        return tuple(ind for dim in self.dimensions for ind in dim.indicators)

    def indicator(self, code: str) -> IndicatorSpec | None:
        return next((ind for ind in self.indicators if ind.code == code), None)


def framework_spec(*, framework: Framework) -> FrameworkSpec:
    """Build the spec; uses prefetched dimensions/sub-dimensions/indicators when present."""
    return FrameworkSpec(
        code=framework.code,
        version=framework.version,
        tier_advanced=framework.tier_advanced,
        tier_intermediate=framework.tier_intermediate,
        aggregation=framework.aggregation,
        dimensions=tuple(
            DimensionSpec(
                code=dimension.code,
                weight=dimension.weight,
                subdimensions=tuple(
                    SubDimensionSpec(
                        code=sub.code,
                        weight=sub.weight,
                        indicators=tuple(
                            IndicatorSpec(code=ind.code, weight=ind.weight, allows_na=ind.allows_na,
                                          na_kinds=tuple(ind.na_kinds or ()))
                            for ind in sub.indicators.all()
                        ),
                    )
                    for sub in dimension.subdimensions.all()
                ),
            )
            for dimension in framework.dimensions.all()
        ),
    )
