"""The questionnaire as data: a framework version, its dimensions, sub-dimensions, indicators,
level descriptors, and the recommendation content of the guide."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from frameworks.enums import Tier  # noqa: F401  (re-exported: frameworks.models.Tier)
from frameworks.i18n import Localized, content_suffix


def validate_positive_weight(value: float) -> None:
    if value is not None and value <= 0:
        raise ValidationError(
            _("The weight must be positive, got %(value)s."), code="weight_not_positive",
            params={"value": f"{value:g}"},
        )


POSITIVE = [validate_positive_weight]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class CityType(models.TextChoices):
    PORT = "port", _("Port city")
    INDUSTRIAL = "industrial", _("Industrial city")
    TOURISM = "tourism", _("Tourism city")
    COMPREHENSIVE = "comprehensive", _("Comprehensive city")


class Aggregation(models.TextChoices):
    """How a dimension's score is formed from its indicators (a property of the version)."""

    INDICATORS = "indicators", _("Weighted mean of the dimension's indicators")
    SUBDIMENSIONS = "subdimensions", _("Weighted mean of the dimension's sub-dimension scores")


class RegionKind(models.TextChoices):
    """The kinds of region an assessment is made for (the guide's 整体型 city vs 区域型 district/park)."""

    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    PARK = "park", _("Park")


NA_KINDS = tuple(RegionKind.values)


def validate_na_kinds(value) -> None:
    if not isinstance(value, list) or any(kind not in NA_KINDS for kind in value) or len(set(value)) != len(value):
        raise ValidationError(
            _("“Not applicable” kinds must be distinct region kinds among %(kinds)s, got %(value)s."),
            code="na_kinds", params={"kinds": ", ".join(NA_KINDS), "value": value},
        )


def validate_criteria(value) -> None:
    ok = isinstance(value, list) and all(
        isinstance(item, dict) and all(isinstance(item.get(k), str) and item[k].strip() for k in ("zh-hans", "en"))
        for item in value
    )
    if not ok:
        raise ValidationError(_("Each criterion needs a non-empty Chinese and English text."), code="criteria")


class FeatureCityType(models.TextChoices):
    """Who a feature-led scene (七(二)) is for: one city type, or every region (七(二) 一是/二是)."""

    ALL = "all", _("Every city type")
    PORT = "port", _("Port city")
    INDUSTRIAL = "industrial", _("Industrial city")
    TOURISM = "tourism", _("Tourism city")
    COMPREHENSIVE = "comprehensive", _("Comprehensive city")


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Framework.Status.PUBLISHED)

    def latest_published(self, code: str | None = None) -> "Framework | None":
        """The newest published version of `code` (default: settings.DEFAULT_FRAMEWORK_CODE, the
        framework new assessments use)."""
        return self.published().filter(code=code or settings.DEFAULT_FRAMEWORK_CODE).order_by("-version").first()

    def with_questionnaire(self):
        """Everything a questionnaire, a score or an export needs, in a constant number of queries."""
        return self.prefetch_related(
            "dimensions__subdimensions__indicators__levels",
        )


class Framework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    tier_advanced = models.FloatField(_("advanced threshold"), default=70, validators=PERCENT)
    tier_intermediate = models.FloatField(_("intermediate threshold"), default=40, validators=PERCENT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    aggregation = models.CharField(_("aggregation"), max_length=15, choices=Aggregation,
                                   default=Aggregation.INDICATORS)

    name = Localized("name")
    objects = FrameworkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version"),
            models.CheckConstraint(
                condition=models.Q(tier_intermediate__gt=0)
                & models.Q(tier_advanced__gt=models.F("tier_intermediate"))
                & models.Q(tier_advanced__lte=100),
                name="framework_tier_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_criteria(self) -> bool:
        """From version 2 on, levels 1–4 are cumulative lists of checkable criteria."""
        return self.aggregation != Aggregation.INDICATORS

    @property
    def na_requires_reason(self) -> bool:
        """From version 2 on, a "not applicable" answer must give its reason in the evidence;
        version 1 (aggregated by indicators) keeps its rules."""
        return self.aggregation != Aggregation.INDICATORS

    def clean(self) -> None:
        intermediate, advanced = self.tier_intermediate, self.tier_advanced
        if intermediate is None or advanced is None:
            return
        if not 0 < intermediate < advanced <= 100:
            message = _(
                "The thresholds must satisfy 0 < intermediate < advanced ≤ 100: "
                "intermediate threshold %(intermediate)s, advanced threshold %(advanced)s."
            ) % {"intermediate": f"{intermediate:g}", "advanced": f"{advanced:g}"}
            raise ValidationError({"tier_intermediate": message, "tier_advanced": message})


class Dimension(models.Model):
    framework = models.ForeignKey(Framework, models.CASCADE, related_name="dimensions", verbose_name=_("framework"))
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"))
    weight = models.FloatField(_("weight"), default=1, validators=POSITIVE)
    guide_section = models.CharField(_("guide section"), max_length=30)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    rationale_zh = models.TextField(_("reason for the weight (Chinese)"), blank=True)
    rationale_en = models.TextField(_("reason for the weight (English)"), blank=True)

    name = Localized("name")
    description = Localized("description")
    rationale = Localized("rationale")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dimension_code"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="dimension_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if not self.code or self.framework_id is None:
            return
        if Dimension.objects.filter(framework_id=self.framework_id, code=self.code).exclude(pk=self.pk).exists():
            raise ValidationError({"code": _(
                "The dimension code “%(code)s” is already used in this framework version."
            ) % {"code": self.code}})


class SubDimension(models.Model):
    dimension = models.ForeignKey(Dimension, models.CASCADE, related_name="subdimensions",
                                  verbose_name=_("dimension"))
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"))
    guide_section = models.CharField(_("guide section"), max_length=30)
    weight = models.FloatField(_("weight"), default=1, validators=POSITIVE)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    measures_zh = models.TextField(_("measures from the guide (Chinese)"))
    measures_en = models.TextField(_("measures from the guide (English)"))
    rationale_zh = models.TextField(_("reason for the weight (Chinese)"), blank=True)
    rationale_en = models.TextField(_("reason for the weight (English)"), blank=True)

    name = Localized("name")
    measures = Localized("measures")
    rationale = Localized("rationale")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-dimension")
        verbose_name_plural = _("sub-dimensions")
        ordering = ["dimension__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="subdimension_code"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="subdimension_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if not self.code or self.dimension_id is None:
            return
        same = (SubDimension.objects.filter(dimension__framework_id=self.dimension.framework_id, code=self.code)
                .exclude(pk=self.pk).select_related("dimension").first())
        if same is not None:
            raise ValidationError({"code": _(
                "The sub-dimension code “%(code)s” is already used in this framework version "
                "(dimension %(dimension)s)."
            ) % {"code": self.code, "dimension": same.dimension.code}})


class Indicator(models.Model):
    subdimension = models.ForeignKey(SubDimension, models.CASCADE, related_name="indicators",
                                     verbose_name=_("sub-dimension"))
    code = models.CharField(_("code"), max_length=12)
    order = models.PositiveSmallIntegerField(_("order"))
    weight = models.FloatField(_("weight"), default=1, validators=POSITIVE)
    allows_na = models.BooleanField(_("allows “not applicable”"), default=False)
    na_kinds = models.JSONField(
        _("region kinds that may answer “not applicable”"), default=list, blank=True,
        validators=[validate_na_kinds],
        help_text=_("A list among city, district, park; empty when “not applicable” is never allowed."),
    )
    guide_section = models.CharField(_("guide section"), max_length=30)
    question_zh = models.TextField(_("question (Chinese)"))
    question_en = models.TextField(_("question (English)"))
    help_zh = models.TextField(_("help text (Chinese)"), blank=True)
    help_en = models.TextField(_("help text (English)"), blank=True)
    rationale_zh = models.TextField(_("reason for the weight (Chinese)"), blank=True)
    rationale_en = models.TextField(_("reason for the weight (English)"), blank=True)
    guide_quote_zh = models.TextField(_("quotation from the guide (Chinese)"), blank=True)
    guide_quote_en = models.TextField(_("quotation from the guide (English)"), blank=True)

    question = Localized("question")
    help = Localized("help")
    rationale = Localized("rationale")
    guide_quote = Localized("guide_quote")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["subdimension__dimension__order", "subdimension__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["subdimension", "code"], name="indicator_code"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.code

    def allows_na_for(self, kind: str) -> bool:
        """Whether a region of `kind` may answer “not applicable”."""
        return kind in (self.na_kinds or [])

    def clean(self) -> None:
        if isinstance(self.na_kinds, list) and self.allows_na != bool(self.na_kinds):
            raise ValidationError({"allows_na": _(
                "“Allows not applicable” must be set exactly when some region kinds may answer it."
            )})
        if not self.code or self.subdimension_id is None:
            return
        framework_id = self.subdimension.dimension.framework_id
        same = (Indicator.objects.filter(subdimension__dimension__framework_id=framework_id, code=self.code)
                .exclude(pk=self.pk).select_related("subdimension").first())
        if same is not None:
            raise ValidationError({"code": _(
                "The indicator code “%(code)s” is already used in this framework version "
                "(sub-dimension %(subdimension)s)."
            ) % {"code": self.code, "subdimension": same.subdimension.code}})


class LevelDescriptor(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="levels", verbose_name=_("indicator"))
    level = models.PositiveSmallIntegerField(_("level"), validators=[MaxValueValidator(4)])
    text_zh = models.TextField(_("descriptor (Chinese)"))
    text_en = models.TextField(_("descriptor (English)"))
    criteria = models.JSONField(
        _("criteria"), default=list, blank=True, validators=[validate_criteria],
        help_text=_("Levels 1–4: the checkable facts the level requires, each "
                    "{\"zh-hans\": …, \"en\": …}."),
    )

    text = Localized("text")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="descriptor_level"),
            models.CheckConstraint(condition=models.Q(level__lte=4), name="descriptor_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.level}"

    def localized_criteria(self) -> list[str]:
        """The criteria in the active language."""
        key = "en" if content_suffix() == "en" else "zh-hans"
        return [item.get(key, "") for item in self.criteria or []]


class GlossaryTerm(models.Model):
    """One term of a framework version's vocabulary: its Chinese and its one English rendering."""

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="glossary", verbose_name=_("framework"))
    term_zh = models.CharField(_("term (Chinese)"), max_length=100)
    term_en = models.CharField(_("term (English)"), max_length=200)
    note_zh = models.TextField(_("note (Chinese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    term = Localized("term")
    note = Localized("note")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["framework", "pk"]
        constraints = [models.UniqueConstraint(fields=["framework", "term_zh"], name="glossary_term_unique")]

    def __str__(self) -> str:
        return f"{self.term_zh} — {self.term_en}"


class Advice(models.Model):
    """A piece of the guide's recommendation content, tied to the framework version it belongs to
    so a submitted assessment keeps the advice it was scored with."""

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="+", verbose_name=_("framework"))
    guide_section = models.CharField(_("guide section"), max_length=30)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_zh = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"))

    title = Localized("title")
    body = Localized("body")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class TierAdvice(Advice):
    """Classified strategy (七(一)) or scene-building step (六(四)) for one tier."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Classified strategy")
        SCENE_STEP = "scene_step", _("Scene-building step")

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="tier_advice", verbose_name=_("framework"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier)
    # 七(一): the dimensions a tier's strategy stresses (codes, e.g. ["S", "O"]); they break ties between
    # weak areas of equal gain. Only on strategies; empty: no such tie-break.
    focus = models.JSONField(_("dimensions the strategy stresses"), default=list, blank=True,
                             help_text=_("Dimension codes as a JSON list (for example S and O): among weak "
                                         "areas of equal gain, those of these dimensions come first."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tier advice")
        verbose_name_plural = _("tier advice")
        constraints = [
            models.UniqueConstraint(fields=["framework", "kind", "tier"], name="tier_advice_unique"),
        ]

    def clean(self) -> None:
        super().clean()
        codes = set(Dimension.objects.filter(framework_id=self.framework_id).values_list("code", flat=True))
        focus = self.focus or []
        if not isinstance(focus, list) or not all(isinstance(code, str) and code in codes for code in focus):
            raise ValidationError({"focus": _("Give a list of this version's dimension codes (%(codes)s), "
                                              "for example [\"S\", \"O\"].") % {"codes": ", ".join(sorted(codes))}})


class SceneType(models.Model):
    """One of the eight priority scene types of 六(三)."""

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="scene_types", verbose_name=_("framework"))
    number = models.PositiveSmallIntegerField(_("number"))
    mature = models.BooleanField(_("mature scene, recommended first"), default=False)
    guide_section = models.CharField(_("guide section"), max_length=30)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"))
    dimensions = models.ManyToManyField(Dimension, related_name="scene_types", verbose_name=_("dimensions"))

    name = Localized("name")
    description = Localized("description")
    history = HistoricalRecords(m2m_fields=[dimensions])

    class Meta:
        verbose_name = _("priority scene type")
        verbose_name_plural = _("priority scene types")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="scene_type_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ScenePrerequisite(models.Model):
    """What a region needs before a priority scene type is within reach: an indicator of the same
    version at a minimum level, with the guide section whose text implies it (六(三) and the
    sections on the capability)."""

    scene_type = models.ForeignKey(SceneType, models.CASCADE, related_name="prerequisites",
                                   verbose_name=_("priority scene type"))
    indicator_code = models.CharField(_("indicator code"), max_length=12)
    level = models.PositiveSmallIntegerField(_("minimum level"),
                                             validators=[MinValueValidator(1), MaxValueValidator(4)])
    guide_section = models.CharField(_("guide section"), max_length=30)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scene prerequisite")
        verbose_name_plural = _("scene prerequisites")
        ordering = ["scene_type__number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scene_type", "indicator_code"], name="scene_prerequisite_unique"),
            models.CheckConstraint(condition=models.Q(level__gte=1) & models.Q(level__lte=4),
                                   name="scene_prerequisite_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} ≥ {self.level}"


class FeatureScene(Advice):
    """Feature-led scenes for a city type, or for every region (七(二))."""

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="feature_scenes",
                                  verbose_name=_("framework"))
    city_type = models.CharField(_("city type"), max_length=15, choices=FeatureCityType)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feature-led scene")
        verbose_name_plural = _("feature-led scenes")
        ordering = ["city_type"]


class EcosystemAdvice(Advice):
    """Ecosystem collaboration (七(三))."""

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="ecosystem_advice",
                                  verbose_name=_("framework"))
    order = models.PositiveSmallIntegerField(_("order"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ecosystem collaboration")
        verbose_name_plural = _("ecosystem collaboration")
        ordering = ["order"]


class Case(models.Model):
    """One of the guide's thirteen cases, linked to the sub-dimensions it illustrates."""

    framework = models.ForeignKey(Framework, models.CASCADE, related_name="cases", verbose_name=_("framework"))
    number = models.PositiveSmallIntegerField(_("number"))
    guide_section = models.CharField(_("guide section"), max_length=30)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_zh = models.TextField(_("summary (Chinese)"))
    summary_en = models.TextField(_("summary (English)"))
    # The city type the guide's text places the case in (a port area, an industrial park, …); empty
    # when the guide names none. Cases of a region's own city type come first under a sub-dimension.
    city_type = models.CharField(_("city type"), max_length=16, choices=CityType, blank=True, default="")
    subdimensions = models.ManyToManyField(SubDimension, related_name="cases", verbose_name=_("sub-dimensions"))

    title = Localized("title")
    summary = Localized("summary")
    history = HistoricalRecords(m2m_fields=[subdimensions])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="case_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


@receiver(pre_save)
def _no_history_for_loaded_fixtures(sender, instance, raw=False, **kwargs):
    """`loaddata` saves rows raw (django-simple-history records nothing) and then sets their
    many-to-many links, which it would record as a change by nobody: loaded rows get no history.

    A version-1 fixture has `allows_na` but no `na_kinds`: its N/A-able indicators allow N/A for
    every kind of region, as they always did."""
    if raw and sender in (SceneType, Case):
        instance.skip_history_when_saving = True
    if raw and sender is Indicator and instance.allows_na and not instance.na_kinds:
        instance.na_kinds = list(NA_KINDS)
