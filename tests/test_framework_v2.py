"""The second edition's format: building, validating, loading and exporting a version-2 framework
beside version 1, which stays exactly as it was."""

import copy
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.content import validate_document
from frameworks.models import Framework, GlossaryTerm, Indicator
from frameworks.records import document_records, fixture_objects
from frameworks.versions import FrameworkInvalid, import_document
from tests.helpers import load_sample_v2, sample_v2_document

GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# Re-recorded once since version 2: 七(一)'s focus of the three strategies became rule data (`focus`, equal to
# the former code constant; the v1 report digests in tests/golden did not change).
V1_FIXTURE_SHA256 = "abd5a57ded9066a2561ab4442e7086411aebb0380f619002b3e6f01ef84bd5e8"


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_framework", *args, stdout=out)
    return out.getvalue()


def test_version_1_fixture_is_byte_identical_and_still_built_from_its_source():
    assert hashlib.sha256((FIXTURES / "sodpa-2023.json").read_bytes()).hexdigest() == V1_FIXTURE_SHA256
    out = io.StringIO()
    call_command("build_framework_fixture", "--check", stdout=out, stderr=io.StringIO())
    assert f"{FIXTURES / 'sodpa-2023.json'} is up to date" in out.getvalue()


@pytest.mark.django_db
def test_version_1_export_is_byte_identical_to_before_version_2(sodpa):
    text = export("sodpa-2023", "--framework-version", "1")
    assert hashlib.sha256(text.encode()).hexdigest() == (GOLDEN / "v1_export.sha256").read_text().strip()
    assert '"aggregation"' not in text and '"na_kinds"' not in text


@pytest.mark.django_db
def test_version_1_na_indicators_allow_na_for_every_kind(sodpa):
    indicators = Indicator.objects.filter(subdimension__dimension__framework=sodpa)
    assert sodpa.aggregation == "indicators"
    assert all(ind.na_kinds == (["city", "district", "park"] if ind.allows_na else []) for ind in indicators)
    assert indicators.filter(allows_na=True).count() == 6


def test_sample_source_is_valid():
    assert validate_document(sample_v2_document()) == []


def test_version_2_records_take_their_own_primary_keys():
    objects = fixture_objects(document_records(sample_v2_document(), status="published", first_pk=10001))
    assert min(obj["pk"] for obj in objects) == 10001
    framework = next(obj for obj in objects if obj["model"] == "frameworks.framework")
    assert framework["fields"]["aggregation"] == "subdimensions"
    level = next(obj for obj in objects if obj["model"] == "frameworks.leveldescriptor" and obj["fields"]["level"] == 4)
    assert len(level["fields"]["criteria"]) == 2


@pytest.mark.django_db
def test_export_of_version_2_has_the_new_keys_on_every_level():
    load_sample_v2()
    document = json.loads(export("sample-v2", "--format", "json"))
    assert document["aggregation"] == "subdimensions"
    for dimension in document["dimensions"]:
        assert set(dimension["rationale"]) == {"zh-hans", "en"} and "weight" in dimension
        for sub in dimension["subdimensions"]:
            assert set(sub["rationale"]) == {"zh-hans", "en"} and "weight" in sub
            for indicator in sub["indicators"]:
                assert isinstance(indicator["na_kinds"], list)
                assert indicator["allows_na"] is bool(indicator["na_kinds"])
                for level in indicator["levels"]:
                    assert ("criteria" in level) is (level["level"] > 0)
    subs = {sub["code"]: sub for dim in document["dimensions"] for sub in dim["subdimensions"]}
    assert subs["D1"]["weight"] == 2
    assert subs["S2"]["indicators"][0]["na_kinds"] == ["district", "park"]
    p12 = subs["P1"]["indicators"][1]
    assert p12["weight"] == 1.5 and p12["rationale"]["en"] == "The guide stresses simulation as a core capability."
    assert {"zh-hans": "场景", "en": "scene"} in document["glossary"]


@pytest.mark.django_db
def test_export_and_import_round_trip_keeps_version_2():
    framework = load_sample_v2()
    document = json.loads(export("sample-v2"))
    second = import_document(document=document, publish_it=True)
    again = json.loads(export("sample-v2"))
    assert second.version == framework.version + 1 == again["version"]
    for key in ("aggregation", "dimensions", "recommendations", "glossary"):
        assert again[key] == document[key]
    assert GlossaryTerm.objects.filter(framework=second).count() == 4


def _sample_with(change) -> dict:
    document = copy.deepcopy(sample_v2_document())
    change(document)
    return document


def test_import_lists_every_problem_of_the_new_keys():
    def break_it(document):
        s1 = document["dimensions"][0]
        del s1["rationale"]
        s1["subdimensions"][0]["rationale"] = {"zh-hans": "理由", "en": " "}
        s11 = s1["subdimensions"][0]["indicators"][0]
        s11["na_kinds"] = ["town", "city", "city"]
        s11["weight"] = 2
        s11["levels"][1]["criteria"] = []
        s11["levels"][4]["criteria"] = [{"zh-hans": "一", "en": "one"}] * 4
        s11["levels"][2]["criteria"][0] = {"zh-hans": "二"}
        document["aggregation"] = "sum"

    problems = validate_document(_sample_with(break_it))
    assert problems == [
        "aggregation: must be one of indicators, subdimensions, got 'sum'",
        "S: rationale must be an object with “zh-hans” and “en”",
        "S1: rationale.en is missing or empty",
        "S1.1: na_kinds: unknown region kind 'town'; use city, district, park",
        "S1.1: na_kinds lists a region kind twice: ['town', 'city', 'city']",
        "S1.1: levels[1].criteria must list 1–3 criteria, got 0",
        "S1.1: levels[2].criteria[1].en is missing or empty",
        "S1.1: levels[4].criteria must list 1–3 criteria, got 4",
        "S1.1: rationale (required when the weight is not 1) must be an object with “zh-hans” and “en”",
    ]


@pytest.mark.django_db
def test_import_framework_refuses_an_invalid_version_2_file_and_writes_nothing(tmp_path):
    document = _sample_with(lambda d: d["dimensions"][1]["subdimensions"][0]["indicators"][0].update(
        na_kinds="park"))
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FrameworkInvalid) as error:
        import_document(document=document)
    problem = "O1.1: na_kinds must be a list of region kinds among city, district, park, got 'park'"
    assert error.value.problems == [problem]
    with pytest.raises(CommandError) as command_error:
        call_command("import_framework", str(path))
    assert str(command_error.value) == f"{path}: 1 problem(s), nothing was imported:\n  {problem}"
    assert not Framework.objects.filter(code="sample-v2").exists()


@pytest.mark.django_db
def test_ensure_framework_loads_each_missing_version_once():
    Framework.objects.filter(code="sodpa-2023").delete()  # the session's copy: this test starts without one
    out = io.StringIO()
    call_command("ensure_framework", stdout=out)
    call_command("ensure_framework", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "loaded sodpa-2023 version 1"
    assert "sodpa-2023 version 1 is already loaded" in lines
    expected = {1, 2} if (FIXTURES / "sodpa-2023-v2.json").exists() else {1}
    assert set(Framework.objects.filter(code="sodpa-2023").values_list("version", flat=True)) == expected


@pytest.mark.django_db
def test_version_2_fixture_loads_beside_version_1(sodpa, sodpa_v2):
    assert (sodpa.version, sodpa_v2.version, sodpa_v2.aggregation) == (1, 2, "subdimensions")
    assert Framework.objects.latest_published("sodpa-2023") == sodpa_v2


@pytest.fixture
def fixtures_with_sample_v2(tmp_path):
    """A private copy of fixtures/ whose sodpa-2023 v2 source is the tiny sample, BASE_DIR pointing at it."""
    import shutil

    from django.test import override_settings

    from tests.helpers import SAMPLE_V2

    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    target = tmp_path / "fixtures" / "source" / "sodpa-2023" / "v2"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SAMPLE_V2, target)
    framework = json.loads((target / "framework.json").read_text(encoding="utf-8"))
    (target / "framework.json").write_text(json.dumps({**framework, "code": "sodpa-2023"}), encoding="utf-8")
    (tmp_path / "fixtures" / "sodpa-2023-v2.json").unlink(missing_ok=True)
    with override_settings(BASE_DIR=tmp_path):
        yield tmp_path / "fixtures"


@pytest.mark.django_db
def test_build_writes_version_2_to_its_own_fixture_and_both_load(fixtures_with_sample_v2):
    before = (fixtures_with_sample_v2 / "sodpa-2023.json").read_bytes()
    with pytest.raises(CommandError, match="sodpa-2023-v2.json is out of date"):
        call_command("build_framework_fixture", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("build_framework_fixture", stdout=out)
    assert f"wrote {fixtures_with_sample_v2 / 'sodpa-2023-v2.json'}: " in out.getvalue()
    assert (fixtures_with_sample_v2 / "sodpa-2023.json").read_bytes() == before
    call_command("build_framework_fixture", "--check", stdout=io.StringIO())
    objects = json.loads((fixtures_with_sample_v2 / "sodpa-2023-v2.json").read_text(encoding="utf-8"))
    assert min(obj["pk"] for obj in objects) == 10001
    from django.test import override_settings
    with override_settings(FIXTURE_DIRS=[fixtures_with_sample_v2]):
        call_command("ensure_framework", stdout=io.StringIO())
    versions = {f.version: f for f in Framework.objects.filter(code="sodpa-2023")}
    assert set(versions) == {1, 2}
    assert Framework.objects.latest_published("sodpa-2023").aggregation == "subdimensions"
    assert Indicator.objects.filter(subdimension__dimension__framework=versions[1]).count() == 60


@pytest.mark.django_db
def test_admin_shows_the_version_2_fields_and_the_glossary(client):
    from django.urls import reverse

    from tests.factories import UserFactory

    framework = load_sample_v2()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    term = GlossaryTerm.objects.get(framework=framework, term_zh="场景")
    page = client.get(reverse("admin:frameworks_glossaryterm_change", args=[term.pk])).content.decode()
    assert "scene" in page
    sub = framework.dimensions.get(code="S").subdimensions.get(code="S2")
    page = client.get(reverse("admin:frameworks_subdimension_change", args=[sub.pk])).content.decode()
    assert "S2 is weighted as the guide frames it." in page  # published: shown read-only
    assert "district" in page  # the N/A kinds of S2.1
