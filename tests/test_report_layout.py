"""The PDF report as a page a reader holds (issue 16, parts 2 and 5): no page but the last is mostly blank,
in either language (measured on the page images, as `pdftoppm` draws them); the cover names the region,
score, tier, framework version, date and issuer beside a small radar; the comparison with the previous
assessment shows each change and tier change; a draft is watermarked; the radar's labels stay inside its
image and outside its outer ring in both languages."""

import io
import subprocess
from pathlib import Path

import matplotlib
import numpy
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from docx import Document
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from assessments.charts import RADAR_STYLE, radar_matplotlib
from assessments.docx_report import render_docx
from assessments.models import Assessment
from assessments.reports import COVER_RADAR_SIZE, render_report
from assessments.results import score_assessment
from assessments.templatetags.sodpa import tier_label
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db

MIN_FILL = 0.2  # every page but the last: at least a fifth of its text area's pixel rows carry ink
TOP_MARGIN, BOTTOM_MARGIN = 22 / 297, 20 / 297  # the @page margins (mm / A4 height): header and footer


def page_images(pdf: bytes, directory: Path, name: str) -> list[Path]:
    path = directory / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(directory / name)], check=True)
    return sorted(directory.glob(f"{name}-*.png"), key=lambda png: int(png.stem.rsplit("-", 1)[1]))


def fill_of(png: Path) -> float:
    """The share of the page's pixel rows between the header and footer margins that have a
    non-white pixel (darker than a draft's light watermark)."""
    ink = numpy.asarray(Image.open(png).convert("L")) < 200
    height = ink.shape[0]
    body = ink[int(height * TOP_MARGIN): int(height * (1 - BOTTOM_MARGIN))]
    return float(body.any(axis=1).mean())


def pdf_pages(pdf: bytes, directory: Path, *, mode: str = "-layout") -> list[str]:
    """The text of each page; `mode="-raw"` keeps diagonal text (the watermark), which -layout drops."""
    path = directory / "text.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@override_settings(DEBUG=True, REPORT_ISSUER="中国信通院咨询部")
def test_a_realistic_report_has_no_mostly_blank_page_a_full_cover_and_the_change(sodpa, tmp_path):
    """The demo's 苏州工业园区 2026 assessment (varied levels, evidence, a previous assessment, plan
    items on both): in Chinese and in English."""
    call_command("seed_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(region__name="苏州工业园区", title="2026 年度自评估")
    card = score_assessment(assessment=assessment)
    previous = score_assessment(assessment=Assessment.objects.get(region__name="苏州工业园区", title="2025 年度自评估"))
    for language, version, watermark in (("zh-hans", "sodpa-2023 第 1 版", "草稿"), ("en", "sodpa-2023 version 1",
                                                                                     "DRAFT")):
        pdf = render_report(assessment=assessment, language=language)
        fills = [fill_of(png) for png in page_images(pdf, tmp_path, language)]
        assert len(fills) >= 10
        thin = {number: f"{share:.0%}" for number, share in enumerate(fills[:-1], start=1) if share < MIN_FILL}
        assert not thin, f"{language}: pages under a fifth full: {thin} (all: {[f'{s:.0%}' for s in fills]})"
        pages = pdf_pages(pdf, tmp_path)
        assert len(pages) == len(fills)
        with translation.override(language):
            cover = " ".join(pages[0].split())  # lines wrap where the layout puts them
            for expected in ("苏州工业园区", "2026 年度自评估", f"{card.overall:.1f}", tier_label(card.overall_tier),
                             version, "中国信通院咨询部"):
                assert expected in cover, (language, expected)
            # a submitted, complete assessment is no draft: no watermark
            assert watermark not in "".join(pdf_pages(pdf, tmp_path, mode="-raw"))
            title = "与上一次评估的对比" if language == "zh-hans" else "comparison with the previous assessment"
            comparison = next(page for page in pages[2:] if title in page)  # not the contents on page 2
            change = round(card.overall - previous.overall, 1)
            assert f"{'+' if change > 0 else '−'}{abs(change):.1f}" in comparison
            if previous.overall_tier != card.overall_tier:
                assert f"{tier_label(previous.overall_tier)} → {tier_label(card.overall_tier)}" in comparison
            for dim in card.dimensions:
                before = previous.dimension(dim.code)
                if before.tier != dim.tier:
                    assert f"{tier_label(before.tier)} → {tier_label(dim.tier)}" in comparison


def test_a_draft_is_watermarked_on_every_page_and_marked_in_the_word_copy(small_framework, people, tmp_path):
    draft = AssessmentFactory(region=people["own"], framework=small_framework, title="2027 年度自评估",
                              status=Assessment.Status.DRAFT)
    fill(draft, 2, skip=3)
    card = score_assessment(assessment=draft)
    pdf = render_report(assessment=draft, language="en")
    watermarked = pdf_pages(pdf, tmp_path, mode="-raw")
    assert len(watermarked) > 3 and all("DRAFT" in page for page in watermarked)
    pages = pdf_pages(pdf, tmp_path)
    assert "not every indicator answered" in pages[0] and f"({card.answered} of {card.total})" in pages[0]
    assert "Overall (provisional)" in pages[0]
    assert tier_label(card.overall_tier) not in pages[0].split("Overall (provisional)")[1].split("Region kind")[0]
    zh = pdf_pages(render_report(assessment=draft, language="zh-hans"), tmp_path, mode="-raw")
    assert all("草稿" in "".join(page.split()) for page in zh)  # a glyph a line, rotated
    assert "得分为暂定结果" in zh[0]
    document = Document(io.BytesIO(render_docx(assessment=draft, language="zh-hans")))
    assert document.sections[0].header.paragraphs[0].text.startswith("草稿 · ")
    assert document.core_properties.title.startswith("草稿 · ")
    assert any("得分为暂定结果" in paragraph.text for paragraph in document.paragraphs[:6])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_radar_labels_fit_inside_the_image_and_outside_the_ring(sodpa, people, language):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa, status=Assessment.Status.SUBMITTED)
    fill(assessment, 3)
    card = score_assessment(assessment=assessment)
    with translation.override(language):
        names = {dimension.code: dimension.name for dimension in sodpa.dimensions.all()}
        for options in ({}, {"legend": False, "size": COVER_RADAR_SIZE}):
            with matplotlib.rc_context(RADAR_STYLE):  # the report's fonts, which set the labels' size
                figure = radar_matplotlib(current=(card, "2026"), previous=(card, "2025"), dimension_names=names,
                                          **options)
                canvas = FigureCanvasAgg(figure)
                canvas.draw()  # lays the polar axes out (equal aspect) as the saved image has them
                renderer = canvas.get_renderer()
            axes = figure.axes[0]
            centre = axes.transData.transform((0, 0))
            ring = numpy.hypot(*(axes.transData.transform((0, 100)) - centre))
            labels = [text for text in axes.texts if text.get_text()]
            assert len(labels) == 5
            legend = axes.get_legend()
            for label in labels:
                with matplotlib.rc_context(RADAR_STYLE):
                    box = label.get_window_extent(renderer)
                assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= figure.bbox.x1 and box.y1 <= figure.bbox.y1, (
                    language, label.get_text(), box)
                nearest = (numpy.clip(centre[0], box.x0, box.x1), numpy.clip(centre[1], box.y0, box.y1))
                assert numpy.hypot(nearest[0] - centre[0], nearest[1] - centre[1]) > ring, (language, label.get_text())
                if legend is not None:
                    assert not box.overlaps(legend.get_window_extent(renderer)), (language, label.get_text())
