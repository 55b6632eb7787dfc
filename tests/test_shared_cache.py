"""The shared cache: with REDIS_URL set every worker and app server reads and writes the same Redis
(make test runs this file under bin/with-redis); without it, the database cache table."""

import os

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from assessments import review
from assessments.benchmarks import CACHE_FORMAT, peer_frame, peer_state
from assessments.models import Assessment, Region
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import fill

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs a Redis server: make test runs it under bin/with-redis")


@pytest.fixture
def five_regions():
    framework = build_framework({"S": {"S1": [(1, False)]}, "D": {"D1": [(1, False)]}})
    for level in range(5):
        assessment = AssessmentFactory(region=RegionFactory(kind=Region.Kind.PARK), framework=framework,
                                       status=Assessment.Status.SUBMITTED)
        fill(assessment, level % 5)
    return framework


@pytest.mark.skipif(bool(REDIS_URL), reason="the database cache is the default without REDIS_URL")
def test_the_default_shared_cache_is_a_database_table(five_regions):
    assert isinstance(caches["default"], DatabaseCache)
    frame = peer_frame()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM sodpa_shared_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("peer-frame" in key for key in keys)
    assert list(frame["overall"]) == [0.0, 25.0, 50.0, 75.0, 100.0]


@pytest.mark.redis
@needs_redis
def test_another_worker_reads_the_peer_table_from_redis(five_regions):
    """One worker scores the peers; another one (a separate connection to the same server) gets the
    same table from Redis instead of scoring them again."""
    assert isinstance(caches["default"], RedisCache)
    frame = peer_frame()
    other_worker = RedisCache(REDIS_URL, {"KEY_PREFIX": caches["default"].key_prefix})
    shared = other_worker.get(f"peer-frame:{CACHE_FORMAT}:{peer_state()}")
    assert shared is not None
    assert list(shared["overall"]) == list(frame["overall"]) == [0.0, 25.0, 50.0, 75.0, 100.0]


@pytest.mark.redis  # and on the database cache, in the SQLite run
def test_a_changed_answer_is_never_served_from_a_stale_table(five_regions):
    """A submitted assessment's answers change only in review (`review.change_answer`, which stamps
    the assessment): the peer table's state sees it, without reading every answer (issue 12)."""
    before = peer_frame()
    assessment = Assessment.objects.order_by("pk").first()
    official, assessor = UserFactory(), UserFactory()
    assessment.region.officials.add(official)
    assessment.region.assessors.add(assessor)
    review.start_review(assessment=assessment, user=assessor)
    review.query_answer(assessment=assessment, user=assessor, code="S1.1", comment="证据不足")
    review.change_answer(assessment=assessment, user=official, code="S1.1", value=4, reason="已补充平台验收")
    after = peer_frame()
    assert list(before["overall"])[0] == 0.0
    assert list(after["overall"])[0] == 50.0  # one of its two indicators at 4 now
