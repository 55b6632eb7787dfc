"""Backups taken while the server answers requests restore to identical scores."""

import json
import threading
import urllib.request
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from assessments.models import Assessment, Region
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import fill, sodpa_framework

pytestmark = pytest.mark.postgres  # locking, concurrency, backup and restore


def all_scores() -> dict[int, dict]:
    scores = {}
    for pk in Assessment.objects.order_by("pk").values_list("pk", flat=True):
        out = StringIO()
        call_command("score", pk, "--format", "json", stdout=out)
        scores[pk] = json.loads(out.getvalue())
    return scores


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_under_load_restores_to_identical_scores(live_server, tmp_path):
    framework = sodpa_framework()  # the flush of an earlier transactional test may have removed it
    user = UserFactory(username="loadtester")
    for number in range(6):
        region = RegionFactory(name=f"备份测试区{number}")
        region.officials.add(user)
        fill(AssessmentFactory(region=region, framework=framework), number % 5)
    before = all_scores()

    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    stop, served, errors = threading.Event(), [], []

    def browse():
        while not stop.is_set():
            for pk in before:
                request = urllib.request.Request(f"{live_server.url}/assessments/{pk}/results/",
                                                 headers={"Cookie": cookie})
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        served.append(response.status)
                except Exception as error:  # noqa: BLE001 - collected and asserted below
                    errors.append(error)

    reader = threading.Thread(target=browse)
    reader.start()
    try:
        while len(served) < 3 and not errors:
            stop.wait(0.05)
        call_command("backup", str(tmp_path / "sodpa.backup"), stdout=StringIO())
    finally:
        stop.set()
        reader.join()
    assert not errors and served and set(served) == {200}

    Assessment.objects.all().delete()
    Region.objects.filter(name="备份测试区0").update(name="changed after the backup")
    assert all_scores() == {}
    call_command("restore", str(tmp_path / "sodpa.backup"), "--yes", stdout=StringIO())
    assert all_scores() == before
    assert Region.objects.filter(name__startswith="备份测试区").count() == 6


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a|no such|pg_restore"):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")
