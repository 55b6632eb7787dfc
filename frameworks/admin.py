from django.contrib import admin

from frameworks.models import (
    Case,
    Dimension,
    EcosystemAdvice,
    FeatureScene,
    Framework,
    Indicator,
    LevelDescriptor,
    SceneType,
    SubDimension,
    TierAdvice,
)


class DimensionInline(admin.TabularInline):
    model = Dimension
    fields = ["code", "order", "weight", "name_zh", "name_en", "guide_section"]
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "status", "tier_intermediate", "tier_advanced", "published_at"]
    list_filter = ["status", "code"]
    inlines = [DimensionInline]


class SubDimensionInline(admin.TabularInline):
    model = SubDimension
    fields = ["code", "order", "name_zh", "name_en", "guide_section"]
    extra = 0
    show_change_link = True


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "weight", "framework"]
    list_filter = ["framework"]
    inlines = [SubDimensionInline]


class IndicatorInline(admin.StackedInline):
    model = Indicator
    fields = ["code", "order", "weight", "allows_na", "guide_section", "question_zh", "question_en"]
    extra = 0
    show_change_link = True


@admin.register(SubDimension)
class SubDimensionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "dimension"]
    list_filter = ["dimension__framework", "dimension__code"]
    inlines = [IndicatorInline]


class LevelDescriptorInline(admin.TabularInline):
    model = LevelDescriptor
    extra = 0
    max_num = 5


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "question_zh", "weight", "allows_na", "subdimension"]
    list_filter = ["subdimension__dimension__framework", "subdimension__dimension__code", "allows_na"]
    search_fields = ["code", "question_zh", "question_en"]
    inlines = [LevelDescriptorInline]


@admin.register(TierAdvice)
class TierAdviceAdmin(admin.ModelAdmin):
    list_display = ["kind", "tier", "title_zh", "guide_section", "framework"]
    list_filter = ["framework", "kind", "tier"]


@admin.register(SceneType)
class SceneTypeAdmin(admin.ModelAdmin):
    list_display = ["number", "name_zh", "mature", "framework"]
    list_filter = ["framework", "mature"]
    filter_horizontal = ["dimensions"]


@admin.register(FeatureScene)
class FeatureSceneAdmin(admin.ModelAdmin):
    list_display = ["city_type", "title_zh", "framework"]
    list_filter = ["framework", "city_type"]


@admin.register(EcosystemAdvice)
class EcosystemAdviceAdmin(admin.ModelAdmin):
    list_display = ["order", "title_zh", "framework"]
    list_filter = ["framework"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "title_zh", "guide_section", "framework"]
    list_filter = ["framework"]
    filter_horizontal = ["subdimensions"]
