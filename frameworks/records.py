"""Turn a framework document into model records, and a framework in the database back into a
document. The same records feed the committed Django fixture and `create_framework`."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

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


@dataclass
class Record:
    model: type[models.Model]
    pk: int
    fields: dict
    foreign: dict = field(default_factory=dict)  # field name → (model, local pk)
    many: dict = field(default_factory=dict)  # field name → (model, [local pks])


def _texts(prefix: str, text: dict) -> dict:
    return {f"{prefix}_zh": text["zh-hans"].strip(), f"{prefix}_en": text["en"].strip()}


class _Counter:
    def __init__(self) -> None:
        self.next: defaultdict[type, int] = defaultdict(lambda: 1)

    def __call__(self, model: type) -> int:
        pk = self.next[model]
        self.next[model] += 1
        return pk


def _questionnaire_records(document: dict, pk, framework_pk: int) -> Iterator[Record]:
    for dim_order, dim in enumerate(document["dimensions"], start=1):
        dim_pk = pk(Dimension)
        yield Record(Dimension, dim_pk, {
            "code": dim["code"], "order": dim.get("order", dim_order), "weight": float(dim["weight"]),
            "guide_section": dim.get("guide_section", ""), **_texts("name", dim["name"]),
            **_texts("description", dim.get("description") or {"zh-hans": "", "en": ""}),
        }, {"framework": (Framework, framework_pk)})
        for sub_order, sub in enumerate(dim["subdimensions"], start=1):
            sub_pk = pk(SubDimension)
            yield Record(SubDimension, sub_pk, {
                "code": sub["code"], "order": sub.get("order", sub_order),
                "guide_section": sub.get("guide_section", ""), **_texts("name", sub["name"]),
                **_texts("measures", sub["measures"]),
            }, {"dimension": (Dimension, dim_pk)})
            for ind_order, ind in enumerate(sub["indicators"], start=1):
                ind_pk = pk(Indicator)
                yield Record(Indicator, ind_pk, {
                    "code": ind["code"], "order": ind.get("order", ind_order),
                    "weight": float(ind["weight"]), "allows_na": ind["allows_na"],
                    "guide_section": ind.get("guide_section", ""), **_texts("question", ind["question"]),
                    **_texts("help", ind.get("help") or {"zh-hans": "", "en": ""}),
                }, {"subdimension": (SubDimension, sub_pk)})
                for level in ind["levels"]:
                    yield Record(LevelDescriptor, pk(LevelDescriptor),
                                 {"level": level["level"], **_texts("text", level)},
                                 {"indicator": (Indicator, ind_pk)})


def _recommendation_records(document: dict, pk, framework_pk: int, codes: dict) -> Iterator[Record]:
    recommendations = document.get("recommendations") or {}
    owner = {"framework": (Framework, framework_pk)}
    for kind, key in ((TierAdvice.Kind.STRATEGY, "strategies"), (TierAdvice.Kind.SCENE_STEP, "scene_steps")):
        for item in recommendations.get(key, []):
            yield Record(TierAdvice, pk(TierAdvice), {
                "kind": str(kind), "tier": item["tier"], "guide_section": item["guide_section"],
                **_texts("title", item["title"]), **_texts("body", item["body"]),
            }, owner)
    for item in recommendations.get("scene_types", []):
        yield Record(SceneType, pk(SceneType), {
            "number": item["number"], "mature": item["mature"], "guide_section": item["guide_section"],
            **_texts("name", item["name"]), **_texts("description", item["description"]),
        }, owner, {"dimensions": (Dimension, [codes[code] for code in item["dimensions"]])})
    for item in recommendations.get("feature_scenes", []):
        yield Record(FeatureScene, pk(FeatureScene), {
            "city_type": item["city_type"], "guide_section": item["guide_section"],
            **_texts("title", item["title"]), **_texts("body", item["body"]),
        }, owner)
    for order, item in enumerate(recommendations.get("ecosystem", []), start=1):
        yield Record(EcosystemAdvice, pk(EcosystemAdvice), {
            "order": item.get("order", order), "guide_section": item["guide_section"],
            **_texts("title", item["title"]), **_texts("body", item["body"]),
        }, owner)
    for item in recommendations.get("cases", []):
        yield Record(Case, pk(Case), {
            "number": item["number"], "guide_section": item["guide_section"],
            **_texts("title", item["title"]), **_texts("summary", item["summary"]),
        }, owner, {"subdimensions": (SubDimension, [codes[code] for code in item["subdimensions"]])})


def document_records(document: dict, *, status: str) -> list[Record]:
    """All records of a (validated) document, with local primary keys starting at 1 per model."""
    pk = _Counter()
    framework_pk = pk(Framework)
    records = [Record(Framework, framework_pk, {
        "code": document["code"], "version": document.get("version", 1), "status": status,
        **_texts("name", document["name"]),
        "tier_advanced": float(document["tiers"]["advanced"]),
        "tier_intermediate": float(document["tiers"]["intermediate"]),
        "published_at": None,
    })]
    records += _questionnaire_records(document, pk, framework_pk)
    codes = {r.fields["code"]: r.pk for r in records if r.model in (Dimension, SubDimension)}
    records += _recommendation_records(document, pk, framework_pk, codes)
    return records


def fixture_objects(records: list[Record]) -> list[dict]:
    """The records as Django fixture objects (`manage.py loaddata` format)."""
    objects = []
    for record in records:
        fields = dict(record.fields)
        fields.update({name: local_pk for name, (_, local_pk) in record.foreign.items()})
        fields.update({name: local_pks for name, (_, local_pks) in record.many.items()})
        objects.append({"model": record.model._meta.label_lower, "pk": record.pk, "fields": fields})
    return objects


@transaction.atomic
def create_framework(records: list[Record]) -> Framework:
    """Save the records as new rows (new primary keys); returns the framework."""
    saved: dict[tuple[type, int], int] = {}
    framework: Framework | None = None
    for record in records:
        foreign = {f"{name}_id": saved[target] for name, target in record.foreign.items()}
        instance = record.model._default_manager.create(**record.fields, **foreign)
        saved[(record.model, record.pk)] = instance.pk
        for name, (model, local_pks) in record.many.items():
            getattr(instance, name).set([saved[(model, local_pk)] for local_pk in local_pks])
        if isinstance(instance, Framework):
            framework = instance
    if not isinstance(framework, Framework):
        raise ValueError("The records hold no framework.")
    if framework.status == Framework.Status.PUBLISHED and framework.published_at is None:
        framework.published_at = timezone.now()
        framework.save(update_fields=["published_at"])
    return framework
