"""Turn a framework document into model records, and a framework in the database back into a
document. The same records feed the committed Django fixture and `create_framework`."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from frameworks.models import (
    NA_KINDS,
    Case,
    Dimension,
    EcosystemAdvice,
    FeatureScene,
    Framework,
    GlossaryTerm,
    Indicator,
    LevelDescriptor,
    ScenePrerequisite,
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


def _optional_texts(prefix: str, text) -> dict:
    return _texts(prefix, text or {"zh-hans": "", "en": ""})


def _criteria(level: dict) -> list[dict]:
    return [{"zh-hans": item["zh-hans"].strip(), "en": item["en"].strip()} for item in level.get("criteria") or []]


def _na_kinds(indicator: dict) -> list[str]:
    """A version-1 indicator has only `allows_na`: true meant N/A for every kind of region."""
    if "na_kinds" in indicator:
        return list(indicator["na_kinds"])
    return list(NA_KINDS) if indicator.get("allows_na") else []


class _Counter:
    def __init__(self, start: int = 1) -> None:
        self.next: defaultdict[type, int] = defaultdict(lambda: start)

    def __call__(self, model: type) -> int:
        pk = self.next[model]
        self.next[model] += 1
        return pk


def _questionnaire_records(document: dict, pk, framework_pk: int) -> Iterator[Record]:
    """Version-1 documents give exactly the fields they always gave (so version 1's fixture stays
    byte-identical); the version-2 fields are added for documents in the extended format."""
    extended = "aggregation" in document
    for dim_order, dim in enumerate(document["dimensions"], start=1):
        dim_pk = pk(Dimension)
        yield Record(Dimension, dim_pk, {
            "code": dim["code"], "order": dim.get("order", dim_order), "weight": float(dim["weight"]),
            "guide_section": dim.get("guide_section", ""), **_texts("name", dim["name"]),
            **_optional_texts("description", dim.get("description")),
            **(_optional_texts("rationale", dim.get("rationale")) if extended else {}),
        }, {"framework": (Framework, framework_pk)})
        for sub_order, sub in enumerate(dim["subdimensions"], start=1):
            sub_pk = pk(SubDimension)
            yield Record(SubDimension, sub_pk, {
                "code": sub["code"], "order": sub.get("order", sub_order),
                "guide_section": sub.get("guide_section", ""), **_texts("name", sub["name"]),
                **_texts("measures", sub["measures"]),
                **({"weight": float(sub.get("weight", 1)), **_optional_texts("rationale", sub.get("rationale"))}
                   if extended else {}),
            }, {"dimension": (Dimension, dim_pk)})
            for ind_order, ind in enumerate(sub["indicators"], start=1):
                ind_pk = pk(Indicator)
                kinds = _na_kinds(ind)
                yield Record(Indicator, ind_pk, {
                    "code": ind["code"], "order": ind.get("order", ind_order),
                    "weight": float(ind["weight"]), "allows_na": bool(kinds),
                    "guide_section": ind.get("guide_section", ""), **_texts("question", ind["question"]),
                    **_optional_texts("help", ind.get("help")),
                    **({"na_kinds": kinds, **_optional_texts("rationale", ind.get("rationale")),
                        **_optional_texts("guide_quote", ind.get("guide_quote"))} if extended else {}),
                }, {"subdimension": (SubDimension, sub_pk)})
                for level in ind["levels"]:
                    yield Record(LevelDescriptor, pk(LevelDescriptor), {
                        "level": level["level"], **_texts("text", level),
                        **({"criteria": _criteria(level)} if extended else {}),
                    }, {"indicator": (Indicator, ind_pk)})


def _recommendation_records(document: dict, pk, framework_pk: int, codes: dict) -> Iterator[Record]:
    recommendations = document.get("recommendations") or {}
    owner = {"framework": (Framework, framework_pk)}
    for kind, key in ((TierAdvice.Kind.STRATEGY, "strategies"), (TierAdvice.Kind.SCENE_STEP, "scene_steps")):
        for item in recommendations.get(key, []):
            yield Record(TierAdvice, pk(TierAdvice), {
                "kind": str(kind), "tier": item["tier"], "guide_section": item["guide_section"],
                **({"focus": list(item["focus"])} if item.get("focus") else {}),
                **_texts("title", item["title"]), **_texts("body", item["body"]),
            }, owner)
    for item in recommendations.get("scene_types", []):
        scene_pk = pk(SceneType)
        yield Record(SceneType, scene_pk, {
            "number": item["number"], "mature": item["mature"], "guide_section": item["guide_section"],
            **_texts("name", item["name"]), **_texts("description", item["description"]),
        }, owner, {"dimensions": (Dimension, [codes[code] for code in item["dimensions"]])})
        for prerequisite in item.get("prerequisites", []):
            yield Record(ScenePrerequisite, pk(ScenePrerequisite), {
                "indicator_code": prerequisite["indicator"], "level": prerequisite["level"],
                "guide_section": prerequisite["guide_section"],
            }, {"scene_type": (SceneType, scene_pk)})
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
            **({"city_type": item["city_type"]} if item.get("city_type") else {}),
            **_texts("title", item["title"]), **_texts("summary", item["summary"]),
        }, owner, {"subdimensions": (SubDimension, [codes[code] for code in item["subdimensions"]])})


def _glossary_records(document: dict, pk, framework_pk: int) -> Iterator[Record]:
    for entry in document.get("glossary") or []:
        yield Record(GlossaryTerm, pk(GlossaryTerm), {
            **_texts("term", entry), **_optional_texts("note", entry.get("note")),
        }, {"framework": (Framework, framework_pk)})


def document_records(document: dict, *, status: str, first_pk: int = 1) -> list[Record]:
    """All records of a (validated) document, with local primary keys starting at `first_pk` per
    model (each version's fixture takes its own range, so several versions load side by side)."""
    pk = _Counter(first_pk)
    framework_pk = pk(Framework)
    records = [Record(Framework, framework_pk, {
        "code": document["code"], "version": document.get("version", 1), "status": status,
        **_texts("name", document["name"]),
        "tier_advanced": float(document["tiers"]["advanced"]),
        "tier_intermediate": float(document["tiers"]["intermediate"]),
        "published_at": None,
        **({"aggregation": document["aggregation"]} if "aggregation" in document else {}),
    })]
    records += _questionnaire_records(document, pk, framework_pk)
    codes = {r.fields["code"]: r.pk for r in records if r.model in (Dimension, SubDimension)}
    records += _recommendation_records(document, pk, framework_pk, codes)
    records += _glossary_records(document, pk, framework_pk)
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
    """Save the records as new rows (new primary keys), one bulk insert per model with its history rows
    ("created", by the user of the request or of `versions._acting_as`), then the many-to-many links;
    returns the framework. A row at a time took 1.8 s for a version (a history query per row)."""
    saved: dict[tuple[type, int], models.Model] = {}
    user = _history_user()
    for model, group in _by_model(records):
        instances = [model(**_fields(record), **{f"{name}_id": saved[target].pk
                                                 for name, target in record.foreign.items()})
                     for record in group]
        if hasattr(model, "history"):
            instances = bulk_create_with_history(instances, model, default_user=user)
        else:
            instances = model._default_manager.bulk_create(instances)
        saved.update({(model, record.pk): instance for record, instance in zip(group, instances, strict=True)})
    for record in records:
        for name, (model, local_pks) in record.many.items():
            getattr(saved[(record.model, record.pk)], name).set([saved[(model, pk)].pk for pk in local_pks])
    framework = next((i for i in saved.values() if isinstance(i, Framework)), None)
    if framework is None:
        raise ValueError("The records hold no framework.")
    if framework.status == Framework.Status.PUBLISHED and framework.published_at is None:
        framework.published_at = timezone.now()
        framework.save(update_fields=["published_at"])
    return framework


def _fields(record: Record) -> dict:
    if record.model is Indicator and "na_kinds" not in record.fields:  # a version-1 document
        return {**record.fields, "na_kinds": list(NA_KINDS) if record.fields["allows_na"] else []}
    return record.fields


def _by_model(records: list[Record]) -> list[tuple[type[models.Model], list[Record]]]:
    """The records per model, models in the order they first appear: every document lists parents
    first, so each model's rows point only at rows of models before it (checked)."""
    order = {model: rank for rank, model in enumerate(dict.fromkeys(record.model for record in records))}
    for record in records:
        if any(order[target_model] >= order[record.model] for target_model, _ in record.foreign.values()):
            raise ValueError(f"{record.model.__name__} {record.pk} points at a row that is not saved before it")
    return [(model, [record for record in records if record.model is model]) for model in order]


def _history_user():
    """Who the history rows name: the signed-in user of the request django-simple-history's middleware
    exposes (or `versions._acting_as` sets), as a row saved one at a time would."""
    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if getattr(user, "is_authenticated", False) else None
