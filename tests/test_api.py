"""The read-only JSON API (/api/): every endpoint's content for a caller in scope, 404 outside the
caller's scope, lists without other tenants' rows, token authentication (401 without, with a wrong,
revoked or deactivated user's token), tokens stored hashed and shown once, and the token page."""

import hashlib
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api import endpoints
from api.models import ApiToken
from assessments.benchmarks import peer_benchmarks
from assessments.models import Assessment, Region
from frameworks.export import export_document
from frameworks.models import Case, FeatureScene, Framework, SceneType, SubDimension, TierAdvice
from tests.factories import AssessmentFactory, FrameworkFactory, RegionFactory, UserFactory, answer
from tests.helpers import fill

pytestmark = pytest.mark.django_db

JUNE_2025 = datetime(2025, 6, 1, 8, 30, tzinfo=UTC)
MARCH_2026 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
JANUARY_2026 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
MISSING_ID = 999_999


def as_json(value):
    """A value as the API's JSON encoder writes it (datetimes as ISO 8601 with a Z)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.fixture
def world(sodpa, people):
    own, other = people["own"], people["other"]
    draft = AssessmentFactory(region=own, framework=sodpa, title="Own draft")
    answer(draft, "S1.1", 3, evidence="《园区数字孪生规划（2024—2026）》")
    answer(draft, "S4.1", "na")
    answer(draft, "D1.1", 4)
    first = AssessmentFactory(region=own, framework=sodpa, title="Own 2025", status=Assessment.Status.SUBMITTED,
                              submitted_at=JUNE_2025)
    fill(first, 2)
    second = AssessmentFactory(region=own, framework=sodpa, title="Own 2026", status=Assessment.Status.SUBMITTED,
                               submitted_at=MARCH_2026)
    fill(second, 3)
    foreign = AssessmentFactory(region=other, framework=sodpa, title="Other submitted",
                                status=Assessment.Status.SUBMITTED, submitted_at=JANUARY_2026)
    fill(foreign, 4)
    return {**people, "draft": draft, "first": first, "second": second, "foreign": foreign}


def token_for(user) -> str:
    return ApiToken.issue(user=user, name="test")[1]


def get(path: str, token: str | None = None, client: Client | None = None, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return (client or Client()).get(path, **headers)


def get_json(path: str, user, **headers):
    response = get(path, token_for(user), **headers)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def region_json(region) -> dict:
    return {"id": region.pk, "name": region.name, "kind": region.kind, "city_type": region.city_type}


def summary_json(assessment, *, completion, overall, tier) -> dict:
    assessment.refresh_from_db()
    return as_json({
        "id": assessment.pk, "region_id": assessment.region_id, "title": assessment.title,
        "status": assessment.status, "framework": {"code": "sodpa-2023", "version": 1},
        "created_at": assessment.created_at, "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at, "completion": completion,
        "overall": {"score": overall, "tier": tier},
    })


# Frameworks --------------------------------------------------------------------------------------

def test_frameworks_lists_the_published_versions(world):
    assert get_json("/api/frameworks", world["official"]) == [{
        "code": "sodpa-2023",
        "versions": [{"version": 1, "status": "published", "published_at": None,
                      "name": {"zh-hans": "数字孪生城市建设五维模型（SODPA，2023）",
                               "en": "SODPA five-dimension model for digital twin cities (2023)"}}],
    }]


def test_draft_framework_versions_are_for_staff_only(world, sodpa):
    published_at = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    Framework.objects.filter(pk=sodpa.pk).update(published_at=published_at)
    FrameworkFactory(code="sodpa-2023", version=2, status=Framework.Status.DRAFT, name_zh="草稿", name_en="Draft")
    official = get_json("/api/frameworks", world["official"])
    assert [v["version"] for v in official[0]["versions"]] == [1]
    assert official[0]["versions"][0]["published_at"] == "2026-02-01T12:00:00Z"
    staff = get_json("/api/frameworks", world["admin"])
    assert staff[0]["versions"][1] == {"version": 2, "status": "draft", "published_at": None,
                                       "name": {"zh-hans": "草稿", "en": "Draft"}}
    assert get("/api/frameworks/sodpa-2023/versions/2", token_for(world["official"])).status_code == 404
    assert get_json("/api/frameworks/sodpa-2023/versions/2", world["admin"])["status"] == "draft"


def test_a_framework_version_is_the_export_framework_document(world, sodpa, capsys):
    document = get_json("/api/frameworks/sodpa-2023/versions/1", world["consultant"])
    assert document == as_json(export_document(framework=sodpa))
    call_command("export_framework", "sodpa-2023", "--format", "json")
    assert document == json.loads(capsys.readouterr().out)
    assert document["dimensions"][0]["subdimensions"][0]["indicators"][0]["levels"][0].keys() == {
        "level", "zh-hans", "en"}
    assert document["tiers"] == {"advanced": 70, "intermediate": 40}


@pytest.mark.parametrize(("path", "status"), [
    ("/api/frameworks/sodpa-2023/versions/9", 404),
    ("/api/frameworks/unknown/versions/1", 404),
    ("/api/frameworks/sodpa-2023/versions/0", 422),
    ("/api/frameworks/sodpa-2023/versions/x", 422),
    ("/api/frameworks/bad%20code/versions/1", 422),
])
def test_unknown_framework_versions(world, path, status):
    response = get(path, token_for(world["official"]))
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "Not Found"}


# Regions and assessments -------------------------------------------------------------------------

@pytest.mark.parametrize(("persona", "regions"), [
    ("official", ["own"]), ("consultant", ["own"]), ("other_official", ["other"]),
    ("other_consultant", ["other"]), ("admin", []), ("nobody", []),
])
def test_regions_are_the_callers_scope(world, persona, regions):
    expected = Region.objects.filter(pk__in=[world[name].pk for name in regions]).order_by("name")
    assert get_json("/api/regions", world[persona]) == [region_json(region) for region in expected]
    assert len(expected) == len(regions)


def test_region_detail(world):
    own = world["own"]
    assert get_json(f"/api/regions/{own.pk}", world["official"]) == {
        **region_json(own), "assessment_count": 3, "submitted_count": 2,
        "latest_submitted": summary_json(world["second"], completion=1.0, overall=75.0, tier="advanced"),
    }
    assert get_json(f"/api/regions/{world['other'].pk}", world["other_official"])["latest_submitted"]["id"] == \
        world["foreign"].pk
    assert get(f"/api/regions/{world['other'].pk}", token_for(world["admin"])).status_code == 404  # staff: no region


def test_region_assessments_newest_first_with_completion_and_score(world):
    own = world["own"]
    listed = get_json(f"/api/regions/{own.pk}/assessments", world["consultant"])
    assert [item["title"] for item in listed] == ["Own 2026", "Own 2025", "Own draft"]
    assert listed[0] == summary_json(world["second"], completion=1.0, overall=75.0, tier="advanced")
    assert listed[1] == summary_json(world["first"], completion=1.0, overall=50.0, tier="intermediate")
    # The draft: S1.1 level 3 (S: 75), D1.1 level 4 (D: 100), S4.1 N/A → overall (75 + 100) / 2.
    assert listed[2] == summary_json(world["draft"], completion=3 / 60, overall=87.5, tier="advanced")
    submitted = get_json(f"/api/regions/{own.pk}/assessments?status=submitted", world["consultant"])
    assert [item["title"] for item in submitted] == ["Own 2026", "Own 2025"]
    drafts = get_json(f"/api/regions/{own.pk}/assessments?status=draft", world["consultant"])
    assert [item["title"] for item in drafts] == ["Own draft"]
    assert get(f"/api/regions/{own.pk}/assessments?status=deleted", token_for(world["official"])).status_code == 422


def test_assessment_detail_with_answers_in_questionnaire_order(world):
    from django.core.files.base import ContentFile

    from assessments.evidence import attach_evidence
    from frameworks.models import Indicator
    from tests.evidence_samples import png_bytes

    draft = world["draft"]
    s1_1 = Indicator.objects.get(subdimension__dimension__framework=draft.framework, code="S1.1")
    png = png_bytes()
    attach_evidence(assessment=draft, indicator=s1_1, name="规划图.png", file=ContentFile(png), user=world["official"])
    draft.refresh_from_db()
    assert get_json(f"/api/assessments/{draft.pk}", world["official"]) == as_json({
        "id": draft.pk, "region": region_json(world["own"]), "title": "Own draft", "status": "draft",
        "framework": {"code": "sodpa-2023", "version": 1},
        "created_at": draft.created_at, "updated_at": draft.updated_at, "submitted_at": None,
        "review": {"status": "not_reviewed", "reviewer": None, "verified_at": None},
        "answers": [
            {"indicator": "S1.1", "level": 3, "na": False, "evidence": "《园区数字孪生规划（2024—2026）》",
             "answered_by": None, "review": None, "responses": [],
             "files": [{"name": "规划图.png", "size": len(png), "sha256": hashlib.sha256(png).hexdigest()}]},
            {"indicator": "S4.1", "level": None, "na": True, "evidence": "", "answered_by": None, "review": None,
             "responses": [], "files": []},
            {"indicator": "D1.1", "level": 4, "na": False, "evidence": "", "answered_by": None, "review": None,
             "responses": [], "files": []},
        ],
    })


def test_assessment_detail_says_who_answered_and_the_independent_answers(world):
    """`answered_by` is who last set the answer; `responses` the levels contributors gave independently,
    also before (and after) the official sets the consolidated answer."""
    from assessments.models import Answer, Response
    from frameworks.models import Indicator

    draft, official = world["draft"], world["official"]
    Answer.objects.filter(assessment=draft, indicator__code="D1.1").update(updated_by=official)
    bureau, centre = UserFactory(username="data_bureau"), UserFactory(username="big_data_centre")
    d11, d12 = (Indicator.objects.get(subdimension__dimension__framework=draft.framework, code=code)
                for code in ("D1.1", "D1.2"))
    for user, level, na in ((bureau, 4, False), (centre, 1, False)):
        Response.objects.create(assessment=draft, indicator=d11, user=user, level=level, not_applicable=na)
    Response.objects.create(assessment=draft, indicator=d12, user=bureau, level=None, not_applicable=True)
    answers = {a["indicator"]: a for a in get_json(f"/api/assessments/{draft.pk}", official)["answers"]}
    assert list(answers) == ["S1.1", "S4.1", "D1.1", "D1.2"]  # questionnaire order
    assert answers["D1.1"]["answered_by"] == "official"
    assert answers["D1.1"]["responses"] == [{"by": "big_data_centre", "level": 1},
                                            {"by": "data_bureau", "level": 4}]
    assert answers["D1.2"] == {"indicator": "D1.2", "level": None, "na": False, "evidence": "",
                               "answered_by": None, "review": None, "responses": [{"by": "data_bureau", "level": None}],
                               "files": []}


def test_scores_are_the_score_commands(world, capsys):
    for name, overall, tier, answered in [("draft", 87.5, "advanced", 3), ("first", 50.0, "intermediate", 60)]:
        assessment = world[name]
        scores = get_json(f"/api/assessments/{assessment.pk}/scores", world["official"])
        call_command("score", str(assessment.pk), "--format", "json")
        command = json.loads(capsys.readouterr().out)
        assert command.pop("assessment") == assessment.pk
        assert scores == {**command, "assessment_id": assessment.pk, "answered": answered, "total": 60}
        assert scores["overall"] == {"score": overall, "tier": tier}
    draft_scores = get_json(f"/api/assessments/{world['draft'].pk}/scores", world["official"])
    assert (draft_scores["answered"], draft_scores["total"], draft_scores["completion"]) == (3, 60, 0.05)
    assert draft_scores["dimensions"]["S"] == {
        "score": 75.0, "tier": "advanced", "subdimensions": {"S1": 75.0, "S2": None, "S3": None, "S4": None}}
    assert draft_scores["dimensions"]["O"]["score"] is None


@pytest.fixture
def weak(world, sodpa):
    """Everything at level 1 (basic), S2 and O1 at 0: weakest S2, O1, then S1 (first of the 25s)."""
    assessment = AssessmentFactory(region=world["own"], framework=sodpa, title="Weak")
    indicators = fill(assessment, 1)
    zero = [i.pk for i in indicators if i.code.split(".")[0] in ("S2", "O1")]
    assessment.answers.filter(indicator_id__in=zero).update(level=0)
    return assessment


@pytest.mark.parametrize(("how", "language"), [
    ({}, "zh-hans"),
    ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}, "en"),
    ({"query": "?lang=en", "HTTP_ACCEPT_LANGUAGE": "zh-CN"}, "en"),
    ({"query": "?lang=zh-hans", "HTTP_ACCEPT_LANGUAGE": "en"}, "zh-hans"),
])
def test_recommendations_in_the_requests_language(world, sodpa, weak, how, language):
    how = dict(how)
    query = how.pop("query", "")
    response = get(f"/api/assessments/{weak.pk}/recommendations{query}", token_for(world["official"]), **how)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    data = response.json()
    suffix = "en" if language == "en" else "zh"

    def text(obj, field):
        return getattr(obj, f"{field}_{suffix}")

    strategy = TierAdvice.objects.get(framework=sodpa, kind="strategy", tier="basic")
    step = TierAdvice.objects.get(framework=sodpa, kind="scene_step", tier="basic")
    feature = FeatureScene.objects.get(framework=sodpa, city_type="comprehensive")
    assert data["assessment_id"] == weak.pk
    assert data["language"] == language
    assert data["tier"] == "basic"
    assert data["strategy"] == {"title": text(strategy, "title"), "body": text(strategy, "body"),
                                "guide_section": strategy.guide_section, "tier": "basic"}
    assert data["scene_step"] == {"title": text(step, "title"), "body": text(step, "body"),
                                  "guide_section": step.guide_section, "tier": "basic"}
    # a comprehensive city: its own (version 1) item, then the three named city types as options
    assert data["feature_scenes"][0] == {"title": text(feature, "title"), "body": text(feature, "body"),
                                         "guide_section": feature.guide_section, "city_type": "comprehensive",
                                         "scope": "own"}
    assert [(f["city_type"], f["scope"]) for f in data["feature_scenes"][1:]] == [
        ("port", "option"), ("industrial", "option"), ("tourism", "option")]
    # S and O are lowest (S2, O1 at 0); D, P and A share the top score, so they are not weak
    assert data["weak_dimensions"] == ["O", "S"]
    scene_types = sorted(SceneType.objects.filter(framework=sodpa), key=lambda s: (not s.mature, s.number))
    assert [s["number"] for s in data["scene_types"]] == [s.number for s in scene_types]
    first = scene_types[0]
    assert data["scene_types"][0] == {  # version 1 has no prerequisites: no readiness, no tags
        "number": first.number, "name": text(first, "name"), "description": text(first, "description"),
        "mature": first.mature, "guide_section": first.guide_section,
        "dimensions": [d.code for d in first.dimensions.all()], "weak_dimensions": [],
        "readiness": None, "missing": [],
    }
    assert [(s["subdimension"], s["score"], s["tier"]) for s in data["strengths"]] == [
        ("S1", 25.0, "basic"), ("S3", 25.0, "basic"), ("S4", 25.0, "basic")]
    areas = data["weak_areas"]
    assert len(areas) == 3 and all(w["dimension"] in ("O", "S") for w in areas)
    assert [w["gain"] for w in areas] == sorted((w["gain"] for w in areas), reverse=True)
    o1 = SubDimension.objects.get(dimension__framework=sodpa, code="O1")
    assert areas[0]["subdimension"] == "O1"
    assert {key: areas[0][key] for key in ("name", "measures", "guide_section")} == {
        "name": text(o1, "name"), "measures": text(o1, "measures"), "guide_section": o1.guide_section}
    assert [c["number"] for c in areas[0]["cases"]] == [1, 4]
    case = Case.objects.get(framework=sodpa, number=4)
    assert areas[0]["cases"][1] == {"number": 4, "title": text(case, "title"),
                                    "summary": text(case, "summary"), "guide_section": case.guide_section}
    assert data["cases"][:2] == [{"number": 1, "subdimension": "O1"}, {"number": 4, "subdimension": "O1"}]
    assert data["step"]["step"] == "single_entry" and data["step"]["reason"]
    assert len(data["raise_first"]) == 5 and data["stability"]["overall"] is not None
    assert [e["title"] for e in data["ecosystem"]] == [
        text(e, "title") for e in sodpa.ecosystem_advice.order_by("order")]


def test_recommendations_refuse_an_unknown_language(world):
    response = get(f"/api/assessments/{world['draft'].pk}/recommendations?lang=fr", token_for(world["official"]))
    assert response.status_code == 422


def test_history_is_the_submitted_assessments_in_time_order(world):
    own = world["own"]

    def entry(assessment, score, tier):
        return as_json({
            "id": assessment.pk, "title": assessment.title, "submitted_at": assessment.submitted_at,
            "framework": {"code": "sodpa-2023", "version": 1}, "overall": {"score": score, "tier": tier},
            "dimensions": {code: {"score": score, "tier": tier} for code in "SODPA"},
        })

    assert get_json(f"/api/regions/{own.pk}/history", world["consultant"]) == {
        "region": region_json(own),
        "assessments": [entry(world["first"], 50.0, "intermediate"), entry(world["second"], 75.0, "advanced")],
    }
    assert get_json(f"/api/regions/{world['other'].pk}/history", world["other_consultant"])["assessments"] == [
        entry(world["foreign"], 100.0, "advanced")]


# Benchmarks --------------------------------------------------------------------------------------

STATS = {"mean": 55.0, "median": 50.0, "p25": 40.0, "p75": 70.0}


def test_benchmarks_pass_the_filters_and_give_the_aggregates(world, monkeypatch):
    calls = []

    def fake(*, regions_qs=None, kind=None, city_type=None, tier=None):
        calls.append({"regions_qs": regions_qs, "kind": kind, "city_type": city_type, "tier": tier})
        return {"count": 7, "overall": STATS, "dimensions": dict.fromkeys("SODPA", STATS)}

    monkeypatch.setattr(endpoints, "peer_benchmarks", fake)
    data = get_json("/api/benchmarks?kind=city&city_type=port&tier=advanced", world["official"])
    assert calls == [{"regions_qs": None, "kind": "city", "city_type": "port", "tier": "advanced"}]
    assert data == {"filters": {"kind": "city", "city_type": "port", "tier": "advanced"}, "count": 7,
                    "enough_peers": True, "overall": STATS, "dimensions": dict.fromkeys("SODPA", STATS)}
    assert get_json("/api/benchmarks", world["official"])["filters"] == {"kind": None, "city_type": None,
                                                                           "tier": None}
    assert calls[-1] == {"regions_qs": None, "kind": None, "city_type": None, "tier": None}


def test_benchmarks_of_a_refused_group_give_no_figures_and_no_count(world, monkeypatch):
    monkeypatch.setattr(endpoints, "peer_benchmarks", lambda **filters: {"enough_peers": False})
    assert get_json("/api/benchmarks?kind=park", world["official"]) == {
        "filters": {"kind": "park", "city_type": None, "tier": None}, "enough_peers": False,
        "overall": None, "dimensions": None}


@pytest.mark.parametrize("query", ["kind=country", "city_type=capital", "tier=expert"])
def test_benchmarks_refuse_unknown_filters(world, query):
    assert get(f"/api/benchmarks?{query}", token_for(world["official"])).status_code == 422


def test_benchmarks_of_a_small_group_give_no_figures(world):
    data = get_json("/api/benchmarks", world["official"])
    expected = peer_benchmarks()
    assert expected == {"enough_peers": False}  # two regions: no count either
    assert data == {"filters": {"kind": None, "city_type": None, "tier": None}, "enough_peers": False,
                    "overall": None, "dimensions": None}
    assert "黄山市" not in json.dumps(data, ensure_ascii=False)


def test_benchmarks_of_five_peers(world, sodpa):
    Assessment.objects.all().delete()
    for level in range(5):  # five cities scoring 0, 25, 50, 75 and 100 everywhere
        region = RegionFactory(name=f"城市{level}", kind="city", city_type="port")
        fill(AssessmentFactory(region=region, framework=sodpa, status=Assessment.Status.SUBMITTED,
                               submitted_at=JUNE_2025), level)
    RegionFactory(name="园区", kind="park")
    stats = {"mean": 50.0, "median": 50.0, "p25": 25.0, "p75": 75.0}
    assert get_json("/api/benchmarks?kind=city&city_type=port", world["nobody"]) == {
        "filters": {"kind": "city", "city_type": "port", "tier": None}, "count": 5, "enough_peers": True,
        "overall": stats, "dimensions": dict.fromkeys("SODPA", stats)}
    advanced = get_json("/api/benchmarks?kind=city&tier=advanced", world["nobody"])
    assert "count" not in advanced and (advanced["enough_peers"], advanced["overall"]) == (False, None)
    assert "count" not in get_json("/api/benchmarks?kind=park", world["nobody"])


# Scope -------------------------------------------------------------------------------------------

def scoped_paths(world, region: str, assessment: str) -> list[str]:
    region_id, assessment_id = world[region].pk, world[assessment].pk
    return [f"/api/regions/{region_id}", f"/api/regions/{region_id}/assessments",
            f"/api/regions/{region_id}/history", f"/api/assessments/{assessment_id}",
            f"/api/assessments/{assessment_id}/scores", f"/api/assessments/{assessment_id}/recommendations"]


@pytest.mark.parametrize("persona", ["official", "consultant", "other_official", "other_consultant", "admin",
                                     "nobody"])
def test_outside_the_scope_is_404(world, persona):
    token = token_for(world[persona])
    sees = {"official": {"own"}, "consultant": {"own"}, "other_official": {"other"},
            "other_consultant": {"other"}, "admin": set(), "nobody": set()}[persona]
    for region, assessment in [("own", "second"), ("other", "foreign")]:
        for path in scoped_paths(world, region, assessment):
            response = get(path, token)
            assert response.status_code == (200 if region in sees else 404), (persona, path)
            if response.status_code == 404:
                assert response.json() == {"detail": "Not Found"}
                assert world[region].name not in response.content.decode()


def test_missing_ids_are_404_like_other_tenants(world):
    token = token_for(world["admin"])
    for path in [f"/api/regions/{MISSING_ID}", f"/api/regions/{MISSING_ID}/history",
                 f"/api/assessments/{MISSING_ID}/scores"]:
        assert get(path, token).status_code == 404


@pytest.mark.parametrize("persona", ["official", "consultant", "other_official", "other_consultant"])
def test_lists_never_contain_other_tenants_rows(world, persona):
    own_side = persona in ("official", "consultant")
    mine, theirs = ("own", "other") if own_side else ("other", "own")
    token = token_for(world[persona])
    regions = get("/api/regions", token).json()
    assert [r["id"] for r in regions] == [world[mine].pk]
    listed = get(f"/api/regions/{world[mine].pk}/assessments", token).json()
    history = get(f"/api/regions/{world[mine].pk}/history", token).json()
    ids = {a["id"] for a in listed} | {a["id"] for a in history["assessments"]}
    theirs_ids = set(Assessment.objects.filter(region=world[theirs]).values_list("pk", flat=True))
    assert ids and not ids & theirs_ids
    everything = "".join(get(path, token).content.decode() for path in
                         ["/api/regions", f"/api/regions/{world[mine].pk}",
                          f"/api/regions/{world[mine].pk}/assessments", f"/api/regions/{world[mine].pk}/history"])
    assert world[theirs].name not in everything


def test_session_of_a_signed_in_browser_works_for_gets(world):
    client = Client()
    client.force_login(world["official"])
    response = client.get("/api/regions")
    assert response.status_code == 200
    assert response.json() == [region_json(world["own"])]
    assert client.get(f"/api/assessments/{world['foreign'].pk}").status_code == 404


# Authentication ----------------------------------------------------------------------------------

def all_paths(world) -> list[str]:
    return ["/api/frameworks", "/api/frameworks/sodpa-2023/versions/1", "/api/regions", "/api/benchmarks",
            *scoped_paths(world, "own", "second")]


def assert_unauthorized(response):
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_token_is_401(world):
    for path in all_paths(world):
        assert_unauthorized(get(path))


@pytest.mark.parametrize("header", [
    "Bearer sodpa_not-a-real-token", "Bearer ", "Bearer", "Token sodpa_x", "Basic b2ZmaWNpYWw6cGFzcw==", "sodpa_x",
])
def test_a_wrong_token_is_401(world, header):
    for path in all_paths(world):
        assert_unauthorized(Client().get(path, HTTP_AUTHORIZATION=header))


def test_a_wrong_token_is_401_even_with_a_session(world):
    client = Client()
    client.force_login(world["official"])
    assert_unauthorized(client.get("/api/regions", HTTP_AUTHORIZATION="Bearer sodpa_wrong"))


def test_a_revoked_token_is_401(world):
    official = world["official"]
    token = token_for(official)
    assert get("/api/regions", token).status_code == 200
    client = Client()
    client.force_login(official)
    response = client.post(reverse("api_token_revoke", args=[ApiToken.objects.get(user=official).pk]))
    assert response.status_code == 302 and response["Location"] == reverse("api_tokens")
    assert not ApiToken.objects.filter(user=official).exists()
    assert_unauthorized(get("/api/regions", token))


def test_a_deactivated_users_token_is_refused(world):
    official = world["official"]
    token = token_for(official)
    assert get("/api/regions", token).status_code == 200
    official.is_active = False
    official.save()
    for path in all_paths(world):
        assert_unauthorized(get(path, token))


def test_a_token_is_stored_only_as_its_sha256_and_records_its_use(world):
    token, clear = ApiToken.issue(user=world["official"], name="dashboard")
    assert clear.startswith("sodpa_") and len(clear) > 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["key_hash"] == hashlib.sha256(clear.encode()).hexdigest()
    assert row["prefix"] == clear[:12]
    assert not any(isinstance(value, str) and clear in value for value in row.values())
    assert row["last_used"] is None
    assert get("/api/regions", clear).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_docs_and_schema_are_public_and_the_docs_page_has_no_inline_script(db):
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    assert set(schema.json()["paths"]) == {
        "/api/frameworks", "/api/frameworks/{code}/versions/{version}", "/api/regions", "/api/regions/{region_id}",
        "/api/regions/{region_id}/assessments", "/api/regions/{region_id}/history",
        "/api/assessments/{assessment_id}", "/api/assessments/{assessment_id}/scores",
        "/api/assessments/{assessment_id}/recommendations", "/api/benchmarks"}
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    html = docs.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert '<script src="/static/ninja/swagger-ui-init.js"></script>' in html
    assert '<link type="text/css" rel="stylesheet" href="/static/ninja/swagger-ui.css">' in html
    assert "cdn" not in html.lower() and "//" not in html.replace("http://", "").split("<body")[0]
    import re

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


# The token page ----------------------------------------------------------------------------------

def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_token_page_needs_a_signed_in_active_user(world):
    response = Client().get(reverse("api_tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    deactivated = UserFactory(username="gone", is_active=False)
    response = signed_in(deactivated).get(reverse("api_tokens"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = Client().post(reverse("api_tokens"), {"name": "x"})
    assert response.status_code == 302 and not ApiToken.objects.exists()


def test_creating_a_token_shows_it_once(world):
    client = signed_in(world["official"])
    page = client.get(reverse("api_tokens"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'id="no-tokens"' in page.content.decode()
    response = client.post(reverse("api_tokens"), {"name": "City operations centre"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world["official"])
    clear = response.context["new_token"]
    assert token.name == "City operations centre"
    assert token.key_hash == hashlib.sha256(clear.encode()).hexdigest()
    html = response.content.decode()
    assert f'value="{clear}"' in html and 'id="new-token"' in html
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    again = client.get(reverse("api_tokens")).content.decode()
    assert clear not in again and 'id="new-token"' not in again
    assert "City operations centre" in again and f"{clear[:12]}…" in again
    assert get("/api/regions", clear).json() == [region_json(world["own"])]


def test_a_token_needs_a_name(world):
    response = signed_in(world["official"]).post(reverse("api_tokens"), {"name": ""})
    assert response.status_code == 200 and response.context["new_token"] is None
    assert response.context["form"].errors == {"name": ["这个字段是必填项。"]}
    assert not ApiToken.objects.exists()


def test_the_token_page_shows_and_revokes_only_the_owners_tokens(world):
    mine, _ = ApiToken.issue(user=world["official"], name="My dashboard")
    theirs, theirs_clear = ApiToken.issue(user=world["other_official"], name="Their dashboard")
    client = signed_in(world["official"])
    html = client.get(reverse("api_tokens")).content.decode()
    assert "My dashboard" in html and "Their dashboard" not in html and theirs.prefix not in html
    assert reverse("api_token_revoke", args=[theirs.pk]) not in html
    assert client.post(reverse("api_token_revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert get("/api/regions", theirs_clear).status_code == 200
    assert client.get(reverse("api_token_revoke", args=[mine.pk])).status_code == 405
    response = client.post(reverse("api_token_revoke", args=[mine.pk]), follow=True)
    assert not ApiToken.objects.filter(pk=mine.pk).exists()
    assert "My dashboard" in response.content.decode() and 'id="no-tokens"' in response.content.decode()


def test_revoking_needs_a_signed_in_user(world):
    token, _ = ApiToken.issue(user=world["official"], name="x")
    response = Client().post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_token_page_is_translated(world):
    client = signed_in(world["official"])
    english = client.get(reverse("api_tokens"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1 class=\"h3 mb-3\">API tokens</h1>" in english and "Create token" in english


def test_a_deactivated_users_session_is_refused(world):
    official = world["official"]
    client = signed_in(official)
    assert client.get("/api/regions").status_code == 200
    official.is_active = False
    official.save()
    assert_unauthorized(client.get("/api/regions"))


def count_queries(path: str, token: str) -> int:
    reset_queries()  # the request resets the query log when it starts: begin from an empty one
    with CaptureQueriesContext(connection) as queries:
        assert get(path, token).status_code == 200
    return len(queries)


@pytest.mark.postgres
def test_lists_run_a_constant_number_of_queries(world, sodpa):
    """Lists score their assessments in one pandas pass, not one score per assessment."""
    own = world["own"]
    token = token_for(world["official"])
    paths = [f"/api/regions/{own.pk}/assessments", f"/api/regions/{own.pk}/history", "/api/regions"]
    get("/api/regions", token)  # the token's first use records it (one UPDATE); later uses within a minute do not
    before = [count_queries(path, token) for path in paths]
    for level in range(4):
        fill(AssessmentFactory(region=own, framework=sodpa, status=Assessment.Status.SUBMITTED,
                               submitted_at=JANUARY_2026), level)
        AssessmentFactory(region=own, framework=sodpa)
    assert [count_queries(path, token) for path in paths] == before
