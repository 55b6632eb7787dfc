"""A few small, real evidence files for the demo (seed_demo): a PDF typeset by WeasyPrint, a PNG and
an XLSX made in code, attached once to the official's region's latest submitted assessment."""

import io
import struct
import zlib

from django.core.files.base import ContentFile

from assessments.evidence import attach_evidence
from assessments.evidence_models import EvidenceFile
from assessments.models import Assessment
from frameworks.models import Indicator


def _pdf() -> bytes:
    from weasyprint import HTML

    # Latin text only: a CJK font subset would make the file a quarter of a megabyte.
    html = ("<html lang='en'><body style='font-family: sans-serif'>"
            "<h1>Digital twin city plan 2024-2026 (demo)</h1>"
            "<p>Demo evidence: the plan adopted by the park's administrative committee.</p></body></html>")
    return HTML(string=html).write_pdf()


def _png(width: int = 48, height: int = 32) -> bytes:
    """A small bar chart as a real PNG (grey background, blue bars), written byte by byte."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    heights = [10, 18, 14, 26, 22, 30]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            bar = x // 8
            inside = x % 8 < 6 and height - y <= heights[bar]
            row += bytes((30, 90, 200) if inside else (240, 240, 240))
        rows.append(bytes(row))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据资源目录"
    sheet.append(["数据集 / Dataset", "部门 / Bureau", "更新频率 / Updated"])
    sheet.append(["城市部件", "城市管理局", "每日"])
    sheet.append(["建筑三维模型", "规划建设局", "每季度"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attach_demo_evidence(*, official) -> int:
    """Attach the demo files to the official's latest submitted assessment and to their verified one
    (the demo shows a verification with its evidence), unless they have files already; returns how
    many were attached."""
    region = official.official_regions.order_by("pk").first()
    if region is None:
        return 0
    submitted = region.assessments.filter(status=Assessment.Status.SUBMITTED)
    chosen = [submitted.order_by("-submitted_at").first(), submitted.filter(review__status="verified").first()]
    unique = {assessment.pk: assessment for assessment in chosen if assessment is not None}
    return sum(_attach_to(assessment=assessment, official=official) for assessment in unique.values())


def _attach_to(*, assessment: Assessment, official) -> int:
    if EvidenceFile.objects.filter(assessment=assessment).exists():
        return 0
    files = [("S1.1", "数字孪生城市建设规划.pdf", _pdf()), ("D1.1", "数据资源目录.xlsx", _xlsx()),
             ("P1.1", "平台运行指标截图.png", _png())]
    indicators = {i.code: i for i in Indicator.objects.filter(
        subdimension__dimension__framework=assessment.framework, code__in=[code for code, _, _ in files])}
    attached = 0
    for code, name, content in files:
        if code in indicators:
            attach_evidence(assessment=assessment, indicator=indicators[code], name=name, file=ContentFile(content),
                            user=official, require_draft=False)
            attached += 1
    return attached
