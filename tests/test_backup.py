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


def all_scores() -> dict[int, dict]:
    scores = {}
    for pk in Assessment.objects.order_by("pk").values_list("pk", flat=True):
        out = StringIO()
        call_command("score", pk, "--format", "json", stdout=out)
        scores[pk] = json.loads(out.getvalue())
    return scores


@pytest.mark.postgres  # locking, concurrency, backup and restore
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


@pytest.mark.postgres
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a|no such|pg_restore"):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_signs_everyone_out_and_revokes_every_api_token(tmp_path, people):
    from api.models import ApiToken

    official = Client()
    official.force_login(people["official"])
    assert official.get("/").status_code == 200
    _, revoked_later = ApiToken.issue(user=people["official"], name="revoked after the backup")
    _, kept = ApiToken.issue(user=people["consultant"], name="still valid at restore")
    call_command("backup", str(tmp_path / "sodpa.backup"), stdout=StringIO())
    official.post("/accounts/logout/")  # the session ends and the token is revoked after the backup…
    ApiToken.objects.filter(name="revoked after the backup").delete()

    out = StringIO()
    call_command("restore", str(tmp_path / "sodpa.backup"), "--yes", stdout=out)
    # …and neither comes back with the restore.
    assert "revoked 2 API token(s)" in out.getvalue() and "everyone signs in again" in out.getvalue()
    assert not ApiToken.objects.exists()
    for token in (revoked_later, kept):
        assert Client().get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = official.cookies[settings.SESSION_COOKIE_NAME].value
    assert replay.get("/").status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits forever on a connection inside a transaction
def test_backups_are_readable_by_their_owner_only(tmp_path):
    import stat

    path = tmp_path / "sodpa.backup"
    path.write_bytes(b"an older file, world-readable")
    path.chmod(0o644)
    call_command("backup", str(path), stdout=StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "sodpa.backup"
    call_command("backup", str(fresh), stdout=StringIO())
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_a_database_file_created_by_manage_py_is_readable_by_its_owner_only(tmp_path):
    """An SQLite file, whatever database the suite runs on: it runs in the SQLite suite only."""
    import stat

    from tests.test_security import run_manage

    database = tmp_path / "fresh.sqlite3"
    # One app's migrations create the file as all of them would (tests/test_serve.py applies them all):
    # the whole set cost this test 15 s.
    result = run_manage("migrate", "contenttypes", "-v", "0", DEBUG="1", DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    for companion in (tmp_path / "fresh.sqlite3-wal", tmp_path / "fresh.sqlite3-shm"):
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) == 0o600
