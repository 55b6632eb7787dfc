"""Rendered parts of the results page kept in the shared cache per state of the assessment's result.

The score card, the radar's data and table, the peer and score tables and the recommendations (all
but the one-click "add to the plan" forms) show the result and nothing of the viewer: they are a
function of the result's state (`result_state`) and the language, so every worker and app server
renders them once per state and language instead of once per request (about a third of the page's
rendering). They are rendered without the request, so no CSRF token or per-user value can enter them;
what depends on the viewer (the radar's storage prefix, the plan, the forms, comments, the review
link) stays in the page template.

The state is read from the result itself, so no write path can leave it behind: the assessment's
answer values, title, status, submission and edit times and framework version, its region's name,
kind and city type, the same of the previous submitted assessment, the peer comparison
(`PeerComparison.state()`: counts, statistics and this assessment's percentiles, from the peer
table's state) and the language. A framework version that is still a draft may change in place: then
nothing is cached. The recommendation rules and the questionnaire's texts belong to the published
version (`assessments/published.py` keeps them per worker on the same ground).
"""

import hashlib
import json
from collections.abc import Mapping

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from assessments.results import AssessmentResult, ScoredAssessment
from frameworks.models import Framework

FRAGMENT_SECONDS = 600
FRAGMENT_FORMAT = 1  # bump when a fragment's template changes what it shows
RESULT_FRAGMENTS = {
    "summary": "assessments/_results_summary.html",
    "radar": "assessments/_results_radar.html",
    "tables": "assessments/_results_tables.html",
    "advice_head": "assessments/_advice_head.html",
    "advice_rest": "assessments/_advice_rest.html",
}


def _framework_state(framework: Framework) -> list | None:
    if framework.status != Framework.Status.PUBLISHED:
        return None
    return [framework.pk, framework.code, framework.version, str(framework.published_at)]


def _assessment_state(scored: ScoredAssessment) -> list:
    assessment = scored.assessment
    return [assessment.pk, assessment.title, assessment.status, str(assessment.submitted_at),
            str(assessment.updated_at), assessment.framework_id, sorted(scored.values.items())]


def result_state(*, result: AssessmentResult, language: str) -> str | None:
    """A digest of everything the cached parts show (see the module), or None when a framework version
    involved is a draft (not cached)."""
    frameworks = [_framework_state(result.framework)]
    previous = None
    if result.previous is not None:
        frameworks.append(_framework_state(result.previous.framework))
        previous = _assessment_state(result.previous)
    if None in frameworks:
        return None
    region = result.assessment.region
    state = [FRAGMENT_FORMAT, language, _assessment_state(result), frameworks,
             [region.pk, region.name, region.kind, region.city_type], previous, result.peers.state()]
    return hashlib.sha256(json.dumps(state, ensure_ascii=False, default=str).encode()).hexdigest()


def cached_fragments(*, state: str | None, context: Mapping, templates: Mapping[str, str] = RESULT_FRAGMENTS,
                     ) -> dict[str, SafeString]:
    """Each of `templates` rendered with `context` (no request), read from the shared cache under
    `state` (one cache read for all of them) or rendered and kept; rendered every time without a
    state."""
    key = f"result-fragments:{state}" if state else None
    fragments = cache.get(key) if key else None
    if fragments is None or set(fragments) != set(templates):
        fragments = {name: render_to_string(template, dict(context)) for name, template in templates.items()}
        if key:
            cache.set(key, fragments, FRAGMENT_SECONDS)
    return {name: mark_safe(html) for name, html in fragments.items()}  # noqa: S308  # our own templates' output
