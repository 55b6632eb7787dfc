"""Sign-in throttling, session lifetime, production settings, CSP and the security log."""

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEMO_PASSWORD, AssessmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, ip="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_user_name_from_that_address_only(client):
    UserFactory(username="zhang")
    for _ in range(4):
        assert sign_in(client, "zhang", "wrong").status_code == 200
    assert sign_in(client, "zhang", "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "zhang", DEMO_PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The real user, from another address, is not locked out by an attacker's failures.
    other = client.__class__()
    assert sign_in(other, "zhang", DEMO_PASSWORD, ip="10.2.2.2").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client):
    UserFactory(username="li")
    for _ in range(5):
        sign_in(client, "li", "wrong")
    assert sign_in(client, "li", DEMO_PASSWORD).status_code == 429
    past = timezone.now() - timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=past)
    AccessAttemptExpiration.objects.update(expires_at=past)
    assert sign_in(client, "li", DEMO_PASSWORD).status_code == 302


def test_sessions_expire_after_30_idle_minutes_and_each_request_restarts_the_clock(client, people):
    from django.contrib.sessions.models import Session

    client.force_login(people["official"])
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    def idle(minutes: int):
        """Move the session's expiry as if the user had been idle for `minutes` since the last request."""
        Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=30 - minutes))

    idle(29)
    before = timezone.now()
    assert client.get(reverse("dashboard")).status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert before + timedelta(minutes=29, seconds=59) <= renewed <= timezone.now() + timedelta(minutes=30)
    idle(30)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sessions_end_12_hours_after_sign_in_whatever_the_activity(client, people):
    client.force_login(people["official"])
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session["signed_in_at"] -= 12 * 3600 + 1
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("dashboard")).status_code == 302  # the session is gone for good


def test_sign_out_and_deactivation_end_the_session(client, people):
    client.force_login(people["official"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    replay = client.__class__()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get(reverse("dashboard")).status_code == 302

    client.force_login(people["consultant"])
    people["consultant"].is_active = False
    people["consultant"].save()
    assert client.get(reverse("dashboard")).status_code == 302


def test_security_events_are_logged_as_json(client, people, caplog, sodpa):
    UserFactory(username="wang")
    with caplog.at_level(logging.INFO, logger="sodpa.security"):
        sign_in(client, "wang", "wrong", ip="10.9.9.9")
        sign_in(client, "wang", DEMO_PASSWORD, ip="10.9.9.9")
        other = AssessmentFactory(region=people["other"], framework=sodpa)
        assert client.get(reverse("results", args=[other.pk])).status_code == 404
    events = [(r.getMessage(), r.security) for r in caplog.records if r.name == "sodpa.security"]
    assert [name for name, _ in events] == ["sign_in_failed", "sign_in", "access_denied"]
    assert events[0][1]["user"] == "wang" and events[0][1]["ip"] == "10.9.9.9"
    assert events[2][1] == {"user": "wang", "ip": None, "path": None, "assessment": other.pk}
    from sodpa_portal.log_format import JsonFormatter

    denied = next(r for r in caplog.records if r.name == "sodpa.security" and r.getMessage() == "access_denied")
    line = json.loads(JsonFormatter().format(denied))
    assert line["event"] == "access_denied" and line["assessment"] == other.pk


def test_pages_send_a_strict_content_security_policy(client, people):
    client.force_login(people["official"])
    policy = client.get(reverse("dashboard"))["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-eval" not in policy


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG",
                                  "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                                  "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_without_a_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        SECRET_KEY="x" * 20 + "production-secret-with-enough-entropy-0123456789",
                        ALLOWED_HOSTS="sodpa.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(("env", "message"), [
    ({}, "SECRET_KEY must be set when DEBUG is off"),
    ({"SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS must be set when DEBUG is off"),
    ({"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "a", "DEBUG": "maybe"}, "DEBUG must be one of"),
])
def test_production_refuses_to_start_without_its_secrets(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_weight_changes_are_security_events(sodpa, caplog):
    from frameworks.models import Indicator
    from frameworks.versions import new_draft_version

    draft = new_draft_version(framework=sodpa)
    indicator = Indicator.objects.get(subdimension__dimension__framework=draft, code="S1.1")
    with caplog.at_level(logging.INFO, logger="sodpa.security"):
        indicator.weight = 3
        indicator.save()
    events = [r.security for r in caplog.records if r.name == "sodpa.security" and r.getMessage() == "weight_change"]
    assert events == [{"user": None, "ip": None, "path": None, "model": "indicator", "object": "S1.1",
                       "old": 1.0, "new": 3}]
