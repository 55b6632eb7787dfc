"""The read-only JSON API for city platforms (django-ninja): /api/openapi.json, /api/docs.

Every endpoint needs a caller (api/auth.py) and answers only within the caller's scope, decided
by assessments.access exactly as for the pages: a region or assessment outside it is 404, and never
appears in a list."""


from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import AuthenticationError

from api import documents
from api.auth import API_AUTH
from api.schemas import (
    ERRORS,
    AssessmentDetail,
    AssessmentStatus,
    AssessmentSummary,
    BenchmarksOut,
    CityTypeCode,
    FrameworkDocument,
    FrameworkOut,
    HistoryOut,
    Kind,
    Language,
    Message,
    RecommendationsOut,
    RegionDetail,
    RegionOut,
    ScoresOut,
    TierCode,
)
from assessments import access
from assessments.benchmarks import peer_benchmarks
from assessments.models import Assessment
from frameworks.export import export_document
from frameworks.models import Framework

MAX_ID = 2**63 - 1  # ids beyond a bigint cannot exist: 422, never a database error
MAX_VERSION = 2**31 - 1
CODE_PATTERN = r"^[-a-zA-Z0-9_]{1,50}$"

DESCRIPTION = """Read-only access to the SODPA Portal for city platforms.

Authenticate with `Authorization: Bearer <token>`; create tokens on the portal at /accounts/tokens/
(signed-in browsers may also use their session for GETs). You see exactly the regions and
assessments you see on the portal; any other id answers 404. Scores are 0–100; tiers are
`advanced`, `intermediate` or `basic`. Recommendations come in the request's language
(`Accept-Language`, or `?lang=zh-hans|en`)."""

api = NinjaAPI(
    title="SODPA Portal API",
    version="1",
    description=DESCRIPTION,
    auth=API_AUTH,
    urls_namespace="api",
    default_router=Router(by_alias=True),  # "zh-hans" keys, as export_framework writes them
)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _user(request: HttpRequest):
    return request.auth  # type: ignore[attr-defined]  # set by django-ninja's authentication


def _region_or_404(request: HttpRequest, region_id: int):
    return get_object_or_404(access.regions_visible_to(_user(request)), pk=region_id)


def _assessment_or_404(request: HttpRequest, assessment_id: int) -> Assessment:
    return access.visible_assessment_or_404(_user(request), assessment_id)


def _frameworks_for(user):
    """Published versions for everyone; drafts (work in progress in the admin) for staff only."""
    return Framework.objects.all() if user.is_staff else Framework.objects.published()


RegionId = Path(..., ge=1, le=MAX_ID, description="a region's id")
AssessmentId = Path(..., ge=1, le=MAX_ID, description="an assessment's id")
StatusFilter = Query(None, description="only drafts or only submitted assessments")
LanguageChoice = Query(None, description="the content language; overrides Accept-Language")


@api.get("/frameworks", response={200: list[FrameworkOut], **ERRORS}, url_name="api_frameworks",
         tags=["frameworks"], summary="Frameworks and their versions")
def list_frameworks(request):
    return documents.frameworks(_frameworks_for(_user(request)))


@api.get("/frameworks/{code}/versions/{version}", response={200: FrameworkDocument, **ERRORS},
         url_name="api_framework_version", tags=["frameworks"], summary="One framework version, complete")
def framework_version(request, code: str = Path(..., pattern=CODE_PATTERN),
                      version: int = Path(..., ge=1, le=MAX_VERSION)):
    """Tiers, dimensions, sub-dimensions, indicators with weights, N/A, questions and the five level
    descriptors in both languages, and the recommendation content: what `export_framework` prints."""
    framework = get_object_or_404(_frameworks_for(_user(request)), code=code, version=version)
    return export_document(framework=framework)


@api.get("/regions", response={200: list[RegionOut], **ERRORS}, url_name="api_regions", tags=["regions"],
         summary="The regions you may see")
def list_regions(request):
    return [documents.region(r) for r in access.regions_visible_to(_user(request)).order_by("name")]


@api.get("/regions/{region_id}", response={200: RegionDetail, **ERRORS}, url_name="api_region",
         tags=["regions"], summary="One region")
def region_detail(request, region_id: int = RegionId):
    return documents.region_detail(_region_or_404(request, region_id))


@api.get("/regions/{region_id}/assessments", response={200: list[AssessmentSummary], **ERRORS},
         url_name="api_region_assessments", tags=["regions"], summary="A region's assessments, newest first")
def region_assessments(request, region_id: int = RegionId,
                       status: AssessmentStatus | None = StatusFilter):
    region = _region_or_404(request, region_id)
    assessments = Assessment.objects.filter(region=region).select_related("framework").order_by("-created_at", "-pk")
    if status:
        assessments = assessments.filter(status=status)
    return documents.assessment_summaries(assessments)


@api.get("/regions/{region_id}/history", response={200: HistoryOut, **ERRORS}, url_name="api_region_history",
         tags=["regions"], summary="A region's submitted assessments in time order, with scores and tiers")
def region_history(request, region_id: int = RegionId):
    return documents.history(_region_or_404(request, region_id))


@api.get("/assessments/{assessment_id}", response={200: AssessmentDetail, **ERRORS}, url_name="api_assessment",
         tags=["assessments"], summary="An assessment and its answers")
def assessment_detail(request, assessment_id: int = AssessmentId):
    return documents.assessment_detail(_assessment_or_404(request, assessment_id))


@api.get("/assessments/{assessment_id}/scores", response={200: ScoresOut, **ERRORS},
         url_name="api_assessment_scores", tags=["assessments"], summary="Completion, scores and tiers")
def assessment_scores(request, assessment_id: int = AssessmentId):
    """Overall, dimension and sub-dimension scores (unrounded) and tiers, as `manage.py score` gives."""
    return documents.scores(_assessment_or_404(request, assessment_id))


@api.get("/assessments/{assessment_id}/recommendations", response={200: RecommendationsOut, **ERRORS},
         url_name="api_assessment_recommendations", tags=["assessments"],
         summary="Recommendations from the guide, in the request's language")
def assessment_recommendations(request, response: HttpResponse, assessment_id: int = AssessmentId,
                               lang: Language | None = LanguageChoice):
    assessment = _assessment_or_404(request, assessment_id)
    language = documents.language_code(lang)
    response["Content-Language"] = language
    return documents.recommendations(assessment, language=language)


@api.get("/benchmarks", response={200: BenchmarksOut, 401: Message, 422: ERRORS[422]},
         url_name="api_benchmarks", tags=["benchmarks"], summary="Peer benchmarks (aggregates only)")
def benchmarks(request, kind: Kind | None = None, city_type: CityTypeCode | None = None,
               tier: TierCode | None = None):
    """Count, mean, median and quartiles of the overall and dimension scores over the latest submitted
    assessment of every region in the group (all regions, not only yours: peers are the point).
    No region is named, and a group of fewer than 5 regions gives no figures (`enough_peers` false)."""
    result = peer_benchmarks(kind=kind, city_type=city_type, tier=tier)
    enough = result.get("enough_peers", True)
    return {
        "filters": {"kind": kind, "city_type": city_type, "tier": tier},
        "count": result["count"],
        "enough_peers": enough,
        "overall": result.get("overall") if enough else None,
        "dimensions": result.get("dimensions") if enough else None,
    }
