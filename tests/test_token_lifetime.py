"""API tokens expire (a lifetime chosen at creation, at most API_TOKEN_MAX_LIFETIME_DAYS) and stop
working when their owner's password changes or is reset; the refusal is a JSON 401 that says why."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api.models import ApiToken
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-passphrase-2027"


def api(token: str, **headers):
    return Client().get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en", **headers)


def signed_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_the_lifetime_is_chosen_at_creation_and_shown(people):
    client = signed_in(people["official"])
    page = client.get(reverse("api_tokens")).content.decode()
    assert 'name="lifetime"' in page and ">30 days<" in page and ">365 days<" in page
    assert "Never expires" not in page  # a maximum is set (365 days by default)
    before = timezone.now()
    response = client.post(reverse("api_tokens"), {"name": "dashboard", "lifetime": "30"})
    token = ApiToken.objects.get(user=people["official"])
    assert timedelta(days=30) <= token.expires_at - before < timedelta(days=30, minutes=1)
    assert api(response.context["new_token"]).status_code == 200
    assert timezone.localtime(token.expires_at).strftime("%Y") in client.get(reverse("api_tokens")).content.decode()


def test_a_lifetime_beyond_the_maximum_is_refused_and_no_maximum_offers_never(people):
    client = signed_in(people["official"])
    with override_settings(API_TOKEN_MAX_LIFETIME_DAYS=90):
        refused = client.post(reverse("api_tokens"), {"name": "too long", "lifetime": "365"})
        assert "lifetime" in refused.context["form"].errors and not ApiToken.objects.exists()
        kept = client.post(reverse("api_tokens"), {"name": "no choice sent"})  # an older form: the longest allowed
        assert kept.status_code == 200
        assert ApiToken.objects.get().expires_at - timezone.now() > timedelta(days=89)
    with override_settings(API_TOKEN_MAX_LIFETIME_DAYS=0):
        assert "Never expires" in client.get(reverse("api_tokens")).content.decode()
        client.post(reverse("api_tokens"), {"name": "forever", "lifetime": "never"})
        assert ApiToken.objects.get(name="forever").expires_at is None


def test_an_expired_token_gets_a_json_401_that_says_expired(people):
    token, clear = ApiToken.issue(user=people["official"], name="old", expires_at=timezone.now() + timedelta(days=1))
    assert api(clear).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(clear)
    assert response.status_code == 401 and response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["code"] == "token_expired" and "expired" in response.json()["detail"]
    chinese = Client().get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {clear}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "过期" in chinese.json()["detail"]
    page = signed_in(people["official"]).get(reverse("api_tokens")).content.decode()
    assert ">expired<" in page


def test_changing_the_password_revokes_the_users_tokens(people):
    official = people["official"]
    _, clear = ApiToken.issue(user=official, name="dashboard")
    _, others = ApiToken.issue(user=people["consultant"], name="theirs")
    assert api(clear).status_code == 200
    client = signed_in(official)
    changed = client.post(reverse("password_change"), {"old_password": DEMO_PASSWORD, "new_password1": NEW_PASSWORD,
                                                       "new_password2": NEW_PASSWORD})
    assert changed.status_code == 302
    refused = api(clear)
    assert refused.status_code == 401 and refused.json()["code"] == "token_password_changed"
    assert "password has changed" in refused.json()["detail"]
    assert api(others).status_code == 200  # nobody else's
    page = client.get(reverse("api_tokens")).content.decode()
    assert "no longer valid: your password changed since" in page
    official.refresh_from_db()  # as the next request loads it
    _, fresh = ApiToken.issue(user=official, name="new")
    assert api(fresh).status_code == 200


def test_a_password_reset_revokes_the_users_tokens(people):
    official = people["official"]
    _, clear = ApiToken.issue(user=official, name="dashboard")
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(official.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(official)])
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert api(clear).json()["code"] == "token_password_changed"


def test_an_administrator_setting_the_password_revokes_too(people):
    official = people["official"]
    _, clear = ApiToken.issue(user=official, name="dashboard")
    official.set_password(NEW_PASSWORD)
    official.save()
    assert api(clear).status_code == 401
