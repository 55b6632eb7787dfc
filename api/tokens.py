"""/accounts/tokens/: a signed-in user's own API tokens — create (the clear token is shown once, in
the response to the POST that created it, and kept nowhere) and revoke. Other users' tokens are
404, whoever asks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.security import log_event
from api.forms import TokenForm
from api.models import ApiToken


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request):
    new_token = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            token, new_token = ApiToken.issue(user=request.user, name=form.cleaned_data["name"],
                                              expires_at=form.expires_at())
            log_event("api_token_created", request=request, token=token.prefix,
                      expires=token.expires_at.isoformat() if token.expires_at else None)
            form = TokenForm()
    else:
        form = TokenForm()
    return render(request, "api/tokens.html", {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user).select_related("user"),
        "new_token": new_token,
    })


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.delete()
    log_event("api_token_revoked", request=request, token=token.prefix)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("api_tokens")
