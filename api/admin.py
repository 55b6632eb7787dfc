from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see who has tokens and revoke (delete) them; tokens are created by their owners."""

    list_display = ["name", "user", "prefix", "created", "last_used"]
    list_filter = ["created"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "prefix", "created", "last_used"]
    exclude = ["key_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
