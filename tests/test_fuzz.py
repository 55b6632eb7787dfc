"""Arbitrary input never causes a server error: the questionnaire form and the import command
answer bad input with a message, and an import that fails writes nothing."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.importing import MAX_FILE_BYTES
from assessments.models import Answer, Assessment, Region
from tests.factories import AssessmentFactory

FIELD_NAMES = ["i_S1_1-level", "i_S1_1-evidence", "i_S1_1-rev", "i_S1_1-seen", "i_S1_1-seenev",
               "i_S4_1-level", "i_S2_1-level", "next", "save", "i_X9_9-level"]
fuzz_settings = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def editor(sodpa, people):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    client = Client()  # re-raises any server error, so the test sees it
    client.force_login(people["official"])
    return client, assessment


@fuzz_settings
@given(data=st.dictionaries(st.sampled_from(FIELD_NAMES),
                            st.one_of(st.text(max_size=30), st.integers(-10**12, 10**12).map(str),
                                      st.sampled_from(["", "na", "4", "0", "-1", "5", "1e9", "２"])),
                            max_size=len(FIELD_NAMES)))
@pytest.mark.django_db
def test_the_questionnaire_never_fails_on_arbitrary_form_data(editor, data):
    client, assessment = editor
    response = client.post(reverse("questionnaire", args=[assessment.pk]) + "?step=S", data)
    assert response.status_code in (302, 400, 409)
    if response.status_code == 400:
        form = response.context["form"]
        assert form.errors and all(name in form.fields or name == "__all__" for name in form.errors)
    for answer in Answer.objects.filter(assessment=assessment):
        assert answer.not_applicable or answer.level is None or 0 <= answer.level <= 4


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=12,
)
answer_documents = st.fixed_dictionaries(
    {},
    optional={
        "framework": st.sampled_from(["sodpa-2023", "other", 3]),
        "region": st.one_of(json_values, st.fixed_dictionaries({"name": st.text(max_size=6),
                                                                 "kind": st.sampled_from(["city", "park", "x"]),
                                                                 "city_type": st.sampled_from(["port", "y"])})),
        "answers": st.one_of(json_values, st.dictionaries(st.sampled_from(["S1.1", "S4.1", "Z9.9", ""]), json_values)),
        "evidence": json_values,
        "submit": json_values,
        "title": json_values,
    },
)


def counts():
    return Region.objects.count(), Assessment.objects.count(), Answer.objects.count()


@fuzz_settings
@given(document=st.one_of(answer_documents, json_values))
@pytest.mark.django_db
def test_import_answers_never_fails_on_arbitrary_json(sodpa, tmp_path_factory, document):
    path = Path(tmp_path_factory.mktemp("fuzz")) / "answers.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = counts()
    try:
        call_command("import_answers", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError as error:
        assert str(error).strip() and counts() == before
    else:
        assert counts() != before


@fuzz_settings
@given(text=st.text(max_size=200))
@pytest.mark.django_db
def test_import_answers_never_fails_on_arbitrary_csv(sodpa, tmp_path_factory, text):
    path = Path(tmp_path_factory.mktemp("fuzz")) / "answers.csv"
    path.write_text(text, encoding="utf-8")
    before = counts()
    try:
        call_command("import_answers", str(path), "--region", "模糊测试区", "--kind", "park", "--city-type", "port",
                     stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError as error:
        assert str(error).strip() and counts() == before


@pytest.mark.django_db
def test_oversized_and_disguised_files_are_refused(sodpa, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"indicator,level,evidence\n" + b"S1.1,1," + b"x" * (MAX_FILE_BYTES + 1) + b"\n")
    with pytest.raises(CommandError, match="limited to 5 MB"):
        call_command("import_answers", str(big), "--region", "R", "--kind", "park", "--city-type", "port")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("indicator,level\nS1.1,3\n")
    with pytest.raises(CommandError, match="not an Excel workbook"):
        call_command("import_answers", str(fake), "--region", "R", "--kind", "park", "--city-type", "port")
    assert counts() == (0, 0, 0)


form_text = st.one_of(st.text(max_size=40), st.sampled_from(["", "2026-13-45", "2027-06-30", "S1.1", "4", "-1",
                                                             "planned", "x" * 6000, "<script>", "=1+1"]))
SMALL_FORMS = {
    "plan_add": ["plan-action", "plan-owner", "plan-target_date", "plan-indicator", "plan-target_level",
                 "plan-status"],
    "comment": ["text"],
    "reopen": ["note"],
    "api_tokens": ["name"],
}


@fuzz_settings
@given(name=st.sampled_from(sorted(SMALL_FORMS)), data=st.data())
@pytest.mark.django_db
def test_every_small_form_answers_arbitrary_input_with_a_page_or_a_message(sodpa, people, name, data):
    """Plan items, comments, reopening notes, token names: never a server error; a refused plan
    form names the field."""
    from assessments.models import PlanItem

    assessment = AssessmentFactory(region=people["own"], framework=sodpa,
                                   status=Assessment.Status.SUBMITTED if name == "reopen" else "draft")
    client = Client()
    client.force_login(people["consultant" if name == "reopen" else "official"])
    fields = SMALL_FORMS[name]
    posted = {field: data.draw(form_text, label=field) for field in fields}
    url = reverse(name) if name == "api_tokens" else reverse(name, args=[assessment.pk])
    response = client.post(url, posted)
    assert response.status_code in (200, 302, 400)
    if name == "plan_add" and response.status_code in (200, 400) and response.context is not None:
        form = response.context.get("plan_form")
        if form is not None and form.errors:
            assert {f"plan-{field}" for field in form.errors} <= set(fields) | {"plan-__all__"}
            assert not PlanItem.objects.filter(assessment=assessment).exists()
