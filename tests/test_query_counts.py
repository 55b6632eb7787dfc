"""Pages run a constant number of queries as the questionnaire, regions and assessments grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import fill

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

# A repeated view: session and user (2), the page's own reads, the session's idle-expiry save (3).
# The viewer's roles come with the assessment (assessments/access.py): no role query of their own.
# Every page also counts the inbox's unread notifications for the navigation bar's badge (1); the
# dashboard reads the viewer's assigned parts (1) and which drafts were sent back and which submissions
# are verified (2), the questionnaire whether it was sent back (1), the results page the review (1);
# the questionnaire and the results page read the assessment's evidence files in one query each.
# Both read the published questionnaire kept per worker (assessments/published.py): no framework query.
WARM_QUERIES = {"dashboard": 18, "questionnaire": 11, "results": 18}


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
    """The first view of a page (nothing cached yet) and a repeated one each run the same number of
    queries with 1x and 10x the data; a repeated view reads the published questionnaire, the rules
    and the peer table from the caches."""
    first, repeated = [], []
    for size in (1, 10):
        user, assessment = world(size)
        client.force_login(user)
        url = reverse(page) if page == "dashboard" else reverse(page, args=[assessment.pk])
        first.append(count(client, url))
        repeated.append(count(client, url))
    assert first[0] == first[1], f"{page}: {first[0]} queries with 1x, {first[1]} with 10x (first view)"
    assert repeated == [WARM_QUERIES[page]] * 2, f"{page}: {repeated} queries (repeated view)"


def test_results_page_stays_within_its_query_budget(client, django_assert_num_queries):
    user, assessment = world(10)
    client.force_login(user)
    client.get(reverse("results", args=[assessment.pk]))
    with django_assert_num_queries(WARM_QUERIES["results"]):
        response = client.get(reverse("results", args=[assessment.pk]))
    assert response.context["card"].overall is not None
    assert assessment.title in response.content.decode()
