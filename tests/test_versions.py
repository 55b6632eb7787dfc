"""Framework versions (issue 5): a published version is never edited in place; a new draft copies it,
the admin edits and publishes the draft after a preview; submitted assessments keep their version,
scores and reports; history records who changed what; import/export round-trips; draft assessments
move to a new version by indicator code."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.reports import report_html, report_state_key
from frameworks.export import export_document
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
from frameworks.versions import FrameworkInvalid, VersionError, new_draft_version, publish
from tests.factories import AssessmentFactory, UserFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db

CODE = "sodpa-2023"
# How each model reaches its framework version.
OWNERS = {
    Dimension: "framework",
    SubDimension: "dimension__framework",
    Indicator: "subdimension__dimension__framework",
    LevelDescriptor: "indicator__subdimension__dimension__framework",
    TierAdvice: "framework",
    SceneType: "framework",
    FeatureScene: "framework",
    EcosystemAdvice: "framework",
    Case: "framework",
}


def counts(framework: Framework) -> dict[str, int]:
    return {model.__name__: model.objects.filter(**{owner: framework}).count() for model, owner in OWNERS.items()}


def links(framework: Framework) -> dict[str, dict[int, list[str]]]:
    return {
        "scene_types": {s.number: [d.code for d in s.dimensions.all()]
                        for s in SceneType.objects.filter(framework=framework).prefetch_related("dimensions")},
        "cases": {c.number: [s.code for s in c.subdimensions.all()]
                  for c in Case.objects.filter(framework=framework).prefetch_related("subdimensions")},
    }


def row_counts() -> dict[str, int]:
    """Rows of every table of the project (history tables included)."""
    return {model._meta.label: model.objects.count()
            for app in ("frameworks", "assessments") for model in apps.get_app_config(app).get_models()}


def indicator(framework: Framework, code: str) -> Indicator:
    return Indicator.objects.get(subdimension__dimension__framework=framework, code=code)


def without_version(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in ("version", "status")}


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def admin_client(client, people):
    client.force_login(people["admin"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def admin_form_data(response) -> dict:
    """What the admin change page as rendered would post: the form and its inline formsets."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def form_errors(response) -> dict[str, list[str]]:
    """The change page's errors, by field (inline fields with their prefix)."""
    errors = {name: list(messages) for name, messages in response.context["adminform"].form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            errors.update({f"{form.prefix}-{name}": list(messages) for name, messages in form.errors.items()})
    return errors


def change_url(obj) -> str:
    return reverse(f"admin:frameworks_{obj._meta.model_name}_change", args=[obj.pk])


def post_change(client, obj, **changes):
    data = admin_form_data(client.get(change_url(obj)))
    data.update({name: str(value) for name, value in changes.items()})
    return client.post(change_url(obj), data)


# --- new draft version -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_new_draft_copies_everything_as_the_next_version(sodpa, people):
    before = export_document(framework=sodpa)
    draft = new_draft_version(framework=sodpa, user=people["admin"])
    assert (draft.code, draft.version, draft.status, draft.published_at) == (CODE, 2, "draft", None)
    assert counts(draft) == counts(sodpa) == {
        "Dimension": 5, "SubDimension": 20, "Indicator": 60, "LevelDescriptor": 300, "TierAdvice": 6,
        "SceneType": 8, "FeatureScene": 4, "EcosystemAdvice": 3, "Case": 13}
    assert links(draft) == links(sodpa)
    # Links point at the draft's own rows, never at the published version's.
    assert not SceneType.objects.filter(framework=draft).exclude(dimensions__framework=draft).exists()
    assert not Case.objects.filter(framework=draft).exclude(subdimensions__dimension__framework=draft).exists()
    assert without_version(export_document(framework=draft)) == without_version(before)
    assert export_document(framework=sodpa) == before
    # The copy is in the history, by the admin who made it.
    assert Indicator.history.filter(history_type="+", history_user=people["admin"]).count() == 60
    # The next copy is version 3, whichever version it is made from.
    assert new_draft_version(framework=sodpa).version == 3


# --- the admin: published versions are read-only -------------------------------------------------


@pytest.mark.parametrize("model", [Framework, Dimension, SubDimension, Indicator, TierAdvice, SceneType, Case])
def test_a_published_version_refuses_change_and_delete_in_the_admin(admin_client, sodpa, model):
    obj = sodpa if model is Framework else model.objects.filter(**{OWNERS[model]: sodpa}).first()
    before, document = row_counts(), export_document(framework=sodpa)
    page = admin_client.get(change_url(obj))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown read-only
    assert admin_client.post(change_url(obj), {"weight": "9", "code": "X", "name_zh": "改"}).status_code == 403
    delete = reverse(f"admin:frameworks_{model._meta.model_name}_delete", args=[obj.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert row_counts() == before
    assert export_document(framework=sodpa) == document


def test_a_published_row_cannot_be_reverted_from_its_history(admin_client, sodpa):
    draft = new_draft_version(framework=sodpa)
    target = indicator(draft, "S1.2")
    assert post_change(admin_client, target, weight=2).status_code == 302
    assert publish(framework=draft).is_published
    record = target.history.last()  # as created, weight 1.5
    url = reverse("admin:frameworks_indicator_simple_history", args=[target.pk, record.history_id])
    assert admin_client.get(url).status_code == 200
    data = {"subdimension": target.subdimension_id, "code": "S1.2", "order": 2, "weight": "1.5",
            "guide_section": target.guide_section, "question_zh": "改", "question_en": "Changed"}
    assert admin_client.post(url, data).status_code == 403
    target.refresh_from_db()
    assert (target.weight, target.history.count()) == (2, 2)


def test_bulk_delete_of_a_published_version_is_refused(admin_client, sodpa):
    before = row_counts()
    response = admin_client.post(reverse("admin:frameworks_framework_changelist"),
                                 {"action": "delete_selected", "_selected_action": [sodpa.pk], "post": "yes"})
    assert response.status_code == 403
    assert row_counts() == before


def test_a_published_version_offers_no_inline_add_or_edit(admin_client, sodpa):
    sub = SubDimension.objects.get(dimension__framework=sodpa, code="S1")
    page = admin_client.get(change_url(sub))
    formset = page.context["inline_admin_formsets"][0]
    assert (formset.has_add_permission, formset.has_change_permission, formset.has_delete_permission) == (
        False, False, False)


# --- the admin: invalid edits are refused with messages naming the field -------------------------


TIERS = ("The thresholds must satisfy 0 < intermediate < advanced ≤ 100: intermediate threshold 50, "
         "advanced threshold 40.")


@pytest.mark.parametrize(
    ("target", "changes", "expected"),
    [
        ("framework", {"tier_intermediate": 50, "tier_advanced": 40},
         {"tier_intermediate": [TIERS], "tier_advanced": [TIERS]}),
        ("framework", {"tier_intermediate": 0, "tier_advanced": 70},
         {"tier_intermediate": ["The thresholds must satisfy 0 < intermediate < advanced ≤ 100: intermediate "
                                "threshold 0, advanced threshold 70."] * 1,
          "tier_advanced": ["The thresholds must satisfy 0 < intermediate < advanced ≤ 100: intermediate "
                            "threshold 0, advanced threshold 70."]}),
        ("framework", {"dimensions-0-weight": 0}, {"dimensions-0-weight": ["The weight must be positive, got 0."]}),
        ("S1.2", {"weight": 0}, {"weight": ["The weight must be positive, got 0."]}),
        ("S1.2", {"weight": -1.5}, {"weight": ["The weight must be positive, got -1.5."]}),
        ("S1.2", {"code": "S2.1"},
         {"code": ["The indicator code “S2.1” is already used in this framework version (sub-dimension S2)."]}),
        ("S1", {"indicators-1-code": "S3.3"},
         {"indicators-1-code": [
             "The indicator code “S3.3” is already used in this framework version (sub-dimension S3)."]}),
        ("S1", {"indicators-1-weight": 0}, {"indicators-1-weight": ["The weight must be positive, got 0."]}),
        ("D", {"code": "O"}, {"code": ["The dimension code “O” is already used in this framework version."]}),
        ("framework", {"dimensions-2-code": "P"},
         {"dimensions-2-code": ["The dimension code “P” is already used in this framework version."]}),
        ("D", {"subdimensions-0-code": "S2"},
         {"subdimensions-0-code": [
             "The sub-dimension code “S2” is already used in this framework version (dimension S)."]}),
    ],
)
def test_invalid_edits_of_a_draft_are_refused_naming_the_field(admin_client, sodpa, target, changes, expected):
    draft = new_draft_version(framework=sodpa)
    obj = {"framework": draft}.get(target) or (
        Indicator.objects.filter(subdimension__dimension__framework=draft, code=target).first()
        or SubDimension.objects.filter(dimension__framework=draft, code=target).first()
        or Dimension.objects.get(framework=draft, code=target))
    before, document = row_counts(), export_document(framework=draft)
    response = post_change(admin_client, obj, **changes)
    assert response.status_code == 200
    assert form_errors(response) == expected
    assert row_counts() == before
    assert export_document(framework=draft) == document


def test_errors_are_translated(client, people, sodpa):
    client.force_login(people["admin"])
    draft = new_draft_version(framework=sodpa)
    response = post_change(client, indicator(draft, "S1.2"), weight=0)
    assert form_errors(response) == {"weight": ["权重必须为正数，当前为 0。"]}


def test_a_valid_edit_of_a_draft_is_saved_and_the_history_says_who_changed_what(admin_client, sodpa, people):
    draft = new_draft_version(framework=sodpa)
    target = indicator(draft, "S1.2")
    response = post_change(admin_client, target, weight=2.5, question_en="Is the strategy written down?")
    assert response.status_code == 302, form_errors(response)
    target.refresh_from_db()
    assert (target.weight, target.question_en) == (2.5, "Is the strategy written down?")
    latest, previous = target.history.all()[:2]
    assert latest.history_type == "~"
    assert latest.history_user == people["admin"]
    delta = latest.diff_against(previous)
    assert sorted((c.field, c.old, c.new) for c in delta.changes) == [
        ("question_en", previous.question_en, "Is the strategy written down?"), ("weight", 1.5, 2.5)]
    page = admin_client.get(reverse("admin:frameworks_indicator_history", args=[target.pk]))
    assert page.status_code == 200
    assert "admin" in page.content.decode() and "2.5" in page.content.decode()


def test_threshold_edit_through_the_framework_page_is_in_the_history(admin_client, sodpa, people):
    draft = new_draft_version(framework=sodpa)
    response = post_change(admin_client, draft, tier_intermediate=45, tier_advanced=75)
    assert response.status_code == 302, form_errors(response)
    latest = draft.history.first()
    assert (latest.tier_intermediate, latest.tier_advanced, latest.history_user) == (45, 75, people["admin"])
    assert latest.prev_record.tier_advanced == 70


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_a_draft_with_four_descriptors_fails_naming_the_indicator(admin_client, sodpa):
    draft = new_draft_version(framework=sodpa)
    LevelDescriptor.objects.filter(indicator=indicator(draft, "D2.3"), level=4).delete()
    problem = "D2.3: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order"
    with pytest.raises(FrameworkInvalid) as error:
        publish(framework=draft)
    assert error.value.problems == [problem]
    # The admin's publish page refuses too, and says why.
    response = admin_client.post(reverse("admin:frameworks_framework_publish", args=[draft.pk]), {"confirm": "1"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"{draft} cannot be published until these problems are fixed:", problem]
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == ("draft", None)


@pytest.mark.postgres
def test_publishing_names_every_problem_and_refuses_a_published_version(sodpa):
    draft = new_draft_version(framework=sodpa)
    LevelDescriptor.objects.filter(indicator=indicator(draft, "S1.1"), level=0).delete()
    LevelDescriptor.objects.filter(indicator=indicator(draft, "A1.1"), level=2).update(text_en="")
    SubDimension.objects.filter(dimension__framework=draft, code="P3").update(measures_zh=" ")
    with pytest.raises(FrameworkInvalid) as error:
        publish(framework=draft)
    assert error.value.problems == ["S1.1: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order",
                                    "P3: measures.zh-hans is missing or empty",
                                    "A1.1: levels[2].en is missing or empty"]
    assert Framework.objects.get(pk=draft.pk).status == "draft"
    with pytest.raises(VersionError, match="sodpa-2023 v1 已发布"):
        publish(framework=sodpa)


# --- THE DONE-WHEN: a weight changed in a new published version ---------------------------------


def answer_all(assessment: Assessment, *, level: int, exceptions: dict[str, int]) -> None:
    for ind in fill(assessment, level):
        if ind.code in exceptions:
            Answer.objects.filter(assessment=assessment, indicator=ind).update(level=exceptions[ind.code])


def score_json(assessment_id: int, *extra) -> str:
    return run("score", assessment_id, "--format", "json", *extra)


@pytest.mark.postgres
def test_a_new_weight_changes_only_assessments_submitted_afterwards(admin_client, client, sodpa, people):
    own, other = people["own"], people["other"]
    # Submitted under version 1: S1.1 "4", everything else "2"; the other region all "3".
    old = AssessmentFactory(region=own, framework=sodpa, title="2025 年度自评估", status="submitted",
                            submitted_at=timezone.now() - timezone.timedelta(days=30))
    answer_all(old, level=2, exceptions={"S1.1": 4})
    steady = AssessmentFactory(region=other, framework=sodpa, title="黄山 2025", status="submitted",
                               submitted_at=timezone.now() - timezone.timedelta(days=20))
    answer_all(steady, level=3, exceptions={})
    scores_before = {a.pk: score_json(a.pk) for a in (old, steady)}
    # The report's HTML is what WeasyPrint typesets, byte for byte: the same HTML is the same PDF, and
    # comparing it spares two typesettings of the real framework (about 5 s each).
    report_before = report_html(assessment=old, language="zh-hans")
    key_before = report_state_key(assessment=old, language="zh-hans")
    # v1 (S1.1 weight 1; S1 weights 1 + 1.5 + 1; S weights 12.5; five dimensions of weight 1):
    # S = (100 + 11.5 × 50) / 12.5 = 54, overall = (54 + 4 × 50) / 5 = 50.8
    assert json.loads(scores_before[old.pk])["overall"] == {"score": 50.8, "tier": "intermediate"}

    # The admin copies v1, sets S1.1's weight to 3 in the draft and publishes it after the preview.
    changelist = reverse("admin:frameworks_framework_changelist")
    response = admin_client.post(changelist, {"action": "create_draft_version", "_selected_action": [sodpa.pk]})
    assert response.status_code == 302
    draft = Framework.objects.get(code=CODE, version=2, status="draft")
    target = indicator(draft, "S1.1")
    assert post_change(admin_client, target, weight=3).status_code == 302
    latest = target.history.first()
    assert (latest.weight, latest.prev_record.weight, latest.history_user) == (3, 1, people["admin"])

    response = admin_client.post(changelist, {"action": "publish_version", "_selected_action": [draft.pk]})
    preview_url = reverse("admin:frameworks_framework_publish", args=[draft.pk])
    assert response.status_code == 302 and response.url == preview_url
    editor_preview = admin_client.get(preview_url)  # a framework editor: no region's scores
    assert editor_preview.status_code == 200 and editor_preview.context["rows"] == []
    assert 'id="preview-hidden"' in editor_preview.content.decode()
    assert "苏州工业园区" not in editor_preview.content.decode()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    preview = Client(HTTP_ACCEPT_LANGUAGE="en")
    preview.force_login(root)
    preview = preview.get(preview_url)
    assert preview.status_code == 200
    assert [t.name for t in preview.templates][0] == "admin/frameworks/publish_preview.html"
    rows = {row["region"].name: row for row in preview.context["rows"]}
    # the editor learns how many regions change tier (the superuser's list, without the names)
    assert editor_preview.context["tier_change_count"] == len(preview.context["tier_changes"])
    assert editor_preview.context["regions"] == len(rows)
    assert [c["code"] for c in preview.context["columns"]] == ["overall", "S", "O", "D", "P", "A"]
    s_new = 875 / 14.5  # (3 × 100 + 11.5 × 50) / 14.5
    assert [(c["old"], c["old_tier"], c["new"], c["new_tier"]) for c in rows["苏州工业园区"]["cells"]] == [
        ("50.80", "Intermediate", f"{(s_new + 200) / 5:.2f}", "Intermediate"),
        ("54.00", "Intermediate", f"{s_new:.2f}", "Intermediate"),
        *[("50.00", "Intermediate", "50.00", "Intermediate")] * 4,
    ]
    assert rows["黄山市"]["changed"] is False
    assert Framework.objects.get(pk=draft.pk).status == "draft"  # the preview changes nothing
    assert admin_client.post(preview_url, {"confirm": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    assert draft.history.first().history_user == people["admin"]

    # Submitted assessments: the same `score` output, the same report text, still on version 1.
    assert {a.pk: score_json(a.pk) for a in (old, steady)} == scores_before
    assert Assessment.objects.get(pk=old.pk).framework_id == sodpa.pk
    assert report_state_key(assessment=old, language="zh-hans") == key_before
    assert report_html(assessment=old, language="zh-hans") == report_before

    # A new assessment is created on version 2 and scores as the hand computation predicts.
    client.force_login(people["official"])
    client.post(reverse("create_assessment", args=[own.pk]), {"title": "2026 年度自评估"})
    new = Assessment.objects.get(title="2026 年度自评估")
    assert new.framework_id == draft.pk
    answer_all(new, level=2, exceptions={"S1.1": 4})
    assert client.post(reverse("submit", args=[new.pk])).status_code == 302
    assert Assessment.objects.get(pk=new.pk).status == "submitted"
    data = json.loads(score_json(new.pk))
    assert (data["version"], data["overall"]) == (2, {"score": (s_new + 200) / 5, "tier": "intermediate"})
    assert data["dimensions"]["S"]["score"] == s_new
    assert data["dimensions"]["S"]["subdimensions"]["S1"] == 425 / 5.5  # (3 × 100 + 1.5 × 50 + 50) / 5.5
    assert data["dimensions"]["O"] == json.loads(scores_before[old.pk])["dimensions"]["O"]

    # `score --what-if 2` of the old assessment shows the new weight's scores and changes nothing.
    before = row_counts()
    out, err = io.StringIO(), io.StringIO()
    call_command("score", old.pk, "--format", "json", "--what-if", "2", stdout=out, stderr=err)
    what_if = json.loads(out.getvalue())
    assert what_if == {**data, "assessment": old.pk}
    assert err.getvalue().strip() == (f"what-if: assessment {old.pk} ({CODE} v1, submitted) scored under "
                                      f"{CODE} v2 (published); nothing was changed")
    table = run("score", old.pk, "--what-if", "2").splitlines()
    assert table[0] == (f"what-if: assessment {old.pk} ({CODE} v1, submitted) scored under {CODE} v2 "
                        "(published); nothing was changed")
    assert table[1].startswith(f"苏州工业园区 – 2025 年度自评估 — {CODE} v2, ")
    assert f"overall {(s_new + 200) / 5:7.2f}  intermediate" in table
    assert row_counts() == before
    assert Assessment.objects.get(pk=old.pk).framework_id == sodpa.pk
    assert score_json(old.pk) == scores_before[old.pk]


def test_what_if_refuses_an_unknown_version(sodpa):
    assessment = AssessmentFactory(framework=sodpa)
    with pytest.raises(CommandError, match=f"^No version 7 of framework {CODE}$"):
        run("score", assessment.pk, "--what-if", "7")


# --- import_framework ----------------------------------------------------------------------------


@pytest.fixture
def exported(sodpa, tmp_path) -> dict:
    return json.loads(run("export_framework", CODE))


def write(tmp_path: Path, document: dict, name: str = "edited.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def edited(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["tiers"] = {"advanced": 75, "intermediate": 45}
    s1 = document["dimensions"][0]["subdimensions"][0]
    s1["indicators"][0]["weight"] = 2.5
    s1["indicators"][1]["question"]["en"] += " (revised)"
    s1["indicators"][1]["levels"][3]["zh-hans"] = "已形成书面规划并逐年评估。"
    document["recommendations"]["cases"][0]["subdimensions"] = ["S1", "D2"]
    return document


@pytest.mark.postgres
def test_export_edit_import_round_trips_exactly(exported, tmp_path):
    document = edited(exported)
    document["version"] = 42  # the file's own number does not matter
    out = run("import_framework", write(tmp_path, document))
    assert out.strip() == f"imported {tmp_path / 'edited.json'} as {CODE} v2 (draft)"
    reexported = json.loads(run("export_framework", CODE, "--framework-version", 2))
    assert (reexported["version"], reexported["status"]) == (2, "draft")
    assert without_version(reexported) == without_version(document)
    assert links(Framework.objects.get(code=CODE, version=2))["cases"][1] == ["S1", "D2"]
    # v1 is untouched, and --publish publishes the next import.
    assert json.loads(run("export_framework", CODE, "--framework-version", 1)) == exported
    out = run("import_framework", write(tmp_path, document), "--publish")
    assert out.strip() == f"imported {tmp_path / 'edited.json'} as {CODE} v3 (published)"
    assert Framework.objects.latest_published(CODE).version == 3
    assert without_version(json.loads(run("export_framework", CODE))) == without_version(document)


def _zero_weight(document):
    document["dimensions"][1]["subdimensions"][0]["indicators"][1]["weight"] = 0


def _duplicate_code(document):
    document["dimensions"][2]["subdimensions"][1]["indicators"][0]["code"] = "S1.1"


def _four_levels(document):
    document["dimensions"][4]["subdimensions"][3]["indicators"][2]["levels"].pop()


def _swapped_tiers(document):
    document["tiers"] = {"advanced": 40, "intermediate": 50}


@pytest.mark.parametrize(
    ("breakages", "problems"),
    [
        ([_zero_weight], ["O1.2: weight must be a positive number, got 0"]),
        ([_duplicate_code], ["S1.1: indicator code is used twice"]),
        ([_four_levels], ["A4.3: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order"]),
        ([_swapped_tiers],
         ["tiers: thresholds must satisfy 0 < intermediate < advanced ≤ 100, got intermediate=50, advanced=40"]),
        ([_zero_weight, _duplicate_code, _four_levels],
         ["O1.2: weight must be a positive number, got 0", "S1.1: indicator code is used twice",
          "A4.3: levels must be exactly five descriptors for levels 0, 1, 2, 3, 4 in order"]),
    ],
)
@pytest.mark.postgres
def test_an_invalid_file_is_refused_naming_each_problem_and_nothing_is_written(exported, tmp_path, breakages,
                                                                               problems):
    document = copy.deepcopy(exported)
    for breakage in breakages:
        breakage(document)
    path = write(tmp_path, document)
    before = row_counts()
    with pytest.raises(CommandError) as error:
        run("import_framework", path, "--publish")
    assert str(error.value) == (f"{path}: {len(problems)} problem(s), nothing was imported:\n  "
                                + "\n  ".join(problems))
    assert row_counts() == before


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not a JSON file"),
    ("[1, 2]", "1 problem(s), nothing was imported:\n  document: the file must hold one JSON object"),
    ('{"code": "sodpa-2023", "name": {"zh-hans": "框架", "en": "Framework"}, "dimensions": [1]}',
     "1 problem(s), nothing was imported:\n  document: malformed content (AttributeError: "),
])
def test_a_malformed_file_is_refused(sodpa, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("import_framework", path)
    assert row_counts() == before


# --- moving draft assessments --------------------------------------------------------------------


@pytest.fixture
def version_two(exported, tmp_path) -> Framework:
    """v2 without S1.3, with a new S1.4, and S4.1 no longer allowing "not applicable"."""
    document = copy.deepcopy(exported)
    s1 = document["dimensions"][0]["subdimensions"][0]
    removed = s1["indicators"].pop(2)
    s1["indicators"].append({**copy.deepcopy(removed), "code": "S1.4", "order": 4})
    document["dimensions"][0]["subdimensions"][3]["indicators"][0]["allows_na"] = False
    run("import_framework", write(tmp_path, document, "v2.json"), "--publish")
    return Framework.objects.get(code=CODE, version=2)


@pytest.mark.postgres
def test_a_draft_assessment_moves_with_its_answers_by_indicator_code(sodpa, people, version_two):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 3)
    Answer.objects.filter(assessment=assessment, indicator__code="S4.1").update(level=None, not_applicable=True)
    Answer.objects.filter(assessment=assessment, indicator__code="A1.1").update(evidence="《规划》")
    out = run("move_assessment", assessment.pk, "--framework-version", 2)
    assert out.splitlines() == [
        f"moved assessment {assessment.pk} from {CODE} v1 to v2: 58 answers carried over",
        "new indicators, unanswered: S1.4",
        "removed indicators: S1.3",
        "answers deleted: S1.3, S4.1",
    ]
    assessment.refresh_from_db()
    assert assessment.framework_id == version_two.pk
    answers = Answer.objects.filter(assessment=assessment).select_related("indicator__subdimension__dimension")
    assert {a.indicator.subdimension.dimension.framework_id for a in answers} == {version_two.pk}
    assert len(answers) == 58
    assert {a.indicator.code for a in answers} == (
        set(Indicator.objects.filter(subdimension__dimension__framework=version_two).values_list("code", flat=True))
        - {"S1.4", "S4.1"})
    assert Answer.objects.get(assessment=assessment, indicator__code="A1.1").evidence == "《规划》"
    assert json.loads(score_json(assessment.pk))["completion"] == 58 / 60


@pytest.mark.postgres
def test_a_submitted_assessment_is_never_moved(sodpa, people, version_two):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa, status="submitted",
                                   submitted_at=timezone.now())
    fill(assessment, 2)
    before, score_before = row_counts(), score_json(assessment.pk)
    with pytest.raises(CommandError) as error:
        run("move_assessment", assessment.pk, "--framework-version", 2)
    assert str(error.value) == (f"Assessment {assessment.pk} is submitted: it keeps the version it was submitted "
                                "under. Only draft assessments can be moved.")
    assert row_counts() == before
    assert Assessment.objects.get(pk=assessment.pk).framework_id == sodpa.pk
    assert score_json(assessment.pk) == score_before


def test_a_draft_assessment_only_moves_to_another_published_version(sodpa, people):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    draft = new_draft_version(framework=sodpa)
    with pytest.raises(CommandError, match=f"^{CODE} v2 is not published: assessments can only move to a "
                                           "published version.$"):
        run("move_assessment", assessment.pk, "--framework-version", draft.version)
    with pytest.raises(CommandError, match=f"^Assessment {assessment.pk} already uses {CODE} v1.$"):
        run("move_assessment", assessment.pk, "--framework-version", 1)
    with pytest.raises(CommandError, match=f"^No version 9 of framework {CODE}$"):
        run("move_assessment", assessment.pk, "--framework-version", 9)
    assert Assessment.objects.get(pk=assessment.pk).framework_id == sodpa.pk
