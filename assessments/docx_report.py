"""The editable Word copy of the PDF report (python-docx), built from the same `report_context`, so
the two never disagree: a consultant adds commentary in Word or WPS before handing it over.

- Headings use Word's "Heading 1/2/3" styles, so the navigation pane works and the TOC field at the
  front builds the contents (Word asks to update fields on opening; WPS: right-click, update field).
- Scores and indicators are Word tables (header rows repeat on every page); the radar is a PNG drawn
  by the PDF's matplotlib code (charts.radar_png).
- A draft (not submitted, or not every indicator answered; report_parts.report_is_draft) says so in
  red on the cover and in the header of every page, and its title starts with "DRAFT"; its overall
  score is marked provisional and has no tier.
- Chinese is set in "Microsoft YaHei" (w:ascii and w:eastAsia), a font every Windows with Word or
  WPS has; the English copy keeps Chinese names in it too and sets Latin text in Calibri.
"""

import io

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from assessments.charts import radar_png
from assessments.models import Assessment
from assessments.report_parts import report_issuer
from assessments.reports import ReportError, report_context
from assessments.templatetags.sodpa import level_label, percent, score, tier_label

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CJK_FONT = "Microsoft YaHei"
LATIN_FONT = {"zh-hans": CJK_FONT, "en": "Calibri"}
WORD_LANGUAGE = {"zh-hans": "zh-CN", "en": "en-GB"}
HEADER_FILL = "E9ECEF"
TEXT_WIDTH_CM = 16.6
MUTED = RGBColor(0x6C, 0x75, 0x7D)
DRAFT_RED = RGBColor(0xB0, 0x2A, 0x37)
STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Number", "List Bullet")


def render_docx(*, assessment: Assessment, language: str) -> bytes:
    """The Word report of one assessment in `language` ("zh-hans" or "en")."""
    if language not in dict(settings.LANGUAGES):
        raise ReportError(f"unknown report language {language!r}")
    with translation.override(language):
        return build_docx(context=report_context(assessment=assessment), language=language)


# --- Word helpers ----------------------------------------------------------------------------------


def _set_fonts(style, *, latin: str, language: str) -> None:
    """The style's fonts as explicit names (not theme fonts, which Word would map to Latin ones)."""
    style.font.name = latin
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    lang = style.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        style.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:val"), WORD_LANGUAGE[language])
    lang.set(qn("w:eastAsia"), "zh-CN")


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _table(document, headers: list[str] | None, rows: list[list], widths: list[float] | None = None):
    """A Word table with a shaded header row that repeats on every page (none when `headers` is
    None); `widths` in cm (the text width is 16.6 cm), else even columns."""
    columns = len(headers) if headers else len(rows[0])
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.autofit = False
    if headers:
        cells = table.add_row().cells
        for cell, text in zip(cells, headers, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell, HEADER_FILL)
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row stays on one page
        for cell, value in zip(row.cells, values, strict=True):
            _fill(cell, value)
    widths = widths or [TEXT_WIDTH_CM / columns] * columns
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice and WPS follow
        for cell in column.cells:
            cell.width = Cm(width)  # the cells, which Word follows
    document.add_paragraph()
    return table


def _fill(cell, value) -> None:
    """A cell's text: a string, or a list of (text, bold) runs with "\n" as line breaks."""
    paragraph = cell.paragraphs[0]
    parts = value if isinstance(value, list) else [(str(value), False)]
    for text, bold in parts:
        lines = str(text).split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.bold = bold
            if number < len(lines) - 1:
                run.add_break()


def _source(document, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.font.size, run.font.color.rgb = Pt(8), MUTED


def _guide(section: str) -> str:
    return f"{_('Guide section')} {section}"


def _toc(document) -> None:
    """A TOC field of Heading 1–3; Word fills it when it updates fields (asked on opening)."""
    paragraph = document.add_paragraph()
    begin, instruction, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                         OxmlElement("w:fldChar"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run = paragraph.add_run()
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(separate)
    paragraph.add_run(_("Update this field (right-click, Update Field) to build the table of contents."))
    paragraph.add_run()._r.append(end)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _numbered_list(document, texts: list[str]) -> None:
    """Paragraphs in Word's "List Number" style, numbered from 1. Every list gets its own numbering
    instance (a w:num over the style's abstract numbering, restarting at 1); with the style's own
    instance alone, Word, WPS and LibreOffice would carry on counting from the previous list."""
    numbering = document.part.numbering_part.element
    style_num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    num = numbering.add_num(numbering.num_having_numId(style_num_id).abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    for text in texts:
        properties = document.add_paragraph(text, style="List Number")._p.get_or_add_pPr().get_or_add_numPr()
        properties.get_or_add_ilvl().val = 0
        properties.get_or_add_numId().val = num.numId


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- the report --------------------------------------------------------------------------------------


def _dimension_label(dimension) -> str:
    return f"{dimension.code} {dimension.name}"


def _cover(document, context: dict, language: str) -> None:
    assessment, region, framework, card = (context["assessment"], context["region"], context["framework"],
                                           context["card"])
    kicker = document.add_paragraph().add_run(_("Digital twin city maturity self-assessment · SODPA model"))
    kicker.font.color.rgb = RGBColor(0x0B, 0x3D, 0x91)
    document.add_paragraph(region.name, style="Title")
    document.add_paragraph(assessment.title, style="Subtitle")
    if context["is_draft"]:
        note = document.add_paragraph()
        mark = note.add_run(_("DRAFT"))
        mark.bold, mark.font.size, mark.font.color.rgb = True, Pt(20), DRAFT_RED
        note.add_run(" — " + _("not a submitted assessment, or not every indicator answered (%(done)s of %(total)s): "
                               "the scores are provisional.") % {"done": card.answered, "total": card.total}
                     ).font.color.rgb = DRAFT_RED
    overall = document.add_paragraph()
    overall.add_run(_("Overall score (provisional): ") if context["is_draft"] else _("Overall score: "))
    overall.add_run(score(card.overall)).bold = True
    if not context["is_draft"]:
        overall.add_run(f"  {tier_label(card.overall_tier)}")
    overall.runs[1].font.size = Pt(24)
    version = _("%(code)s version %(version)s") % {"code": framework.code, "version": framework.version}
    _table(document, None, [
        [_("Region"), region.name],
        [_("Region kind"), region.get_kind_display()],
        [_("City type"), region.get_city_type_display()],
        [_("Status"), assessment.get_status_display()],
        [_("Date"), formats.date_format(context["report_date"], "DATE_FORMAT")],
        [_("Framework"), f"{framework.name} ({version})"],
        [_("Issued by"), report_issuer()],
        [_("Language"), "English" if language == "en" else "简体中文"],
    ], widths=[4.5, 11.5])
    document.add_picture(io.BytesIO(context["radar_png"]), width=Cm(9))
    _source(document, _("Based on the Digital Twin City Construction Guide (2023), China Academy of Information "
                        "and Communications Technology."))
    _page_break(document)
    document.add_paragraph().add_run(_("Contents")).bold = True
    _toc(document)


def _summary(document, context: dict) -> None:
    card, sections, peers, advice, region = (context["card"], context["sections"], context["peers"],
                                             context["advice"], context["region"])
    document.add_heading(_("Executive summary"), level=1)
    if not card.is_complete:
        document.add_paragraph(_("Provisional result: %(done)s of %(total)s indicators answered. Unanswered "
                                 "indicators are left out of the scores.") % {"done": card.answered,
                                                                              "total": card.total})
    overall = document.add_paragraph()
    overall.add_run(_("Overall score (provisional): ") if context["is_draft"] else _("Overall score: "))
    overall.add_run(score(card.overall)).bold = True
    if not context["is_draft"]:
        overall.add_run(f" ({tier_label(card.overall_tier)})")
    _table(document, [_("Dimension"), _("Score"), _("Tier")],
           [[_dimension_label(s["dimension"]), score(s["score"]), str(tier_label(s["tier"]))] for s in sections],
           widths=[9, 3, 4])
    document.add_picture(io.BytesIO(context["radar_png"]), width=Cm(11))
    document.add_heading(_("Compared with peers (%(kind)s)") % {"kind": region.get_kind_display()}, level=2)
    if peers.enough_peers:
        document.add_paragraph(_(
            "Against the latest submitted assessment of %(count)s regions of this kind, shown only as aggregates "
            "(the dashed line on the radar is their median). Percentile: the share of these regions scoring below "
            "this assessment, ties counted half.") % {"count": peers.count})
        _table(document, [_("Dimension"), _("This assessment"), _("Peer median"),
                          _("Peer middle half (25th–75th percentile)"), _("Percentile")],
               [[(f"{row.code} " if row.code != "overall" else "") + row.name, score(row.score), score(row.median),
                 f"{score(row.p25)} – {score(row.p75)}", score(row.percentile)] for row in peers.rows])
    else:
        document.add_paragraph(_("Not enough peers: fewer than %(minimum)s regions of this kind have a submitted "
                                 "assessment, so no comparison is shown.") % {"minimum": context["min_peers"]})
    document.add_heading(_("Strengths"), level=2)
    _numbered_list(document, [f"{item.subdimension.code} {item.subdimension.name} — {score(item.score)}"
                              for item in advice.strengths])
    document.add_heading(_("Priorities"), level=2)
    _numbered_list(document, [f"{item.subdimension.code} {item.subdimension.name} — {score(item.score)} "
                              f"({tier_label(item.tier)})" for item in advice.weak_areas])
    if not advice.weak_areas:
        document.add_paragraph(_("None below the advanced tier."))


def _dimensions(document, context: dict) -> None:
    for section in context["sections"]:
        dimension = section["dimension"]
        document.add_heading(f"{_dimension_label(dimension)} · {score(section['score'])} "
                             f"{tier_label(section['tier'])}", level=1)
        document.add_paragraph(f"{dimension.description} ({_guide(dimension.guide_section)})")
        _table(document, [_("Sub-dimension"), _("Score"), _("Tier")],
               [[f"{s['subdimension'].code} {s['subdimension'].name}", score(s["score"]), str(tier_label(s["tier"]))]
                for s in section["subdimensions"]], widths=[9, 3, 4])
        for sub in section["subdimensions"]:
            document.add_heading(f"{sub['subdimension'].code} {sub['subdimension'].name}", level=2)
            rows = []
            for row in sub["rows"]:
                answer = row["answer"]
                if answer and answer.not_applicable:
                    chosen, level = _("Not applicable"), _("N/A")
                elif row["descriptor"]:
                    chosen, level = row["descriptor"], str(answer.level)
                else:
                    chosen, level = _("Unanswered"), "—"
                text = [(row["indicator"].question, True), (f"\n{chosen}", False)]
                if answer and answer.evidence:
                    text.append((f"\n{_('Evidence')}: {answer.evidence}", False))
                rows.append([row["indicator"].code, text, level])
            _table(document, [_("Code"), _("Indicator and chosen level"), _("Level")], rows, widths=[1.6, 12.4, 2])


def _box(document, title: str, body: str, guide_section: str) -> None:
    document.add_heading(title, level=2)
    document.add_paragraph(body)
    _source(document, _guide(guide_section))


def _recommendations(document, context: dict) -> None:
    advice, region = context["advice"], context["region"]
    document.add_heading(_("Recommendations"), level=1)
    if advice.strategy:
        _box(document, _("Classified strategy: %(title)s") % {"title": advice.strategy.title}, advice.strategy.body,
             advice.strategy.guide_section)
    if advice.scene_step:
        _box(document, _("Scene-building step: %(title)s") % {"title": advice.scene_step.title},
             advice.scene_step.body, advice.scene_step.guide_section)
    _raise_first(document, context)
    document.add_heading(_("Priority scene types"), level=2)
    status_names = {"ready": _("ready"), "near": _("near"), "not_yet": _("not yet")}
    rows = []
    for item in advice.scene_types:
        why = [_("mature scene — build first")] if item.scene_type.mature else []
        if item.status:
            why.append(str(status_names.get(item.status, item.status)))
        if item.readiness and item.readiness.missing:
            why += [_("%(code)s: level %(level)s, needs %(needed)s") % {
                "code": missing.indicator, "level": "—" if missing.level is None else missing.level,
                "needed": missing.needed} for missing in item.readiness.missing]
        if item.weak_dimensions:
            why.append(_("addresses your weak dimensions: %(codes)s") % {"codes": ", ".join(item.weak_dimensions)})
        rows.append([str(item.scene_type.number), [(item.scene_type.name, True), (f"\n{item.scene_type.description}",
                                                                                  False)], "\n".join(why)])
    _table(document, ["#", _("Scene type"), _("Why")], rows, widths=[1, 11, 4])
    if advice.scene_types:
        _source(document, _guide(advice.scene_types[0].scene_type.guide_section))
    for item in advice.feature_scenes:
        scene = item.scene
        if item.scope == "all":
            title = _("Feature-led scenes for every region: %(title)s") % {"title": scene.title}
        elif item.scope == "option":
            title = _("An option for a comprehensive city: %(title)s") % {"title": scene.title}
        else:
            title = _("Feature-led scenes for a %(city_type)s: %(title)s") % {
                "city_type": region.get_city_type_display(), "title": scene.title}
        _box(document, title, scene.body, scene.guide_section)
    for area in advice.weak_areas:
        title = _("Strengthen %(code)s %(name)s") % {"code": area.subdimension.code, "name": area.subdimension.name}
        _box(document, f"{title} ({score(area.score)})", area.subdimension.measures, area.subdimension.guide_section)
        for case in area.cases:
            paragraph = document.add_paragraph()
            heading = _("Case %(number)s: %(title)s") % {"number": case.number, "title": case.title}
            paragraph.add_run(heading).bold = True
            paragraph.add_run(f" — {case.summary} ({_guide(case.guide_section)})")
    document.add_heading(_("Ecosystem collaboration"), level=2)
    for item in advice.ecosystem:
        paragraph = document.add_paragraph()
        paragraph.add_run(item.title).bold = True
        paragraph.add_run(f" — {item.body} ({_guide(item.guide_section)})")


def _raise_first(document, context: dict) -> None:
    """What to raise first, the moves to the next tier and how sure the tier is (as in the PDF)."""
    advice = context["advice"]
    document.add_heading(_("What to raise first"), level=2)
    rows = [[row["move"].indicator, [(row["indicator"].question, True), (f"\n{row['target']}", False)],
             f"{row['move'].from_level} → {row['move'].to_level}", f"+{score(row['move'].overall_gain)}"]
            for row in context.get("raise_rows", [])]
    if rows:
        _table(document, [_("Indicator"), _("Next level"), _("Move"), _("Overall gain")], rows, widths=[2, 10, 2, 2])
    else:
        document.add_paragraph(_("No answered indicator can move up a level."))
    stability = advice.stability
    if stability is not None and stability.overall is not None:
        document.add_paragraph(_("In %(share)s of %(draws)s variations of the weights (each ×0.8–1.2) the overall "
                                 "tier stays %(tier)s.") % {"share": percent(stability.overall),
                                                            "draws": stability.draws, "tier": tier_label(advice.tier)})


def _method(document, context: dict) -> None:
    framework, card = context["framework"], context["card"]
    document.add_heading(_("Appendix: method"), level=1)
    document.add_paragraph(_("Each indicator is answered on a five-level scale: 0 Not started, 1 Initial, "
                             "2 Developing, 3 Established, 4 Leading. Indicator score = level ÷ 4 × 100."))
    document.add_paragraph(_(
        "Sub-dimension and dimension scores are the weighted means of their answered indicators' scores; the overall "
        "score is the weighted mean of the dimension scores by dimension weight. “Not applicable” and unanswered "
        "indicators are left out and the remaining weights re-normalised; a dimension without an applicable answer "
        "has no score and is left out of the overall."))
    document.add_paragraph(_("Tiers: advanced ≥ %(advanced)s > intermediate ≥ %(intermediate)s > basic; a score on a "
                             "boundary belongs to the higher tier.") % {
        "advanced": f"{framework.tier_advanced:g}", "intermediate": f"{framework.tier_intermediate:g}"})
    document.add_paragraph(_("Completion: %(done)s of %(total)s indicators answered (%(percent)s), “not applicable” "
                             "answers included.") % {"done": card.answered, "total": card.total,
                                                     "percent": percent(card.completion)})
    rows = []
    for section in context["sections"]:
        weights = "; ".join(", ".join(f"{r['indicator'].code} {r['indicator'].weight:g}"
                                      + ("*" if r["indicator"].allows_na else "") for r in sub["rows"])
                            for sub in section["subdimensions"])
        rows.append([_dimension_label(section["dimension"]), f"{section['dimension'].weight:g}", weights])
    _table(document, [_("Dimension"), _("Weight"), _("Indicator weights")], rows, widths=[4.5, 1.8, 9.7])
    _source(document, _("* “not applicable” allowed for this indicator."))


def _comparison(document, context: dict) -> None:
    if not context["comparison"]:
        return
    previous = context["previous"]
    document.add_heading(_("Appendix: comparison with the previous assessment"), level=1)
    document.add_paragraph(_("Previous submitted assessment: “%(title)s”.") % {"title": previous.title})
    rows = [[[(row.name, True)] if row.code == "overall" else f"{row.code} {row.name}", score(row.before),
             score(row.after), row.change, row.tier_change] for row in context["comparison"]]
    change = pgettext("score difference", "Change")  # not the admin's "Change" (修改)
    _table(document, [_("Dimension"), previous.title, context["assessment"].title, change, _("Tier change")],
           rows, widths=[5, 2.8, 2.8, 2, 3.4])


def _plan(document, context: dict) -> None:
    document.add_heading(_("Improvement plan"), level=1)
    document.add_paragraph(_(
        "Actions chosen from this assessment's recommendations, each with an owner, a target date and, for an "
        "indicator of a weak sub-dimension, the level it should reach. The region's next assessment shows each "
        "target against the level achieved."))
    if context["plan"]:
        _table(document, [_("Action"), _("Owner"), _("Target date"), _("Indicator"), _("Current level"),
                          _("Target level"), _("Status")],
               [[e["item"].action, e["item"].owner, e["item"].target_date.strftime("%Y-%m-%d"),
                 e["item"].indicator.code if e["item"].indicator else "—", level_label(e["current"]),
                 level_label(e["item"].target_level), e["item"].get_status_display()] for e in context["plan"]])
    else:
        document.add_paragraph(_("No plan item yet."))
    if context["previous_plan"]:
        document.add_heading(_("Progress on the plan made from “%(title)s”") % {"title": context["previous"].title},
                             level=2)
        met = {True: _("Met"), False: _("Not met"), None: "—"}
        _table(document, [_("Action"), _("Owner"), _("Target date"), _("Indicator"), _("Target level"),
                          _("Achieved"), _("Target met")],
               [[r.item.action, r.item.owner, r.item.target_date.strftime("%Y-%m-%d"),
                 r.item.indicator.code if r.item.indicator else "—", level_label(r.target),
                 level_label(r.achieved), met[r.met]] for r in context["previous_plan"]])


def build_docx(*, context: dict, language: str) -> bytes:
    """The Word document from `report_context` (in the active language)."""
    context = {**context, "radar_png": radar_png(**context["radar_lines"])}
    document = Document()
    for name in STYLES:
        _set_fonts(document.styles[name], latin=LATIN_FONT[language], language=language)
    document.styles["Normal"].font.size = Pt(10.5)
    document.styles["Heading 1"].paragraph_format.page_break_before = True  # a chapter per page, as the PDF
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2.2)
    header = section.header.paragraphs[0]
    if context["is_draft"]:  # on every page: the draft mark
        mark = header.add_run(f"{_('DRAFT')} · ")
        mark.bold, mark.font.size, mark.font.color.rgb = True, Pt(8), DRAFT_RED
    header.add_run(f"{context['region'].name} · {context['assessment'].title} · {_('SODPA maturity report')}"
                   ).font.size = Pt(8)
    properties = document.core_properties
    properties.title = f"{context['region'].name} · {context['assessment'].title}"
    if context["is_draft"]:
        properties.title = f"{_('DRAFT')} · {properties.title}"
    properties.author = report_issuer()
    properties.language = WORD_LANGUAGE[language]
    properties.subject = _("SODPA maturity report")
    _cover(document, context, language)
    _summary(document, context)
    _dimensions(document, context)
    _recommendations(document, context)
    _method(document, context)
    _comparison(document, context)
    _plan(document, context)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
