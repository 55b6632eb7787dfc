"""The portfolio report: one PDF for a consultant's (or any user's) set of regions, each region's
latest submitted assessment: a comparison table with tiers, a radar overlay (matplotlib, as in the
assessment report), then one page per region with its dimension and sub-dimension scores.

Built from `portfolio.build` (the portfolio page's figures, a constant number of queries) and typeset
by the assessment report's `html_to_pdf` (WeasyPrint, the CJK font, the static-only fetcher)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessments import portfolio
from assessments.charts import radar_svg
from assessments.docx_report import report_issuer
from assessments.queries import frameworks_by_id
from assessments.reports import ReportError, html_to_pdf

OVERLAY_LIMIT = len(portfolio.COLOURS)  # regions drawn on the overlay; the table lists them all


def _region_page(row: portfolio.Row, frameworks: dict) -> dict:
    """The page of one region with a scored assessment."""
    card, assessment = row.card, row.assessment
    assert card is not None and assessment is not None  # noqa: S101 (only scored rows get a page)
    framework = frameworks[assessment.framework_id]
    sub_scores = card.subdimension_scores()
    dimensions = []
    for dimension in framework.dimensions.all():
        scored = card.dimension(dimension.code)
        dimensions.append({
            "dimension": dimension, "score": scored.score, "tier": scored.tier,
            "subdimensions": [{"subdimension": sub, "score": sub_scores.get(sub.code),
                               "tier": card.subdimension_tier(sub.code)} for sub in dimension.subdimensions.all()],
        })
    return {"row": row, "framework": framework, "dimensions": dimensions}


def portfolio_report_context(*, regions) -> dict:
    """Everything the portfolio report shows for `regions` (a queryset), in the active language."""
    data = portfolio.build(regions, sort=portfolio.SORT_NAME, direction=portfolio.ASC, compare=[])
    scored = [row for row in data["rows"] if row.card is not None]
    frameworks = frameworks_by_id(row.assessment.framework_id for row in scored) if scored else {}
    names = {column["code"]: column["name"] for column in data["columns"]}
    radar = None
    if scored:
        drawn = scored[:OVERLAY_LIMIT]
        radar = radar_svg(current=(drawn[0].card, drawn[0].region.name), previous=None, dimension_names=names,
                          others=tuple(((row.card, row.region.name), portfolio.COLOURS[number][0])
                                       for number, row in enumerate(drawn[1:], start=1)))
    return {
        "rows": data["rows"], "columns": data["columns"], "scored_count": len(scored), "radar": radar,
        "overlay_limit": OVERLAY_LIMIT, "pages": [_region_page(row, frameworks) for row in scored],
        "issuer": report_issuer(), "report_date": timezone.localdate(),
    }


def render_portfolio_report(*, regions, language: str) -> bytes:
    """The portfolio PDF in `language` ("zh-hans" or "en")."""
    if language not in dict(settings.LANGUAGES):
        raise ReportError(f"unknown report language {language!r}")
    with translation.override(language):
        html = render_to_string("reports/portfolio.html", portfolio_report_context(regions=regions))
    return html_to_pdf(html)
