"""Version 1 does not move: the `score --format json` output of every demo assessment made on it is
byte-identical to what it was before version 2 existed (recorded in tests/golden/)."""

import io
import json
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
