from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy

from accounts.views import PasswordResetView, SignInView

# The admin's branding, in the page's language: "SODPA 管理后台" / "SODPA administration".
admin.site.site_header = admin.site.site_title = admin.site.index_title = gettext_lazy("SODPA administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/tokens/", include("api.token_urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    # The portal's own pages for a password change (Django's default is the admin's, with its chrome).
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(
        template_name="registration/account_password_change.html"), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="registration/account_password_change_done.html"), name="password_change_done"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("", include("assessments.urls")),
]

handler400 = "sodpa_portal.views.bad_request"
handler500 = "sodpa_portal.views.server_error"
