"""The client's address behind the documented proxy (TRUSTED_PROXY_COUNT), per-address rate limits on
sign-in and password reset (a real cache: the shared database cache), and a password-reset page
that says when the site cannot send mail."""

import logging

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine: every request comes from it


def sign_in(client, username, password, *, forwarded_for=None, peer=PROXY):
    headers = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_an_attacker_does_not_lock_the_real_user_out(client, caplog):
    UserFactory(username="zhao")
    attacker = client.__class__()
    with caplog.at_level(logging.INFO, logger="sodpa.security"):
        # The attacker forges whatever it likes on the left; the proxy appends the real address.
        for forged in ("1.1.1.1", "2.2.2.2", "", "10.2.2.2", "3.3.3.3"):
            chain = f"{forged}, 203.0.113.66" if forged else "203.0.113.66"
            assert sign_in(attacker, "zhao", "wrong", forwarded_for=chain).status_code in (200, 429)
        assert sign_in(attacker, "zhao", DEMO_PASSWORD, forwarded_for="203.0.113.66").status_code == 429
        # The real user, through the same proxy from another address, signs in.
        assert sign_in(client, "zhao", DEMO_PASSWORD, forwarded_for="198.51.100.7").status_code == 302
    events = [r.security for r in caplog.records if r.name == "sodpa.security"]
    failed = [e for e in events if e["user"] == "zhao" and "ip" in e and e.get("ip") != "198.51.100.7"]
    assert {e["ip"] for e in failed} == {"203.0.113.66"}  # the client's address, never the proxy's
    assert any(e["ip"] == "198.51.100.7" for e in events)
    assert all(e["ip"] != PROXY for e in events)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_forged_header_is_ignored(client, caplog):
    UserFactory(username="qian")
    with caplog.at_level(logging.INFO, logger="sodpa.security"):
        for number in range(5):
            sign_in(client, "qian", "wrong", forwarded_for=f"10.0.0.{number}", peer="192.0.2.9")
    # Varying X-Forwarded-For did not give the attacker five fresh addresses: the pair is locked.
    assert sign_in(client, "qian", DEMO_PASSWORD, forwarded_for="10.9.9.9", peer="192.0.2.9").status_code == 429
    addresses = {r.security["ip"] for r in caplog.records if r.name == "sodpa.security"}
    assert addresses == {"192.0.2.9"}


@override_settings(RATE_LIMIT_SIGN_IN_FAILURES_PER_IP=(6, 900))
def test_failed_sign_ins_are_limited_per_address_whatever_the_user_name(client):
    for number in range(6):  # six user names, once each: axes' per-name lockout never triggers
        assert sign_in(client, f"guess{number}", "wrong", peer="192.0.2.50").status_code == 200
    UserFactory(username="sun")
    refused = sign_in(client, "sun", DEMO_PASSWORD, peer="192.0.2.50")
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your address" in refused.content.decode() or \
        "来自您地址的登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(client.__class__(), "sun", DEMO_PASSWORD, peer="192.0.2.51").status_code == 302


def reset(client, email, *, peer="192.0.2.70"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=peer, HTTP_ACCEPT_LANGUAGE="en")


def test_without_mail_the_reset_page_says_to_ask_the_administrator(client, settings):
    settings.EMAIL_HOST = ""
    UserFactory(username="zhou", email="zhou@example.org")
    page = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="no-mail"' in page and "Ask your administrator" in page and 'name="email"' not in page
    answer = reset(client, "zhou@example.org")
    assert answer.status_code == 200 and "Ask your administrator" in answer.content.decode()
    assert mail.outbox == []
    chinese = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "请联系管理员" in chinese


def test_production_mails_to_the_console_until_a_mail_server_is_set():
    from tests.test_security import run_manage

    show = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    production = {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "sodpa.example.org"}
    console = run_manage("shell", "-c", show, **production)
    assert console.stdout.strip().splitlines()[-1] == "django.core.mail.backends.console.EmailBackend", console.stderr
    smtp = run_manage("shell", "-c", show, EMAIL_HOST="smtp.example.org", **production)
    assert smtp.stdout.strip().splitlines()[-1] == "django.core.mail.backends.smtp.EmailBackend", smtp.stderr


@override_settings(EMAIL_HOST="smtp.example.org", RATE_LIMIT_PASSWORD_RESET_PER_EMAIL=(2, 3600))
def test_password_reset_is_limited_per_e_mail_address(client):
    UserFactory(username="wu", email="wu@example.org")
    page = client.get(reverse("password_reset"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="email"' in page and 'id="no-mail"' not in page
    for number in range(2):
        answer = reset(client, "wu@example.org", peer=f"192.0.2.{80 + number}")
        assert answer.status_code == 302
    assert len(mail.outbox) == 2
    refused = reset(client, "WU@example.org", peer="192.0.2.99")  # another address, same mailbox
    assert refused.status_code == 429
    assert "Too many password reset requests for this e-mail address" in refused.content.decode()
    assert len(mail.outbox) == 2


@override_settings(EMAIL_HOST="smtp.example.org", RATE_LIMIT_PASSWORD_RESET_PER_IP=(3, 3600))
def test_password_reset_is_limited_per_client_address(client):
    for number in range(3):
        assert reset(client, f"someone{number}@example.org").status_code == 302
    refused = reset(client, "someone-else@example.org")
    assert refused.status_code == 429
    assert "Too many password reset requests from your address" in refused.content.decode()
    assert reset(client, "someone-else@example.org", peer="192.0.2.71").status_code == 302
