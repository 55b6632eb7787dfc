"""Pages run a constant number of queries as the questionnaire, regions and assessments grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import fill

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

MAX_QUERIES = {"dashboard": 14, "questionnaire": 18, "results": 34}  # results: + peers (6), plans (2)


def world(size: int):
    """A framework with 5 × size sub-dimensions × 2 indicators, and `size` regions with 2
    assessments each (one submitted), all visible to one official."""
    shape = {dim: {f"{dim}{n}": [(1.0, n % 2 == 0), (2.0, False)] for n in range(1, size + 1)} for dim in "SODPA"}
    framework = build_framework(shape)
    user = UserFactory()
    assessments = []
    for number in range(size):
        region = RegionFactory()
        region.officials.add(user)
        for status in (Assessment.Status.SUBMITTED, Assessment.Status.DRAFT):
            assessment = AssessmentFactory(region=region, framework=framework, status=status)
            fill(assessment, number % 5)
            assessments.append(assessment)
    return user, assessments[-1]


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["dashboard", "questionnaire", "results"])
def test_query_count_does_not_grow_with_the_data(client, page):
    counts = []
    for size in (1, 10):
        user, assessment = world(size)
        client.force_login(user)
        url = reverse(page) if page == "dashboard" else reverse(page, args=[assessment.pk])
        counts.append(count(client, url))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 1×, {counts[1]} with 10×"
    assert counts[1] <= MAX_QUERIES[page]


def test_results_page_stays_within_its_query_budget(client, django_assert_max_num_queries):
    user, assessment = world(10)
    client.force_login(user)
    with django_assert_max_num_queries(MAX_QUERIES["results"]):
        client.get(reverse("results", args=[assessment.pk]))
