"""`export_framework`: the published framework as JSON, equal to the source it was built from."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.content import read_source
from frameworks.models import Framework
from frameworks.records import create_framework, document_records
from tests.factories import build_framework

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source" / "sodpa-2023"
LANGUAGES = {"zh-hans", "en"}


def export(*args) -> dict:
    out = io.StringIO()
    call_command("export_framework", *args, stdout=out)
    return json.loads(out.getvalue())


def assert_text(value) -> None:
    assert set(value) == LANGUAGES
    assert all(isinstance(text, str) and text.strip() for text in value.values())


@pytest.mark.django_db
def test_export_has_the_documented_structure(sodpa):
    data = export("sodpa-2023", "--format", "json")
    assert {"code", "version", "tiers", "dimensions"} <= set(data)
    assert (data["code"], data["version"], data["status"]) == ("sodpa-2023", 1, "published")
    assert data["tiers"] == {"advanced": 70, "intermediate": 40}
    assert_text(data["name"])
    for dim in data["dimensions"]:
        assert {"code", "weight", "name", "subdimensions"} <= set(dim)
        assert isinstance(dim["weight"], int | float) and dim["weight"] > 0
        assert_text(dim["name"])
        for sub in dim["subdimensions"]:
            assert {"code", "name", "indicators"} <= set(sub)
            assert_text(sub["name"])
            for ind in sub["indicators"]:
                assert {"code", "weight", "allows_na", "question", "levels"} <= set(ind)
                assert isinstance(ind["weight"], int | float) and ind["weight"] > 0
                assert isinstance(ind["allows_na"], bool)
                assert_text(ind["question"])
                assert [lv["level"] for lv in ind["levels"]] == [0, 1, 2, 3, 4]
                for level in ind["levels"]:
                    assert set(level) == {"level", "zh-hans", "en"}
                    assert level["zh-hans"].strip() and level["en"].strip()


@pytest.mark.django_db
def test_export_shows_5_dimensions_20_subdimensions_and_40_to_80_indicators(sodpa):
    data = export("sodpa-2023")
    subdimensions = [sub for dim in data["dimensions"] for sub in dim["subdimensions"]]
    indicators = [ind for sub in subdimensions for ind in sub["indicators"]]
    assert [dim["code"] for dim in data["dimensions"]] == ["S", "O", "D", "P", "A"]
    assert [sub["code"] for sub in subdimensions] == [
        "S1",
        "S2",
        "S3",
        "S4",
        "O1",
        "O2",
        "O3",
        "D1",
        "D2",
        "D3",
        "D4",
        "D5",
        "P1",
        "P2",
        "P3",
        "P4",
        "A1",
        "A2",
        "A3",
        "A4",
    ]
    assert 40 <= len(indicators) <= 80
    assert len({ind["code"] for ind in indicators}) == len(indicators)


@pytest.mark.django_db
def test_export_is_not_escaped_so_chinese_is_readable(sodpa):
    out = io.StringIO()
    call_command("export_framework", "sodpa-2023", stdout=out)
    assert "战略与人才" in out.getvalue()
    assert "\\u" not in out.getvalue()


def _comparable(document: dict) -> dict:
    """Many-to-many links come back in database order (by dimension, sub-dimension): compare them
    as sets."""
    document = copy.deepcopy(document)
    recommendations = document["recommendations"]
    for case in recommendations["cases"]:
        case["subdimensions"] = sorted(case["subdimensions"])
    for scene in recommendations["scene_types"]:
        scene["dimensions"] = sorted(scene["dimensions"])
    return document


@pytest.mark.django_db
def test_export_of_the_loaded_fixture_equals_the_source(sodpa):
    data = export("sodpa-2023")
    assert data.pop("status") == "published"
    assert _comparable(data) == _comparable(read_source(SOURCE))


@pytest.mark.django_db
def test_the_latest_published_version_is_exported_unless_a_version_is_asked_for(sodpa):
    document = read_source(SOURCE)
    document["version"] = 2
    document["dimensions"][0]["weight"] = 2
    document["tiers"] = {"advanced": 75, "intermediate": 45}
    create_framework(document_records(document, status=Framework.Status.PUBLISHED))
    document["version"] = 3
    create_framework(document_records(document, status=Framework.Status.DRAFT))

    latest = export("sodpa-2023")
    assert (latest["version"], latest["status"], latest["tiers"]) == (
        2,
        "published",
        {"advanced": 75, "intermediate": 45},
    )
    assert latest["dimensions"][0]["weight"] == 2
    first = export("sodpa-2023", "--framework-version", "1")
    assert (first["version"], first["tiers"], first["dimensions"][0]["weight"]) == (
        1,
        {"advanced": 70, "intermediate": 40},
        1,
    )
    draft = export("sodpa-2023", "--framework-version", "3")
    assert (draft["version"], draft["status"]) == (3, "draft")


@pytest.mark.django_db
def test_weights_are_exported_as_written(sodpa):
    data = export("sodpa-2023")
    weights = {
        ind["code"]: ind["weight"]
        for dim in data["dimensions"]
        for sub in dim["subdimensions"]
        for ind in sub["indicators"]
    }
    assert weights["S1.1"] == 1 and isinstance(weights["S1.1"], int)
    assert weights["S1.2"] == 1.5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sodpa-2099"], "No published framework 'sodpa-2099'"),
        (["sodpa-2023", "--framework-version", "7"], "No framework 'sodpa-2023' version 7"),
        (["nope", "--framework-version", "1"], "No framework 'nope' version 1"),
    ],
)
def test_unknown_framework_or_version_is_refused_by_name(sodpa, args, message):
    with pytest.raises(CommandError) as error:
        call_command("export_framework", *args, stdout=io.StringIO())
    assert str(error.value) == message


@pytest.mark.django_db
def test_a_draft_only_framework_is_not_exported_by_default():
    build_framework({"S": {"S1": [(1, False)]}}, code="draft-only", status=Framework.Status.DRAFT)
    with pytest.raises(CommandError) as error:
        call_command("export_framework", "draft-only", stdout=io.StringIO())
    assert str(error.value) == "No published framework 'draft-only'"
    assert export("draft-only", "--framework-version", "1")["status"] == "draft"


@pytest.mark.django_db
def test_export_command_refuses_other_formats(sodpa):
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("export_framework", "sodpa-2023", "--format", "xml", stdout=io.StringIO())
