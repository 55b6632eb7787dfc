"""`seed_demo`: refused when DEBUG is off; otherwise demo users, regions and assessments, once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from assessments.models import Answer, Assessment, Region
from assessments.results import score_assessment
from frameworks.models import Framework

User = get_user_model()
DEMO_PASSWORD = "sodpa-demo-2026"  # documented in README


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def framework(sodpa):
    return sodpa


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_refused_when_debug_is_off(framework):
    with pytest.raises(CommandError) as error:
        seed()
    assert str(error.value) == (
        "seed_demo creates users with a published password; it runs only with DEBUG on.")
    assert (User.objects.count(), Region.objects.count(), Assessment.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_refused_before_the_framework_is_loaded():
    Framework.objects.all().delete()  # loaded once per session; the test's rollback brings it back
    with pytest.raises(CommandError) as error:
        seed()
    assert str(error.value) == "Load the framework first: python manage.py loaddata sodpa-2023"
    assert User.objects.count() == 0


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_creates_the_three_demo_users(framework):
    output = seed()
    users = {user.username: user for user in User.objects.all()}
    assert set(users) == {"official", "consultant", "assessor", "admin", "dev_reform", "data_bureau"}
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    # the admin edits the questionnaire (a permission) and sees no region's assessments
    assert (users["admin"].is_staff, users["admin"].is_superuser) == (True, False)
    assert users["admin"].has_perm("frameworks.change_indicator")
    assert list(users["admin"].groups.values_list("name", flat=True)) == ["framework editors"]
    from assessments.access import regions_visible_to

    assert not regions_visible_to(users["admin"]).exists()
    assert not users["official"].is_staff and not users["consultant"].is_staff
    assert "Demo data ready (5 new regions)" in output
    for username in users:
        assert f"  {username:<11} / {DEMO_PASSWORD}" in output
    assert "dev_reform  / sodpa-demo-2026   (contributor of 苏州工业园区: parts S, O1 (independent))" in output
    assert "(third-party assessor of 苏州工业园区" in output


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_draft_has_two_contributors_on_s_and_d_and_an_independent_part_in_disagreement(framework):
    from assessments.consensus import part_spread
    from assessments.models import Assignment, Response

    seed()
    draft = Assessment.objects.get(region__name="苏州工业园区", status="draft")
    parts = set(Assignment.objects.filter(assessment=draft).values_list("user__username", "part", "independent"))
    assert {("dev_reform", "S", False), ("data_bureau", "D", False)} <= parts
    assert {("dev_reform", "O1", True), ("data_bureau", "O1", True)} <= parts
    assert set(draft.region.contributors.values_list("username", flat=True)) == {"dev_reform", "data_bureau"}
    levels: dict[str, list] = {}
    for code, level in Response.objects.filter(assessment=draft).order_by("user__username").values_list(
            "indicator__code", "level"):
        levels.setdefault(code, []).append(level)
    assert part_spread(values=levels).disagreements
@override_settings(DEBUG=True)
def test_shows_a_verified_assessment_and_an_open_query(framework):
    from assessments.inbox_models import Notification
    from assessments.review_models import Review

    seed()
    seed()  # once only
    official, assessor = User.objects.get(username="official"), User.objects.get(username="assessor")
    verified = Review.objects.get(status="verified")
    assert verified.reviewer == assessor and verified.assessment.region.assessors.filter(pk=assessor.pk).exists()
    assert verified.answers.filter(state="queried").count() == 0 and verified.answers.exists()
    from assessments.models import EvidenceFile

    assert EvidenceFile.objects.filter(assessment=verified.assessment).count() == 3  # verified, with its files
    in_review = Review.objects.get(status="in_review")
    assert in_review.answers.filter(state="queried").count() == 1
    assert set(Notification.objects.filter(user=official).values_list("kind", flat=True)) == {"query", "verified"}


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_official_has_one_region_with_a_draft_and_submitted_assessments(framework):
    seed()
    official = User.objects.get(username="official")
    regions = list(official.official_regions.all())
    assert [region.name for region in regions] == ["苏州工业园区"]
    statuses = sorted(regions[0].assessments.values_list("status", flat=True))
    assert statuses.count("draft") == 1
    assert statuses.count("submitted") >= 1
    assert Region.objects.filter(officials=official).count() == 1
    # the latest submitted assessment has a few small, real evidence files (checked by content)
    from assessments.evidence import check_file
    from assessments.models import EvidenceFile

    latest = regions[0].assessments.filter(status="submitted").order_by("-submitted_at").first()
    files = list(EvidenceFile.objects.filter(assessment=latest).select_related("indicator"))
    assert sorted((f.indicator.code, f.content_type) for f in files) == [
        ("D1.1", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("P1.1", "image/png"), ("S1.1", "application/pdf")]
    for row in files:
        with row.file.open("rb") as stored:
            checked = check_file(name=row.original_name, file=stored)
        assert (checked.sha256, checked.size) == (row.sha256, row.size) and row.size < 20_000


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_consultant_advises_several_regions_but_not_all(framework):
    seed()
    consultant = User.objects.get(username="consultant")
    advised = consultant.consulted_regions.count()
    assert 1 < advised < Region.objects.count()
    assert consultant.consulted_regions.filter(name="苏州工业园区").exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_submitted_demo_assessments_are_complete_and_scored(framework):
    seed()
    for assessment in Assessment.objects.with_answers():
        card = score_assessment(assessment=assessment)
        if assessment.is_submitted:
            assert card.is_complete, assessment
            assert assessment.submitted_at is not None
            assert card.overall is not None and 0 <= card.overall <= 100
        else:
            assert 0 < card.completion < 1, assessment


@pytest.mark.postgres
@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_running_twice_creates_no_duplicates(framework):
    seed()
    from assessments.models import EvidenceFile

    before = (User.objects.count(), Region.objects.count(), Assessment.objects.count(),
              Answer.objects.count(), EvidenceFile.objects.count())
    output = seed()
    assert "Demo data ready (0 new regions)" in output
    assert (User.objects.count(), Region.objects.count(), Assessment.objects.count(),
            Answer.objects.count(), EvidenceFile.objects.count()) == before
    from assessments.models import Assignment, Response

    assert (Assignment.objects.count(), Response.objects.count()) == (4, 6)
    official = User.objects.get(username="official")
    assert official.official_regions.count() == 1
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)


def seed_regions(count: int) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--regions", str(count), stdout=out)
    return out.getvalue()


def demo_state() -> list:
    """Every region with its kind, city type and submitted assessments' titles and overall scores."""
    state = []
    for region in Region.objects.order_by("name"):
        scores = [(a.title, round(score_assessment(assessment=a).overall, 6))
                  for a in Assessment.objects.with_answers().filter(region=region, status="submitted")
                  .order_by("submitted_at")]
        state.append((region.name, region.kind, region.city_type, scores))
    return state


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_thirty_regions_across_kinds_and_city_types_the_same_every_time(framework):
    output = seed_regions(30)
    assert "Demo data ready (30 new regions)" in output
    state = demo_state()
    assert len(state) == 30
    kinds = {kind: sum(1 for _, k, _, _ in state if k == kind) for kind in ("city", "district", "park")}
    assert kinds == {"city": 11, "district": 10, "park": 9}
    assert {city_type for _, _, city_type, _ in state} == {"port", "industrial", "tourism", "comprehensive"}
    assert all(1 <= len(scores) <= 3 for *_, scores in state)
    assert {len(scores) for *_, scores in state} == {1, 2, 3}
    assert seed_regions(30).count("(0 new regions)") == 1 and demo_state() == state
    # the same data from scratch (the seed is deterministic)
    Assessment.objects.all().delete()
    Region.objects.all().delete()
    seed_regions(30)
    assert demo_state() == state
    # growing the demo keeps what is there
    assert "Demo data ready (10 new regions)" in seed_regions(40)
    assert Region.objects.count() == 40


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_officials_region_has_a_plan_and_enough_peers(framework):
    from assessments.benchmarks import peer_benchmarks
    from assessments.models import PlanItem

    seed_regions(30)
    region = Region.objects.get(name="苏州工业园区")
    earlier, later = region.assessments.filter(status="submitted").order_by("submitted_at")
    assert PlanItem.objects.filter(assessment=earlier).count() == 4
    assert PlanItem.objects.filter(assessment=later).count() == 4
    assert set(PlanItem.objects.values_list("region", flat=True)) == {region.pk}
    targeted = PlanItem.objects.filter(assessment=earlier, indicator__isnull=False)
    assert targeted.count() == 3 and all(item.target_level is not None for item in targeted)
    for kind in ("city", "district", "park"):
        assert peer_benchmarks(kind=kind)["count"] >= 5
    before = PlanItem.objects.count()
    seed_regions(30)
    assert PlanItem.objects.count() == before
