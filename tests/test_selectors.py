"""One definition of "latest" and "previous submitted": the API, the portfolio, the peer benchmark
and the results page agree on a region whose assessments share a submission time or lack one."""

from datetime import UTC, datetime, timedelta

import pytest

from api.models import ApiToken
from assessments import portfolio
from assessments.benchmarks import latest_submitted
from assessments.models import Assessment, Region
from assessments.selectors import latest_submitted_per_region, previous_submitted, submitted_in_order
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import fill

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _submitted(region, framework, level, *, submitted_at, created_at):
    assessment = AssessmentFactory(region=region, framework=framework, title=f"L{level}",
                                   status=Assessment.Status.SUBMITTED, submitted_at=submitted_at)
    Assessment.objects.filter(pk=assessment.pk).update(created_at=created_at)
    fill(assessment, level)
    return Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def region_with_ties():
    """Four submitted assessments: an archive without a submission time created last (so it sorts by
    its creation time, after the others), two submitted at the same moment, and an older one."""
    framework = build_framework({"S": {"S1": [(1, False)]}, "O": {"O1": [(1, False)]}})
    region = RegionFactory(name="同时提交区")
    oldest = _submitted(region, framework, 1, submitted_at=NOON - 5 * DAY, created_at=NOON - 6 * DAY)
    tie_a = _submitted(region, framework, 2, submitted_at=NOON, created_at=NOON - 2 * DAY)
    tie_b = _submitted(region, framework, 3, submitted_at=NOON, created_at=NOON - 3 * DAY)
    undated = _submitted(region, framework, 4, submitted_at=None, created_at=NOON + DAY)
    AssessmentFactory(region=region, framework=framework, title="draft")
    return {"region": region, "order": [oldest, tie_a, tie_b, undated]}


def test_submission_order_is_by_time_then_creation_time_then_id(region_with_ties):
    assert [a.title for a in submitted_in_order(region=region_with_ties["region"])] == ["L1", "L2", "L3", "L4"]


def test_every_reader_agrees_on_the_latest(client, region_with_ties):
    region, expected = region_with_ties["region"], region_with_ties["order"][-1]
    user = UserFactory()
    region.consultants.add(user)
    regions = Region.objects.filter(pk=region.pk)

    assert [a.pk for a in latest_submitted_per_region(regions=regions)] == [expected.pk]
    assert [a.pk for a in latest_submitted(regions)] == [expected.pk]
    assert portfolio.latest_submitted(regions)[1][region.pk].pk == expected.pk
    token = ApiToken.issue(user=user, name="t")[1]
    detail = client.get(f"/api/regions/{region.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert detail["latest_submitted"]["id"] == expected.pk
    assert detail["latest_submitted"]["overall"]["score"] == 100.0
    history = client.get(f"/api/regions/{region.pk}/history", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [a["id"] for a in history["assessments"]] == [a.pk for a in region_with_ties["order"]]


def test_previous_follows_the_same_order(region_with_ties):
    oldest, tie_a, tie_b, undated = region_with_ties["order"]
    assert previous_submitted(assessment=oldest) is None
    assert previous_submitted(assessment=tie_a).pk == oldest.pk
    assert previous_submitted(assessment=tie_b).pk == tie_a.pk  # same time: the lower id is earlier
    assert previous_submitted(assessment=undated).pk == tie_b.pk
    draft = Assessment.objects.get(title="draft")
    assert previous_submitted(assessment=draft).pk == undated.pk  # a draft's previous is the latest
