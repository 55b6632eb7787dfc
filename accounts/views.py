"""Sign-in and password reset with per-address rate limits (accounts/ratelimit.py), on top of
django-axes' lockout of a (user name, address) pair; the reset page says when the site cannot send
mail instead of pretending to."""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import ratelimit
from accounts.mail import mail_delivery_configured
from accounts.security import client_address, log_event

SIGN_IN = "sign-in-failures-ip"
RESET_IP = "password-reset-ip"
RESET_EMAIL = "password-reset-email"


def _too_many(request, *, message: str, scope: str):
    log_event("rate_limited", request=request, level=logging.WARNING, scope=scope)
    return render(request, "registration/rate_limited.html", {"message": message}, status=429)


class SignInView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        if ratelimit.exceeded(scope=SIGN_IN, identity=client_address(request),
                              limit=settings.RATE_LIMIT_SIGN_IN_FAILURES_PER_IP):
            return _too_many(request, scope=SIGN_IN, message=_(
                "Too many failed sign-ins from your address. Wait 15 minutes, then try again."))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.count(scope=SIGN_IN, identity=client_address(self.request),
                        limit=settings.RATE_LIMIT_SIGN_IN_FAILURES_PER_IP)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "mail_configured": mail_delivery_configured()}

    def post(self, request, *args, **kwargs):
        if not mail_delivery_configured():
            return self.get(request, *args, **kwargs)  # the page explains; nothing is "sent"
        if not ratelimit.allow(scope=RESET_IP, identity=client_address(request),
                               limit=settings.RATE_LIMIT_PASSWORD_RESET_PER_IP):
            return _too_many(request, scope=RESET_IP, message=_(
                "Too many password reset requests from your address. Try again in an hour."))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.allow(scope=RESET_EMAIL, identity=email, limit=settings.RATE_LIMIT_PASSWORD_RESET_PER_EMAIL):
            return _too_many(self.request, scope=RESET_EMAIL, message=_(
                "Too many password reset requests for this e-mail address. Try again in an hour."))
        return super().form_valid(form)
