"""Published framework versions never change (a published version is read-only; a change is a new
version), so each worker keeps the few in use — the questionnaire and the recommendation rules,
prefetched — instead of rebuilding them with a dozen queries on every page and report.

Keyed by id, code, version and publication time, so a version is never confused with another;
drafts are never kept. Nothing may modify the objects handed out (they are shared between requests).
"""

from collections.abc import Callable
from typing import TypeVar

from frameworks.models import Framework

T = TypeVar("T")
_KEPT: dict[tuple, object] = {}
MAX_KEPT = 32


def kept_for_published(*, framework: Framework, what: str, build: Callable[[], T]) -> T:
    """`build()` once per published version and `what`; every time for a draft."""
    if framework.status != Framework.Status.PUBLISHED:
        return build()
    key = (what, framework.pk, framework.code, framework.version, framework.published_at)
    if key not in _KEPT:
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        _KEPT[key] = build()
    return _KEPT[key]  # type: ignore[return-value]


def forget_published() -> None:
    """Drop everything kept (tests: ids are reused between them)."""
    _KEPT.clear()


def questionnaire_of(*, framework: Framework) -> Framework:
    """The framework version with its dimensions, sub-dimensions, indicators and levels prefetched."""
    return kept_for_published(framework=framework, what="questionnaire",
                              build=lambda: Framework.objects.with_questionnaire().get(pk=framework.pk))
