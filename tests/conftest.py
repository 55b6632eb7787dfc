import pytest
from django.core.management import call_command

from assessments.advice.stability import forget_kept
from assessments.published import forget_published
from frameworks.models import Framework
from tests.factories import RegionFactory, UserFactory


@pytest.fixture
def sodpa(db) -> Framework:
    """The real SODPA framework, loaded from the committed fixture."""
    call_command("loaddata", "sodpa-2023", verbosity=0)
    return Framework.objects.get(code="sodpa-2023", version=1)


@pytest.fixture
def people(db):
    """Two regions and every kind of user around them."""
    own, other = RegionFactory(name="苏州工业园区"), RegionFactory(name="黄山市", city_type="tourism")
    users = {
        "official": UserFactory(username="official"),
        "other_official": UserFactory(username="other_official"),
        "consultant": UserFactory(username="consultant"),
        "other_consultant": UserFactory(username="other_consultant"),
        "admin": UserFactory(username="admin", is_staff=True, is_superuser=True),
        "nobody": UserFactory(username="nobody"),
    }
    own.officials.add(users["official"])
    other.officials.add(users["other_official"])
    own.consultants.add(users["consultant"])
    other.consultants.add(users["other_consultant"])
    return {"own": own, "other": other, **users}


@pytest.fixture(autouse=True)
def empty_report_cache():
    """Each test starts without cached PDFs or peer tables (primary keys are reused between tests)."""
    from django.core.cache import caches

    caches["reports"].clear()
    caches["default"].clear()  # the shared cache (peer tables…): ids are reused between tests
    forget_published()
    forget_kept()  # per-worker tier stability
