"""Shared fixtures and the suite's settings.

- Hypothesis: the "ci" profile (no deadline, derandomised, examples printed) is active when CI=true and
  in `make test` (HYPOTHESIS_PROFILE=ci); the "dev" profile otherwise. No test may depend on timing.
- The real SODPA framework is loaded once per session, into the test database itself (`django_db_setup`
  below): every test sees it and its rollback keeps it. Transactional tests (transaction=True,
  live_server) flush the database when they end, so the `sodpa` fixture reloads it when it is missing;
  pytest-django runs transactional tests after the others, so that happens only among them.
- pytest-xdist: `make test-sqlite` runs two workers (`-n 2`). Each has its own test database (pytest-django
  adds the worker's name to it), its own framework load, report cache folder, render server, live server
  port and Chromium, and its own Hypothesis example database (below); screenshots are named per test.
- `@pytest.mark.postgres` marks what depends on the database engine (locking, concurrency, backup and
  restore, constraints, query counts, atomicity): `make test-postgres` runs only those."""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, Verbosity, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from assessments.advice.stability import forget_kept
from assessments.published import forget_published
from frameworks.models import Framework
from tests.factories import build_framework
from tests.helpers import SMALL_SHAPE, load_fixture, load_sodpa, make_people, sodpa_framework

# The examples of a failing test are printed with the seed to reproduce them (print_blob); `derandomize`
# makes every run explore the same examples, so a CI run can be repeated exactly.
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True, verbosity=Verbosity.normal,
    # Database-backed examples are slow on a shared 2-core machine: that is the machine, not the data.
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, print_blob=True)
# Under pytest-xdist (`make test-sqlite` runs two workers) each worker keeps its own example database, so
# two workers never write the same Hypothesis directory at once.
if WORKER := os.environ.get("PYTEST_XDIST_WORKER"):
    for name in ("ci", "dev"):
        settings.register_profile(name, settings.get_profile(name),
                                  database=DirectoryBasedExampleDatabase(f".hypothesis/examples-{WORKER}"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Create the test database as pytest-django does, then load the real framework once."""
    with django_db_blocker.unblock():
        load_sodpa()


@pytest.fixture
def sodpa(db) -> Framework:
    """The real SODPA framework (sodpa-2023 version 1), from the committed fixture. Loaded once per
    session; reloaded only after a transactional test has flushed the database."""
    return sodpa_framework()


@pytest.fixture
def small_framework(db) -> Framework:
    """A published five-dimension framework with the real one's dimension codes but ten indicators, for
    what does not depend on the guide's content (report tasks and caching, access, downloads): its
    report typesets in a third of the real one's time."""
    return build_framework(SMALL_SHAPE)


V2_FIXTURE = Path(django_settings.BASE_DIR) / "fixtures" / "sodpa-2023-v2.json"


@pytest.fixture
def sodpa_v2(db) -> Framework:
    """Version 2 of the real SODPA framework (the second edition), from its committed fixture;
    the test is skipped, saying why, while the version-2 content is not built yet."""
    if not V2_FIXTURE.is_file():
        pytest.skip("version 2 content not built yet: fixtures/sodpa-2023-v2.json is absent "
                    "(fixtures/source/sodpa-2023/v2/ incomplete)")
    if not Framework.objects.filter(code="sodpa-2023", version=2).exists():  # a test may have loaded it already
        load_fixture("sodpa-2023-v2")
    return Framework.objects.get(code="sodpa-2023", version=2)


@pytest.fixture
def people(db):
    """Two regions and every kind of user around them. `admin` edits the questionnaire (staff in the
    group "framework editors") and, like every staff user and superuser, sees no region's
    assessments: tenant access comes only from membership (official) or assignment (consultant)."""
    return make_people()


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (zh-hans): a test that activated another one
    (a request, `translation.activate`) does not leak it into the next test of the same worker."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_caches(request):
    """Each test starts without cached PDFs, peer tables or kept questionnaires (primary keys are
    reused between tests). The shared cache is a table of the test database: emptied only by tests
    that may use the database."""
    from django.core.cache import caches

    caches["reports"].clear()
    forget_published()
    if request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")  # the test's database, as its marker or fixtures ask
        caches["default"].clear()
    forget_kept()  # per-worker tier stability
