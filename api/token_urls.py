from django.urls import path

from api import tokens

urlpatterns = [
    path("", tokens.token_list, name="api_tokens"),
    path("<int:token_id>/revoke/", tokens.token_revoke, name="api_token_revoke"),
]
