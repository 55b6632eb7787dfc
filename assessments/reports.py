"""PDF reports: the assessment, its scores, radar and recommendations, typeset with WeasyPrint.

- The report's language is set with `translation.override`, whatever the request's language.
- WeasyPrint fetches nothing: a URL fetcher refuses every URL but our own static files
  (no `file://`, no remote or internal hosts); the chart is inline SVG, the CSS inline.
- Rendering is cached by the assessment's state: `report_state_key` changes with any answer,
  evidence, title, status, region data, framework version, previous assessment or language, so a
  second download of an unchanged assessment is served without rendering.
"""

import hashlib
import json
import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation

from assessments.models import Answer, Assessment
from assessments.queries import framework_with_questionnaire, previous_submitted, scorecard
from assessments.recommendations import derive_recommendations, load_rules
from frameworks.spec import framework_spec

logger = logging.getLogger(__name__)

REPORT_FORMAT_VERSION = 1  # bump when the report's template or layout changes
STATIC_BASE = "https://report.invalid/static/"


class ReportError(Exception):
    """The report could not be rendered; the message is safe to show to users."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class StaticOnlyFetcher(URLFetcher):
        """Serves our own static files (looked up by Django's finders) and refuses anything else."""

        def fetch(self, url, headers=None):
            if url.startswith(STATIC_BASE):
                relative = url[len(STATIC_BASE):].split("?")[0]
                path = finders.find(relative) if ".." not in relative else None
                if path:
                    with open(path, "rb") as handle:
                        return URLFetcherResponse(url, body=handle.read())
            logger.warning("report renderer refused to fetch %s", url)
            raise URLFetchingError(f"refused to fetch {url}")

    return StaticOnlyFetcher


def _answers_digest(assessment_id: int) -> list:
    return list(
        Answer.objects.filter(assessment_id=assessment_id)
        .order_by("indicator_id")
        .values_list("indicator_id", "level", "not_applicable", "evidence")
    )


def report_state_key(*, assessment: Assessment, language: str) -> str:
    previous = previous_submitted(assessment)
    state = {
        "format": REPORT_FORMAT_VERSION,
        "language": language,
        "assessment": [assessment.pk, assessment.title, assessment.status,
                       assessment.submitted_at.isoformat() if assessment.submitted_at else None],
        "region": [assessment.region.name, assessment.region.kind, assessment.region.city_type],
        "framework": [assessment.framework_id, assessment.framework.version],
        "answers": _answers_digest(assessment.pk),
        "previous": [previous.pk, previous.title, _answers_digest(previous.pk)] if previous else None,
    }
    encoded = json.dumps(state, ensure_ascii=False, sort_keys=True, default=str).encode()
    return f"report:{assessment.pk}:{language}:{hashlib.sha256(encoded).hexdigest()}"


def _indicator_rows(framework, answers: dict[int, Answer]) -> list[dict]:
    sections = []
    for dimension in framework.dimensions.all():
        subdimensions = []
        for sub in dimension.subdimensions.all():
            rows = []
            for indicator in sub.indicators.all():
                answer = answers.get(indicator.pk)
                descriptor = None
                if answer and answer.level is not None:
                    descriptor = next((lv.text for lv in indicator.levels.all() if lv.level == answer.level), "")
                rows.append({"indicator": indicator, "answer": answer, "descriptor": descriptor})
            subdimensions.append({"subdimension": sub, "rows": rows})
        sections.append({"dimension": dimension, "subdimensions": subdimensions})
    return sections


def report_context(*, assessment: Assessment) -> dict:
    """Everything the report shows, in the active language."""
    from assessments.charts import radar_svg

    framework = framework_with_questionnaire(assessment.framework_id)
    spec = framework_spec(framework=framework)
    card = scorecard(assessment, spec)
    previous = previous_submitted(assessment)
    previous_card = None
    if previous is not None:
        previous_spec = spec if previous.framework_id == framework.pk else framework_spec(
            framework=framework_with_questionnaire(previous.framework_id))
        previous_card = scorecard(previous, previous_spec)
    names = {d.code: d.name for d in framework.dimensions.all()}
    answers = {a.indicator_id: a for a in Answer.objects.filter(assessment=assessment)}
    advice = derive_recommendations(card=card, rules=load_rules(framework=framework),
                                    city_type=assessment.region.city_type)
    sections = _indicator_rows(framework, answers)
    for section in sections:
        score = card.dimension(section["dimension"].code)
        section["score"], section["tier"] = score.score, score.tier
        for sub in section["subdimensions"]:
            sub["score"] = card.subdimension_scores()[sub["subdimension"].code]
            sub["tier"] = card.subdimension_tier(sub["subdimension"].code)
    comparison = None
    if previous_card is not None:
        comparison = [
            {"code": dim.code, "name": names[dim.code], "before": previous_card.dimension(dim.code).score,
             "after": dim.score}
            for dim in card.dimensions
        ]
    return {
        "assessment": assessment, "region": assessment.region, "framework": framework, "card": card,
        "previous": previous, "previous_card": previous_card, "comparison": comparison,
        "advice": advice, "sections": sections,
        "report_date": assessment.submitted_at or assessment.updated_at,
        "radar": radar_svg(current=(card, assessment.title),
                           previous=(previous_card, previous.title) if previous else None,
                           dimension_names=names),
    }


def render_report(*, assessment: Assessment, language: str) -> bytes:
    """The PDF of one assessment in `language` ("zh-hans" or "en")."""
    if language not in dict(settings.LANGUAGES):
        raise ReportError(f"unknown report language {language!r}")
    import weasyprint

    with translation.override(language):
        html = render_to_string("reports/report.html", report_context(assessment=assessment))
    try:
        document = weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=_fetcher_class()())
        return document.write_pdf(uncompressed_pdf=False)
    except Exception as error:  # WeasyPrint raises many kinds; none may leave a broken file behind
        logger.exception("report rendering failed for assessment %s", assessment.pk)
        raise ReportError("The PDF report could not be rendered.") from error


def cached_report(*, assessment: Assessment, language: str) -> tuple[bytes, bool]:
    """The PDF from the cache when the assessment is unchanged, else rendered and cached.
    Returns (pdf, served_from_cache)."""
    cache = caches["reports"]
    key = report_state_key(assessment=assessment, language=language)
    pdf = cache.get(key)
    if pdf is not None:
        return pdf, True
    pdf = render_report(assessment=assessment, language=language)
    cache.set(key, pdf, timeout=None)
    return pdf, False
