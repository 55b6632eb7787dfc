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
            "polar": {
                "radialaxis": {"range": [0, 100], "tickvals": [0, 40, 70, 100]},
                "angularaxis": {"rotation": 90, "direction": "clockwise"},
            },
            "showlegend": True,
            "legend": {"orientation": "h"},
            "margin": {"l": 60, "r": 60, "t": 30, "b": 30},
            "font": {"family": "Noto Sans CJK SC, sans-serif"},
        },
    }


def radar_svg(*, current: tuple[ScoreCard, str], previous: tuple[ScoreCard, str] | None,
              dimension_names: dict[str, str]) -> str:
    """The same radar as the page, as a vector SVG for the PDF (drawn without a browser).

    Text is turned into paths (`svg.fonttype = "path"`) so the SVG shows Chinese whatever fonts
    the PDF renderer has; the figures match `radar_series` (same scores, same order)."""
    import io
    import math

    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "path"
    matplotlib.rcParams["svg.hashsalt"] = "sodpa"  # stable ids: the same report renders the same bytes
    matplotlib.rcParams["font.family"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
    figure = Figure(figsize=(5.2, 4.6))
    axes = figure.add_subplot(projection="polar")
    codes = [dim.code for dim in current[0].dimensions]
    angles = [2 * math.pi * i / len(codes) for i in range(len(codes))]
    axes.set_theta_offset(math.pi / 2)  # S at the top, then clockwise: as the page's Plotly radar
    axes.set_theta_direction(-1)
    series = [(previous, "#adb5bd", "--")] if previous else []
    series.append((current, "#0d6efd", "-"))
    for (card, name), colour, style in series:
        values = [dim.score if dim.score is not None else 0 for dim in card.dimensions]
        axes.plot(angles + angles[:1], values + values[:1], style, color=colour, linewidth=2, label=name,
                  marker="o", markersize=4)
        axes.fill(angles + angles[:1], values + values[:1], color=colour, alpha=0.15)
    axes.set_xticks(angles)
    axes.set_xticklabels([f"{code} {dimension_names.get(code, '')}" for code in codes], fontsize=9)
    axes.set_ylim(0, 100)
    axes.set_yticks([40, 70, 100])
    axes.set_yticklabels(["40", "70", "100"], fontsize=7, color="#6c757d")
    axes.tick_params(axis="x", pad=10)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, -0.22), ncol=2, fontsize=8, frameon=False)
    figure.subplots_adjust(left=0.18, right=0.82, top=0.9, bottom=0.2)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG goes inline in HTML
