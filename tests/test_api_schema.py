"""Schemathesis fuzzes every API operation from the app's own /api/openapi.json, in-process through
Django's WSGI application, with a valid token: no response is a server error, every response
(status code, content type, body) conforms to the schema, and ids outside the caller's scope
answer 404 while the caller's own answer 200.

Path parameters are sometimes swapped for ids that exist (the caller's, another tenant's), so the
fuzz reaches the 200 responses and the scope rule, not only 404s. Bounded: 20 examples per
operation, no deadline."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from api.endpoints import CODE_PATTERN, MAX_ID, MAX_VERSION
from api.models import ApiToken
from assessments.models import Assessment
from tests.factories import AssessmentFactory, RegionFactory, answer
from tests.helpers import fill

SUBMITTED = Assessment.Status.SUBMITTED


@pytest.fixture
def keep_the_test_connection():
    """Django's WSGI handler closes the database connection when a request finishes; in a test that
    is the connection holding the test's transaction, so (as Django's test client does) not now."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_world(sodpa, people, keep_the_test_connection):
    """The official's region with a draft and two submitted assessments, another tenant's region,
    and five peer cities (so /api/benchmarks has figures to give)."""
    own, other = people["own"], people["other"]
    draft = AssessmentFactory(region=own, framework=sodpa, title="草稿")
    answer(draft, "S1.1", 3, evidence="规划")
    answer(draft, "S4.1", "na")
    for level in (2, 3):
        fill(AssessmentFactory(region=own, framework=sodpa, status=SUBMITTED), level)
    foreign = AssessmentFactory(region=other, framework=sodpa, status=SUBMITTED)
    fill(foreign, 4)
    for level in range(5):
        fill(AssessmentFactory(region=RegionFactory(kind="city", city_type="port"), framework=sodpa,
                               status=SUBMITTED), level)
    world = {
        "token": ApiToken.issue(user=people["official"], name="fuzz")[1],
        "own_regions": [own.pk],
        "own_assessments": list(Assessment.objects.filter(region=own).values_list("pk", flat=True)),
        "foreign_regions": [other.pk],
        "foreign_assessments": [foreign.pk],
    }
    KNOWN["region_id"] = world["own_regions"] + world["foreign_regions"]
    KNOWN["assessment_id"] = world["own_assessments"] + world["foreign_assessments"]
    return world


# Ids that exist in the running test's database, set by `fuzz_world` (the schema is loaded before it).
KNOWN: dict[str, list] = {}

# The schema as the app serves it (no database needed to serve it, so it loads at collection time).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Often an id that exists (the caller's or another tenant's) instead of a random valid one.
    Schema-violating values (the negative cases) are left as they are."""
    if not path_parameters:
        return st.just(path_parameters)
    for name in ("region_id", "assessment_id"):
        if _valid_id(path_parameters.get(name)):
            return st.sampled_from([path_parameters, *({**path_parameters, name: i} for i in KNOWN[name])])
    code, version = path_parameters.get("code"), path_parameters.get("version")
    if isinstance(code, str) and re.fullmatch(CODE_PATTERN, code) and _valid_id(version) and version <= MAX_VERSION:
        return st.sampled_from([path_parameters, {"code": "sodpa-2023", "version": 1}])
    return st.just(path_parameters)


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_conforms_to_its_schema(case, fuzz_world):
    response = case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_world['token']}"})
    assert response.status_code < 500
    parameters = case.path_parameters or {}
    if parameters.get("region_id") in fuzz_world["foreign_regions"] or \
            parameters.get("assessment_id") in fuzz_world["foreign_assessments"]:
        assert response.status_code in (404, 422), case.formatted_path  # 422: another parameter is invalid
    elif (parameters.get("region_id") in fuzz_world["own_regions"]
          or parameters.get("assessment_id") in fuzz_world["own_assessments"]) and response.status_code != 422:
        assert response.status_code == 200, case.formatted_path
