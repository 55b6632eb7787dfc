"""The radar chart of the five dimensions, built from ScoreCards, for the page (Plotly) and,
later, the PDF. Missing dimension scores are drawn at 0 but labelled "no score"."""

from django.utils.translation import gettext as _

from assessments.scoring import ScoreCard


def radar_series(*, card: ScoreCard, name: str, dimension_names: dict[str, str]) -> dict:
    labels = [f"{dim.code} {dimension_names.get(dim.code, '')}".strip() for dim in card.dimensions]
    values = [round(dim.score, 2) if dim.score is not None else 0 for dim in card.dimensions]
    texts = [f"{dim.score:.1f}" if dim.score is not None else _("no score") for dim in card.dimensions]
    return {
        "type": "scatterpolar",
        "name": name,
        # close the polygon
        "r": values + values[:1],
        "theta": labels + labels[:1],
        "text": texts + texts[:1],
        "hovertemplate": "%{theta}: %{text}<extra>" + name + "</extra>",
        "fill": "toself",
    }


def radar_figure(*, current: tuple[ScoreCard, str], previous: tuple[ScoreCard, str] | None,
                 dimension_names: dict[str, str]) -> dict:
    """A Plotly figure (as plain JSON data): the current assessment, and the previous one if any."""
    series = []
    if previous is not None:
        trace = radar_series(card=previous[0], name=previous[1], dimension_names=dimension_names)
        trace.update({"line": {"color": "#adb5bd", "dash": "dot"}, "fillcolor": "rgba(173,181,189,0.15)"})
        series.append(trace)
    trace = radar_series(card=current[0], name=current[1], dimension_names=dimension_names)
    trace.update({"line": {"color": "#0d6efd"}, "fillcolor": "rgba(13,110,253,0.25)"})
    series.append(trace)
    return {
        "data": series,
        "layout": {
            "polar": {"radialaxis": {"range": [0, 100], "tickvals": [0, 40, 70, 100]}},
            "showlegend": True,
            "legend": {"orientation": "h"},
            "margin": {"l": 60, "r": 60, "t": 30, "b": 30},
            "font": {"family": "Noto Sans CJK SC, sans-serif"},
        },
    }
