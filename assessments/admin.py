from django.contrib import admin

from assessments.models import Answer, Assessment, Comment, PlanItem, Region, StatusChange


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city_type"]
    list_filter = ["kind", "city_type"]
    search_fields = ["name"]
    filter_horizontal = ["officials", "consultants"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["status", "changed_by", "changed_at", "note"]
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "framework", "status", "updated_at", "submitted_at"]
    list_filter = ["status", "framework", "region"]
    search_fields = ["title", "region__name"]
    list_select_related = ["region", "framework"]
    inlines = [StatusChangeInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "indicator", "level", "not_applicable", "updated_by", "updated_at"]
    list_filter = ["assessment__region"]
    list_select_related = ["assessment", "indicator", "updated_by"]
    raw_id_fields = ["assessment", "indicator"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["assessment", "author", "created_at"]
    list_select_related = ["assessment", "author"]


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ["action", "region", "assessment", "owner", "target_date", "indicator", "target_level", "status"]
    list_filter = ["status", "region"]
    search_fields = ["action", "owner", "region__name"]
    list_select_related = ["region", "assessment", "indicator"]
    raw_id_fields = ["assessment", "indicator"]
    readonly_fields = ["region", "created_by", "created_at", "updated_at"]
