"""factory_boy factories. `build_framework` makes a small synthetic framework of any shape, so
scoring and query-count tests do not depend on the real questionnaire."""

import factory
from django.contrib.auth import get_user_model
from django.test import override_settings

from assessments.models import Answer, Assessment, Region
from frameworks.models import Dimension, Framework, Indicator, LevelDescriptor, SubDimension

DEMO_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    code = factory.Sequence(lambda n: f"test-{n}")
    version = 1
    status = Framework.Status.PUBLISHED
    name_zh = "测试框架"
    name_en = "Test framework"


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"X{n}")
    order = factory.Sequence(int)
    weight = 1
    guide_section = "二"
    name_zh = factory.LazyAttribute(lambda d: f"维度{d.code}")
    name_en = factory.LazyAttribute(lambda d: f"Dimension {d.code}")


class SubDimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubDimension

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"Y{n}")
    order = factory.Sequence(int)
    guide_section = "二(一)"
    name_zh = factory.LazyAttribute(lambda s: f"子维度{s.code}")
    name_en = factory.LazyAttribute(lambda s: f"Sub-dimension {s.code}")
    measures_zh = "按指引采取措施。"
    measures_en = "Take the guide's measures."


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True  # the levels hook creates rows; the indicator is unchanged

    subdimension = factory.SubFactory(SubDimensionFactory)
    code = factory.Sequence(lambda n: f"Z{n}")
    order = factory.Sequence(int)
    weight = 1
    allows_na = False
    na_kinds = factory.LazyAttribute(lambda i: ["city", "district", "park"] if i.allows_na else [])
    guide_section = "二(一)"
    question_zh = factory.LazyAttribute(lambda i: f"问题{i.code}？")
    question_en = factory.LazyAttribute(lambda i: f"Question {i.code}?")

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        if create:
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(indicator=self, level=level, text_zh=f"{self.code} 等级{level}",
                                text_en=f"{self.code} level {level}")
                for level in range(5)
            )


def build_framework(shape: dict[str, dict[str, list[tuple[float, bool | list[str]]]]], *,
                    dimension_weights: dict[str, float] | None = None,
                    subdimension_weights: dict[str, float] | None = None,
                    history: bool = False, **framework_fields) -> Framework:
    """shape: {"S": {"S1": [(weight, allows_na), …], …}, …}; indicator codes S1.1, S1.2, …
    `allows_na` is True (N/A for every region kind), False, or the list of kinds that may use it.
    Pass aggregation="subdimensions" for a version-2-style framework. Its rows get no "created"
    history rows unless `history` (they were two thirds of the time of a small framework)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=history):
        return _build_framework(shape, dimension_weights=dimension_weights,
                                subdimension_weights=subdimension_weights, **framework_fields)


def _build_framework(shape, *, dimension_weights, subdimension_weights, **framework_fields) -> Framework:
    framework = FrameworkFactory(**framework_fields)
    for dim_order, (dim_code, subs) in enumerate(shape.items(), start=1):
        dimension = DimensionFactory(framework=framework, code=dim_code, order=dim_order,
                                     weight=(dimension_weights or {}).get(dim_code, 1))
        for sub_order, (sub_code, indicators) in enumerate(subs.items(), start=1):
            sub = SubDimensionFactory(dimension=dimension, code=sub_code, order=sub_order,
                                      weight=(subdimension_weights or {}).get(sub_code, 1))
            for ind_order, (weight, na) in enumerate(indicators, start=1):
                kinds = ["city", "district", "park"] if na is True else list(na or [])
                IndicatorFactory(subdimension=sub, code=f"{sub_code}.{ind_order}", order=ind_order,
                                 weight=weight, allows_na=bool(kinds), na_kinds=kinds)
    return framework


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    kind = Region.Kind.CITY
    city_type = "comprehensive"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    region = factory.SubFactory(RegionFactory)
    framework = factory.SubFactory(FrameworkFactory)
    title = factory.Sequence(lambda n: f"Assessment {n}")


def answer(assessment: Assessment, code: str, value, evidence: str = "") -> Answer:
    indicator = Indicator.objects.get(
        subdimension__dimension__framework=assessment.framework, code=code)
    return Answer.objects.create(
        assessment=assessment, indicator=indicator,
        level=None if value == "na" else value, not_applicable=value == "na", evidence=evidence,
    )
