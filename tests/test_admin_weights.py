"""The weights table (issue 16, part 8): every weight of a version on one page, with its effective
share of the overall score and its reason; errors name the row and keep what was typed; an edit made
meanwhile by someone else is refused, never overwritten; a published version's table is read-only."""

import math
from fractions import Fraction

import pytest
from django.urls import reverse

from assessments.scoring import score_answers
from frameworks.models import Dimension, Framework, Indicator, SubDimension
from frameworks.spec import framework_spec
from frameworks.versions import new_draft_version
from frameworks.weights import effective_shares, save_weights, weight_rows
from tests.helpers import form_data_from_html

pytestmark = pytest.mark.django_db


def shares_of(framework: Framework) -> dict:
    return effective_shares(spec=framework_spec(framework=Framework.objects.with_questionnaire().get(pk=framework.pk)))


def test_shares_of_the_real_versions_are_exact_and_are_what_the_score_does(sodpa, sodpa_v2):
    v1, v2 = shares_of(sodpa), shares_of(sodpa_v2)
    # Version 1 (by indicators): S has indicator weights summing to 12.5, S1.2 weighs 1.5.
    assert v1[("dimension", "S")] == Fraction(1, 5)
    assert (v1[("indicator", "S1.1")], v1[("indicator", "S1.2")]) == (Fraction(2, 125), Fraction(3, 125))
    assert v1[("subdimension", "S1")] == Fraction(7, 125)  # its indicators' sum: its own weight does not count
    # Version 2 (by sub-dimensions): S has four sub-dimensions of weight 1; S1's indicators weigh 1, 1.5, 1.
    assert v2[("subdimension", "S1")] == Fraction(1, 20)
    assert (v2[("indicator", "S1.1")], v2[("indicator", "S1.2")]) == (Fraction(1, 70), Fraction(3, 140))
    for shares in (v1, v2):
        for level in ("dimension", "subdimension", "indicator"):
            assert sum(share for (kind, _), share in shares.items() if kind == level) == 1
    # An indicator's share is what it moves the overall score by: only it at level 4, the rest at 0.
    for framework, shares in ((sodpa, v1), (sodpa_v2, v2)):
        spec = framework_spec(framework=Framework.objects.with_questionnaire().get(pk=framework.pk))
        codes = [ind.code for ind in spec.indicators]
        for code in codes:
            card = score_answers(spec=spec, answers={other: 4 if other == code else 0 for other in codes})
            assert math.isclose(card.overall, float(shares[("indicator", code)]) * 100, abs_tol=1e-9), code


@pytest.fixture
def draft(sodpa, people):
    return new_draft_version(framework=sodpa, user=people["admin"])


@pytest.fixture
def editor(client, people):
    client.force_login(people["admin"])
    return client


def url(framework: Framework) -> str:
    return reverse("admin:frameworks_framework_weights", args=[framework.pk])


def indicator(framework: Framework, code: str) -> Indicator:
    return Indicator.objects.get(subdimension__dimension__framework=framework, code=code)


def prefix_of(data: dict, model_row) -> str:
    level = {Dimension: "dimension", SubDimension: "subdimension", Indicator: "indicator"}[type(model_row)]
    key = f"{level}:{model_row.pk}"
    return next(name.removesuffix("-key") for name, value in data.items() if value == key)


def test_one_page_shows_every_weight_its_share_and_reason_and_saves_edits(editor, draft, people,
                                                                           django_assert_num_queries):
    rows = weight_rows(framework=draft)
    assert len(rows) == 5 + SubDimension.objects.filter(dimension__framework=draft).count() + 60
    with django_assert_num_queries(11):
        page = editor.get(url(draft))
    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="level-indicator') == 60
    s11 = indicator(draft, "S1.1")
    assert f'id="row-indicator-{s11.pk}"' in html and "1.60 %" in html and "20.00 %" in html
    # The version's page links to it.
    change = editor.get(reverse("admin:frameworks_framework_change", args=[draft.pk])).content.decode()
    assert url(draft) in change

    data = form_data_from_html(html, "weights-form")
    prefix = prefix_of(data, s11)
    data.update({f"{prefix}-weight": "3", f"{prefix}-rationale_zh": "战略规划是起点，权重加倍。",
                 "change_reason": "专家评审意见"})
    response = editor.post(url(draft), data, follow=True)
    s11.refresh_from_db()
    assert (s11.weight, s11.rationale_zh) == (3, "战略规划是起点，权重加倍。")
    assert "S1.1" in response.content.decode()  # "Saved 1 changed rows: S1.1."
    record = s11.history.first()
    assert (record.history_user, record.history_change_reason) == (people["admin"], "专家评审意见")
    # S now carries 14.5 of indicator weight: S1.1's share is 3 / 14.5 of a fifth.
    assert "4.14 %" in response.content.decode()


def test_bad_values_are_refused_naming_the_row_and_keeping_what_was_typed(editor, draft):
    data = form_data_from_html(editor.get(url(draft)).content.decode(), "weights-form")
    s11, s1 = indicator(draft, "S1.1"), SubDimension.objects.get(dimension__framework=draft, code="S1")
    data[f"{prefix_of(data, s11)}-weight"] = "-2"
    data[f"{prefix_of(data, s1)}-weight"] = "abc"
    data[f"{prefix_of(data, s1)}-rationale_zh"] = "新的理由，保留"
    response = editor.post(url(draft), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="weight-problems"' in html
    problems = html.split('id="weight-problems"')[1].split("</ul>")[0]
    assert "S1.1" in problems and "-2" in problems and "S1 " in problems
    assert 'value="-2"' in html and 'value="abc"' in html and "新的理由，保留" in html
    s11.refresh_from_db()
    s1.refresh_from_db()
    assert (s11.weight, s1.weight, s1.rationale_zh) != (-2, "abc", "新的理由，保留") and s11.weight == 1


def test_an_edit_made_meanwhile_is_never_overwritten(editor, draft, people):
    stale = form_data_from_html(editor.get(url(draft)).content.decode(), "weights-form")
    s11 = indicator(draft, "S1.1")
    prefix = prefix_of(stale, s11)
    # Someone else saves S1.1 first (another tab, another editor).
    fresh = weight_rows(framework=draft)
    row = next(r for r in fresh if r.row.pk == s11.pk)
    save_weights(framework=draft, user=people["official"], edits={row.key: {
        "weight": 2.0, "rationale_zh": "", "rationale_en": "", "revision": row.revision}})
    stale[f"{prefix}-weight"] = "5"
    response = editor.post(url(draft), stale)
    html = response.content.decode()
    s11.refresh_from_db()
    assert s11.weight == 2  # theirs, not overwritten
    problems = html.split('id="weight-problems"')[1].split("</ul>")[0]
    assert "S1.1" in problems and 'value="5"' in html and "2.0" in html.split(f'id="row-indicator-{s11.pk}"')[1]
    # Saving again from the refused page (which now knows their value) keeps ours, deliberately.
    again = form_data_from_html(html, "weights-form")
    assert again[f"{prefix}-weight"] == "5"
    assert editor.post(url(draft), again).status_code == 302
    s11.refresh_from_db()
    assert s11.weight == 5


def test_a_published_version_is_read_only(editor, sodpa):
    page = editor.get(url(sodpa)).content.decode()
    assert 'id="weights-read-only"' in page and 'name="rows-TOTAL_FORMS"' not in page
    assert "1.60 %" in page
    s11 = indicator(sodpa, "S1.1")
    editor.post(url(sodpa), {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "1", "rows-0-key": f"indicator:{s11.pk}",
                             "rows-0-weight": "9"})
    s11.refresh_from_db()
    assert s11.weight == 1
