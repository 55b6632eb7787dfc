"""A user's portfolio: each visible region's latest submitted assessment with its overall and
dimension scores and tiers, sortable, and a radar overlay of chosen regions.

A constant number of queries whatever the number of regions: the regions with the id of their
latest submitted assessment (1), those assessments (1), their framework versions (4) and their
answers (1), scored by the pandas batch path.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings

from assessments.charts import radar_figure, radar_series
from assessments.models import Assessment, Region
from assessments.queries import batch_scorecards, frameworks_by_id
from assessments.scoring import ScoreCard
from assessments.selectors import latest_submitted_per_region
from frameworks.models import Framework

SORT_NAME, SORT_OVERALL = "name", "overall"
ASC, DESC = "asc", "desc"
DEFAULT_COMPARED = 3
# Line colour and fill of each compared region, in turn (Bootstrap's palette).
COLOURS = [("#0d6efd", "rgba(13,110,253,0.12)"), ("#d63384", "rgba(214,51,132,0.12)"),
           ("#198754", "rgba(25,135,84,0.12)"), ("#fd7e14", "rgba(253,126,20,0.12)"),
           ("#6f42c1", "rgba(111,66,193,0.12)"), ("#20c997", "rgba(32,201,151,0.12)"),
           ("#dc3545", "rgba(220,53,69,0.12)"), ("#0dcaf0", "rgba(13,202,240,0.12)")]


@dataclass
class Row:
    region: Region
    assessment: Assessment | None = None
    card: ScoreCard | None = None
    cells: list[dict] = field(default_factory=list)  # one per dimension column: code, score, tier
    compared: bool = False

    def score(self, key: str) -> float | None:
        if self.card is None:
            return None
        if key == SORT_OVERALL:
            return self.card.overall
        return next((dim.score for dim in self.card.dimensions if dim.code == key), None)


def latest_submitted(regions) -> tuple[list[Region], dict[int, Assessment]]:
    """The regions (by name) and each one's latest submitted assessment by submission time."""
    assessments = latest_submitted_per_region(regions=regions)
    return list(regions.order_by("name")), {assessment.region_id: assessment for assessment in assessments}


def _dimension_columns(frameworks: dict[int, Framework]) -> list[dict]:
    """Dimension codes and names of the framework versions in use (newest version's name first); when
    there is none, those of the latest published SODPA framework, so the table keeps its shape."""
    if not frameworks:
        fallback = (Framework.objects.published().filter(code=settings.DEFAULT_FRAMEWORK_CODE).order_by("-version")
                    .prefetch_related("dimensions").first())
        frameworks = {fallback.pk: fallback} if fallback else {}
    columns: dict[str, str] = {}
    for framework in sorted(frameworks.values(), key=lambda f: (f.code, -f.version)):
        for dimension in framework.dimensions.all():
            columns.setdefault(dimension.code, dimension.name)
    return [{"code": code, "name": name} for code, name in columns.items()]


def sort_rows(rows: list[Row], key: str, direction: str) -> list[Row]:
    """By region name, or by a score; regions without a score come last either way, ties by name."""
    by_name = sorted(rows, key=lambda row: row.region.name)
    if key == SORT_NAME:
        return by_name[::-1] if direction == DESC else by_name
    scored = [row for row in by_name if row.score(key) is not None]
    unscored = [row for row in by_name if row.score(key) is None]
    return sorted(scored, key=lambda row: row.score(key) or 0.0, reverse=direction == DESC) + unscored


def _compared_ids(rows: list[Row], requested: list[str]) -> list[int]:
    """The requested regions that are in the table and have scores (anything else is ignored); when
    none is, the first three in the table's order."""
    available = [row.region.pk for row in rows if row.card is not None]
    wanted = {int(value) for value in requested if value.strip().isdigit()}
    chosen = [pk for pk in available if pk in wanted]
    return chosen or available[:DEFAULT_COMPARED]


def overlay_figure(rows: list[Row], frameworks: dict[int, Framework]) -> dict | None:
    """A Plotly radar of the compared rows: one `radar_series` per region, the results page's layout."""
    if not rows:
        return None
    series = []
    for number, row in enumerate(rows):
        if row.assessment is None or row.card is None:
            continue  # only rows with scores are compared (_compared_ids)
        names = {d.code: d.name for d in frameworks[row.assessment.framework_id].dimensions.all()}
        trace = radar_series(card=row.card, name=row.region.name, dimension_names=names)
        line, fill = COLOURS[number % len(COLOURS)]
        trace.update({"line": {"color": line}, "fillcolor": fill})
        series.append(trace)
    # the same axes, legend and fonts as the results page's radar
    first_card = rows[0].card
    if first_card is None:
        return None
    layout = radar_figure(current=(first_card, ""), previous=None, dimension_names={})["layout"]
    return {"data": series, "layout": layout}


def _query(sort: str, direction: str, compared: list[int]) -> str:
    return "?" + urlencode([("sort", sort), ("dir", direction)] + [("compare", pk) for pk in compared])


def build(regions, *, sort: str | None, direction: str | None, compare: list[str]) -> dict:
    """Everything the portfolio page shows, for the regions the user sees."""
    regions, latest = latest_submitted(regions)
    frameworks = frameworks_by_id(a.framework_id for a in latest.values()) if latest else {}
    cards = batch_scorecards(latest.values(), frameworks=frameworks)
    columns = _dimension_columns(frameworks)
    sort_keys = [SORT_NAME, SORT_OVERALL] + [column["code"] for column in columns]
    sort = sort if sort in sort_keys else SORT_NAME
    direction = direction if direction in (ASC, DESC) else (ASC if sort == SORT_NAME else DESC)
    rows = []
    for region in regions:
        assessment = latest.get(region.pk)
        card = cards.get(assessment.pk) if assessment else None
        row = Row(region=region, assessment=assessment, card=card)
        for column in columns:
            dim = next((d for d in card.dimensions if d.code == column["code"]), None) if card else None
            row.cells.append({"code": column["code"], "name": column["name"], "score": dim.score if dim else None,
                              "tier": dim.tier if dim else None})
        rows.append(row)
    rows = sort_rows(rows, sort or SORT_NAME, direction or ASC)  # never None here: narrowed for mypy
    compared = _compared_ids(rows, compare)
    for row in rows:
        row.compared = row.region.pk in compared
    headers = []
    for key, label in [(SORT_NAME, None), (SORT_OVERALL, None)] + [(c["code"], c["name"]) for c in columns]:
        current = key == sort
        toggled = (DESC if direction == ASC else ASC) if current else (ASC if key == SORT_NAME else DESC)
        headers.append({"key": key, "name": label, "url": _query(key, toggled, compared),
                        "aria_sort": ("ascending" if direction == ASC else "descending") if current else ""})
    compared_rows = [row for row in rows if row.compared]
    return {
        "rows": rows, "columns": columns, "headers": {h["key"]: h for h in headers},
        "dimension_headers": headers[2:], "sort": sort, "direction": direction,
        "compared": compared, "figure": overlay_figure(compared_rows, frameworks),
        "scored_count": sum(1 for row in rows if row.card is not None),
    }
