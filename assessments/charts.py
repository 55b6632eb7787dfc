"""The radar chart of the five dimensions, built from ScoreCards, for the page (Plotly) and the
PDF (matplotlib), optionally overlaid with the peer median; and a region's scores over time.
Missing scores are drawn at 0 but labelled "no score".

Text in a Plotly figure is a subset of HTML (`<a href>`, `<b>`, `<br>`, entities): every name, title
and label that comes from data goes through `plotly_text`, so it is drawn as the literal text. The
matplotlib radar of the PDF draws its text with mathtext off (`parse_math=False`), so a `$…$` in a
title is drawn as typed, never parsed as a formula."""

import html
import re
import unicodedata
from typing import TYPE_CHECKING, Any, cast

from django.utils.translation import gettext as _

from assessments.scoring import ScoreCard
from frameworks.enums import Tier

if TYPE_CHECKING:
    from matplotlib.projections.polar import PolarAxes

PEER_COLOUR = "#fd7e14"
# The overall line and one line per dimension on the region history chart (Bootstrap's palette).
HISTORY_COLOURS = ["#212529", "#0d6efd", "#d63384", "#198754", "#6f42c1", "#20c997", "#0dcaf0", "#dc3545"]
TIER_ORDER = {tier.value: tier.rank for tier in Tier}
DAY_MS = 24 * 60 * 60 * 1000
RADAR_LABEL_WIDTH = 12  # units of `_text_width` per line of a radar label: six CJK characters


def plotly_text(text: str) -> str:
    """`text` for a Plotly name, label or hover value: `&`, `<` and `>` escaped, so Plotly shows the
    literal text (it decodes the entities) instead of rendering links or markup."""
    return html.escape(str(text), quote=False)


def _axis_labels(codes: list[str], dimension_names: dict[str, str]) -> list[str]:
    return [plotly_text(f"{code} {dimension_names.get(code, '')}".strip()) for code in codes]


def _text_width(text: str) -> int:
    """Roughly how wide `text` is drawn, in units of a Latin letter: a CJK character counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap_label(text: str, *, width: int = RADAR_LABEL_WIDTH) -> list[str]:
    """`text` in lines of at most about `width` units (`_text_width`): at spaces where it has them,
    anywhere in a run of CJK characters (a word longer than a line stays whole)."""
    lines: list[str] = []
    line = ""
    for word in re.findall(r"\S+\s*", text):
        pieces = [word] if " " in word or _text_width(word) <= width else list(word)
        for piece in pieces:
            if line and _text_width(line + piece.rstrip()) > width:
                lines.append(line.rstrip())
                line = ""
            line += piece
    return [*lines, line.rstrip()] if line.strip() else lines


def _radar_labels(codes: list[str], dimension_names: dict[str, str]) -> list[str]:
    """The radar's axis labels: the code on the first line, the name below it in short lines, so the
    labels beside the chart fit its margins on a 360 px phone ("A<br>应用与场景")."""
    return ["<br>".join(plotly_text(line) for line in [code, *wrap_label(dimension_names.get(code, ""))] if line)
            for code in codes]


def radar_series(*, card: ScoreCard, name: str, dimension_names: dict[str, str]) -> dict:
    labels = _radar_labels([dim.code for dim in card.dimensions], dimension_names)
    values = [round(dim.score, 2) if dim.score is not None else 0 for dim in card.dimensions]
    texts = [f"{dim.score:.1f}" if dim.score is not None else _("no score") for dim in card.dimensions]
    return {
        "type": "scatterpolar",
        "name": plotly_text(name),
        # close the polygon
        "r": values + values[:1],
        "theta": labels + labels[:1],
        "text": texts + texts[:1],
        "hovertemplate": "%{theta}: %{text}",  # the trace's name shows beside it (never in a template)
        "fill": "toself",
    }


def peer_series(*, codes: list[str], medians: dict[str, float | None], name: str,
                dimension_names: dict[str, str]) -> dict:
    """The peer median as a radar trace on the same axes as `radar_series` (dimension `codes` in
    the card's order); a dashed outline without fill, so the region's own shape stays readable."""
    labels = _radar_labels(codes, dimension_names)
    scores = [medians.get(code) for code in codes]
    values = [round(score, 2) if score is not None else 0 for score in scores]
    texts = [f"{score:.1f}" if score is not None else _("no score") for score in scores]
    return {
        "type": "scatterpolar",
        "name": plotly_text(name),
        "r": values + values[:1],
        "theta": labels + labels[:1],
        "text": texts + texts[:1],
        "hovertemplate": "%{theta}: %{text}",
        "fill": "none",
        "line": {"color": PEER_COLOUR, "dash": "dash", "width": 2},
    }


def tier_rings(card: ScoreCard) -> list[float]:
    """The radar's rings: the version's tier thresholds (data an admin edits) and the maximum."""
    return [card.tier_intermediate, card.tier_advanced, 100]


def radar_figure(*, current: tuple[ScoreCard, str], previous: tuple[ScoreCard, str] | None,
                 dimension_names: dict[str, str],
                 peer: tuple[dict[str, float | None], str] | None = None) -> dict:
    """A Plotly figure (as plain JSON data): the current assessment, the previous one if any, and
    the peer median (dimension code → score, legend name) if given."""
    series = []
    if previous is not None:
        trace = radar_series(card=previous[0], name=previous[1], dimension_names=dimension_names)
        trace.update({"line": {"color": "#adb5bd", "dash": "dot"}, "fillcolor": "rgba(173,181,189,0.15)"})
        series.append(trace)
    if peer is not None:
        series.append(peer_series(codes=[dim.code for dim in current[0].dimensions], medians=peer[0],
                                  name=peer[1], dimension_names=dimension_names))
    trace = radar_series(card=current[0], name=current[1], dimension_names=dimension_names)
    trace.update({"line": {"color": "#0d6efd"}, "fillcolor": "rgba(13,110,253,0.25)"})
    series.append(trace)
    return {
        "data": series,
        "layout": {
            "polar": {
                "radialaxis": {"range": [0, 100], "tickvals": [0, *tier_rings(current[0])],
                               "tickfont": {"size": 10}},
                "angularaxis": {"rotation": 90, "direction": "clockwise", "tickfont": {"size": 11}},
            },
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.08},
            # room for the two- or three-line labels beside the chart (wrap_label), even on a 360 px phone
            "margin": {"l": 72, "r": 72, "t": 64, "b": 24},
            "font": {"family": "Noto Sans CJK SC, sans-serif"},
        },
    }


def radar_label(code: str, name: str, *, width: int = 16) -> str:
    """A radar axis label: the code and the name, the name wrapped at spaces to `width` characters a
    line (English names are long; a Chinese name has no space and stays on one line)."""
    import textwrap

    return textwrap.fill(f"{code} {name}".strip(), width=width, break_long_words=False) if name else code


def radar_matplotlib(*, current: tuple[ScoreCard, str], previous: tuple[ScoreCard, str] | None,
                     dimension_names: dict[str, str], peer: tuple[dict[str, float | None], str] | None = None,
                     others: tuple[tuple[tuple[ScoreCard, str], str], ...] = (), legend: bool = True,
                     size: tuple[float, float] = (5.2, 4.6)):
    """The same radar as the page, as a matplotlib Figure (drawn without a browser); saved as SVG for
    the PDF and as PNG for the Word report. `others`: more (card, name) lines with their colour, for
    the portfolio's overlay of regions. The figures match `radar_series` (same scores, same order).
    The axis labels sit outside the outer ring, aligned away from it (left of the chart right-aligned,
    right of it left-aligned), so long English names neither cross the ring nor leave the image.
    `legend=False` and a smaller `size`: the cover's small radar."""
    import math

    from matplotlib.figure import Figure
    from matplotlib.transforms import offset_copy

    figure = Figure(figsize=size)
    axes = cast("PolarAxes", figure.add_subplot(projection="polar"))
    codes = [dim.code for dim in current[0].dimensions]
    angles = [2 * math.pi * i / len(codes) for i in range(len(codes))]
    axes.set_theta_offset(math.pi / 2)  # S at the top, then clockwise: as the page's Plotly radar
    axes.set_theta_direction(-1)
    series = [(previous, "#adb5bd", "--")] if previous else []
    series.append((current, "#0d6efd", "-"))
    series += [(line, colour, "-") for line, colour in others]
    for (card, name), colour, style in series:
        values = [dim.score if dim.score is not None else 0 for dim in card.dimensions]
        axes.plot(angles + angles[:1], values + values[:1], style, color=colour, linewidth=2, label=name,
                  marker="o", markersize=4)
        axes.fill(angles + angles[:1], values + values[:1], color=colour, alpha=0.15)
    if peer is not None:
        medians, name = peer
        values = [medians.get(code) or 0 for code in codes]
        axes.plot(angles + angles[:1], values + values[:1], "--", color=PEER_COLOUR, linewidth=1.8, label=name)
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    font_size = 9 if legend else 8
    for code, angle in zip(codes, angles, strict=True):
        across, up = math.sin(angle), math.cos(angle)  # clockwise from the top, as the axes
        gap = offset_copy(axes.transData, fig=figure, x=6 * across, y=6 * up, units="points")
        axes.text(angle, 100, radar_label(code, dimension_names.get(code, "")), transform=gap,
                  fontsize=font_size, parse_math=False, clip_on=False, linespacing=1.15,
                  ha="center" if abs(across) < 0.2 else ("left" if across > 0 else "right"),
                  va="bottom" if up > 0.2 else ("top" if up < -0.2 else "center"))
    axes.set_ylim(0, 100)
    rings = tier_rings(current[0])
    axes.set_yticks(rings)
    axes.set_yticklabels([f"{ring:g}" for ring in rings], fontsize=7, color="#6c757d")
    if legend:
        shown = axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3 if peer else 2, fontsize=8,
                            frameon=False)
        for text in shown.get_texts():
            text.set_parse_math(False)
        figure.subplots_adjust(left=0.27, right=0.73, top=0.84, bottom=0.24)
    else:
        figure.subplots_adjust(left=0.27, right=0.73, top=0.8, bottom=0.2)
    return figure


# Our own settings for the radar only; mathtext and TeX off: a title or region name containing `$…$` is
# drawn as typed (parsed as mathtext it broke every report of the region). The hash salt gives stable
# ids: the same report renders the same bytes.
RADAR_STYLE: dict[Any, Any] = {"svg.fonttype": "path", "svg.hashsalt": "sodpa",
                               "font.family": ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"],
                               "text.parse_math": False, "text.usetex": False}


def radar_svg(**lines) -> str:
    """`radar_matplotlib` as a vector SVG for the PDF. Text is turned into paths
    (`svg.fonttype = "path"`) so the SVG shows Chinese whatever fonts the PDF renderer has."""
    import io

    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(RADAR_STYLE):
        radar_matplotlib(**lines).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # drop the XML prolog and doctype: the SVG goes inline in HTML


def radar_png(*, dpi: int = 200, **lines) -> bytes:
    """`radar_matplotlib` as a PNG image (for the Word report, which shows no SVG everywhere)."""
    import io

    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(RADAR_STYLE):
        radar_matplotlib(**lines).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def tier_changes(cards: list[ScoreCard]) -> list[dict | None]:
    """For each card in time order: None, or the change of overall tier from the card before it
    (`from`, `to`, `direction` "up" or "down")."""
    changes: list[dict | None] = [None]
    for before, after in zip(cards, cards[1:], strict=False):
        old, new = before.overall_tier, after.overall_tier
        if old == new or old is None or new is None:
            changes.append(None)
        else:
            changes.append({"from": old, "to": new, "direction": "up" if TIER_ORDER[new] > TIER_ORDER[old] else "down"})
    return changes[: len(cards)]


def history_figure(*, points: list[dict], dimension_names: dict[str, str], tier_labels: dict[str, str],
                   tier_advanced: float, tier_intermediate: float) -> dict:
    """A Plotly line chart of the overall and dimension scores over time.

    `points`: in time order, each with `when` (a date-time string Plotly reads), `title`, `card` and
    `change` (from `tier_changes`). Tier changes are marked on the overall line; the tier thresholds
    are dotted horizontal lines."""
    x = [point["when"] for point in points]
    titles = [plotly_text(point["title"]) for point in points]
    codes: list[str] = []
    for point in points:
        codes += [dim.code for dim in point["card"].dimensions if dim.code not in codes]
    overall_name = _("Overall")
    series = [{
        "type": "scatter", "mode": "lines+markers", "name": plotly_text(overall_name), "x": x,
        "y": [_rounded(point["card"].overall) for point in points], "customdata": titles,
        "hovertemplate": "%{customdata}: %{y:.1f}",
        "line": {"color": HISTORY_COLOURS[0], "width": 3}, "marker": {"size": 9},
    }]
    for number, code in enumerate(codes, start=1):
        name = _axis_labels([code], dimension_names)[0]
        values = []
        for point in points:
            dim = next((d for d in point["card"].dimensions if d.code == code), None)
            values.append(_rounded(dim.score) if dim else None)
        series.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": x, "y": values,
            "customdata": titles, "hovertemplate": "%{customdata}: %{y:.1f}",
            "line": {"color": HISTORY_COLOURS[number % len(HISTORY_COLOURS)], "width": 1.5},
            "marker": {"size": 6},
        })
    annotations = []
    for point in points:
        change = point["change"]
        if change is None:
            continue
        arrow = "▲" if change["direction"] == "up" else "▼"
        annotations.append({
            "x": point["when"], "y": _rounded(point["card"].overall),
            "text": plotly_text(f"{arrow} {tier_labels[change['to']]}"),
            "showarrow": True, "arrowhead": 2, "ay": -36 if change["direction"] == "up" else 36,
            "font": {"color": "#198754" if change["direction"] == "up" else "#dc3545"},
        })
    shapes = [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value,
         "line": {"color": "#adb5bd", "dash": "dot", "width": 1}}
        for value in (tier_intermediate, tier_advanced)
    ]
    return {
        "data": series,
        "layout": {
            # date ticks in the page's language (Plotly's locale gives the month names; these the order)
            "xaxis": {"type": "date", "automargin": True, "tickformatstops": [
                {"dtickrange": [None, 28 * DAY_MS], "value": _("%b %-d, %Y")},
                {"dtickrange": [28 * DAY_MS, "M12"], "value": _("%b %Y")},
                {"dtickrange": ["M12", None], "value": _("%Y")},
            ]},
            "yaxis": {"range": [0, 100], "tickvals": [0, tier_intermediate, tier_advanced, 100],
                      "title": {"text": plotly_text(_("Score"))}},
            "annotations": annotations, "shapes": shapes,
            "showlegend": True, "legend": {"orientation": "h"},
            "margin": {"l": 60, "r": 40, "t": 30, "b": 40},
            "font": {"family": "Noto Sans CJK SC, sans-serif"},
        },
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def chart_table(figure: dict) -> dict:
    """The figures a Plotly chart of this module draws, as a table (its text equivalent for people who
    cannot see the chart): one column per trace, one row per radar axis or per date of a line chart.

    Returns `corner` (the row headers' title), `columns` (trace names) and `rows`, each with `label`
    and `cells` (`column`, `value`: text as drawn, "—" where a trace has no value). Plotly's escaping
    and line breaks are undone: the template escapes the text again."""
    from datetime import datetime

    from django.utils.formats import date_format, number_format

    traces = figure.get("data", [])
    columns = [_plain(trace.get("name", "")) for trace in traces]
    polar = bool(traces) and traces[0].get("type") == "scatterpolar"
    rows: dict[str, list[str]] = {}
    for number, trace in enumerate(traces):
        if polar:  # the polygon is closed: its last point repeats the first
            keys = [_plain(theta) for theta in trace["theta"][:-1]]
            values = [str(text) for text in trace["text"][:-1]]
        else:
            titles = trace.get("customdata") or [""] * len(trace["x"])
            keys = [" · ".join(part for part in (date_format(datetime.fromisoformat(when), "DATE_FORMAT"),
                                                  _plain(title)) if part)
                    for when, title in zip(trace["x"], titles, strict=True)]
            values = ["—" if y is None else number_format(round(y, 1), 1) for y in trace["y"]]
        for key, value in zip(keys, values, strict=True):
            rows.setdefault(key, ["—"] * len(traces))[number] = value
    return {
        "corner": _("Dimension") if polar else _("Assessment"),
        "columns": columns,
        "rows": [{"label": label, "cells": [{"column": column, "value": value}
                                            for column, value in zip(columns, values, strict=True)]}
                 for label, values in rows.items()],
    }


def _plain(text: str) -> str:
    return html.unescape(str(text).replace("<br>", " "))
