"""The admin of the assessments app: regions and who belongs to them, for superusers only.

Region membership is what grants access to a region's assessments (assessments/access.py), so only
superusers manage it. Assessments, answers, comments and plan items are not in the admin at all:
tenant data is read in the app, where the region's scope applies to everyone, staff included."""

from django.contrib import admin

from assessments.models import Region


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Visible and usable by superusers only, whatever model permissions a staff user holds."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Region)
class RegionAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "kind", "city_type"]
    list_filter = ["kind", "city_type"]
    search_fields = ["name"]
    filter_horizontal = ["officials", "consultants", "contributors", "assessors"]
