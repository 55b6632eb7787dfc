"""Version 1 does not move: the `score --format json` output of every demo assessment made on it is
byte-identical to what it was before version 2 existed (recorded in tests/golden/)."""

import hashlib
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from assessments.models import Assessment

GOLDEN = Path(__file__).parent / "golden" / "v1_demo_scores.json"


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_version_1_demo_scores_are_byte_identical(sodpa):
    call_command("seed_demo", "--regions", "12", stdout=io.StringIO())
    outputs = {}
    for assessment in Assessment.objects.select_related("region").order_by("region__name", "title"):
        assert assessment.framework_id == sodpa.pk
        out = io.StringIO()
        call_command("score", str(assessment.pk), "--format", "json", stdout=out)
        prefix = f'{{"assessment": {assessment.pk}, '
        assert out.getvalue().startswith(prefix)
        outputs[f"{assessment.region.name} / {assessment.title}"] = out.getvalue()[len(prefix):]
    assert outputs == json.loads(GOLDEN.read_text(encoding="utf-8"))


DATE = re.compile(r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?")
REPORT_DIGESTS = Path(__file__).parent / "golden" / "v1_demo_report_text.sha256.json"


def _report_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return DATE.sub("<date>", text)  # the demo's dates are relative to today


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_version_1_demo_reports_have_the_same_text(sodpa, tmp_path):
    """The Chinese PDF text of the first three submitted demo assessments, dates masked, stays as
    recorded. Recorded before version 2 existed, then once more when the advice of issue 14 (scene
    readiness, what to raise first, tier stability) and the peer disclosure rule of issue 11 changed
    the recommendations and peer sections of every report; and once more for issue 16 (the cover's score,
    tier and issuer, the comparison's change and tier change, chapters that follow each other on the page,
    so fewer page headers and other page numbers); and once more when the long tables got the fixed table
    layout (other line breaks in the "what to raise first" table, the same words); the scores above never changed."""
    from assessments.reports import render_report

    call_command("seed_demo", stdout=io.StringIO())
    submitted = Assessment.objects.filter(status="submitted").select_related("region").order_by(
        "region__name", "title")[:3]
    digests = {
        f"{a.region.name} / {a.title}": hashlib.sha256(
            _report_text(render_report(assessment=a, language="zh-hans"), tmp_path).encode()).hexdigest()
        for a in submitted
    }
    assert digests == json.loads(REPORT_DIGESTS.read_text(encoding="utf-8"))
