"""Downloads: file names, a bad `part`, read-only. Who gets which file is the rule table's
(tests/test_access_rules.py)."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(small_framework, people):
    submitted = AssessmentFactory(region=people["own"], framework=small_framework, title="Own submitted",
                                  status=Assessment.Status.SUBMITTED)
    fill(submitted, 3)
    draft = AssessmentFactory(region=people["own"], framework=small_framework, title="Own draft")
    other = AssessmentFactory(region=people["other"], framework=small_framework, title="Other draft")
    fill(other, 1, skip=5)
    return {**people, "submitted": submitted, "draft": draft, "other_draft": other}


def test_download_file_names_keep_the_chinese_region_name(client, setup):
    client.force_login(setup["consultant"])
    pk = setup["submitted"].pk
    response = client.get(reverse("assessment_export_csv", args=[pk]) + "?part=scores")
    assert response["Content-Disposition"] == (
        f'attachment; filename="sodpa-assessment-{pk}-scores.csv"; '
        f"filename*=UTF-8''%E8%8B%8F%E5%B7%9E%E5%B7%A5%E4%B8%9A%E5%9B%AD%E5%8C%BA-Own%20submitted-{pk}-scores.csv")
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_csv_part_is_a_bad_request_but_only_inside_the_scope(client, setup):
    client.force_login(setup["consultant"])
    assert client.get(reverse("assessment_export_csv", args=[setup["draft"].pk]) + "?part=all").status_code == 400
    assert client.get(reverse("assessment_export_csv", args=[setup["other_draft"].pk]) + "?part=all"
                      ).status_code == 404
    assert client.get(reverse("portfolio_export_csv") + "?part=all").status_code == 400


def test_downloads_are_read_only(client, setup):
    client.force_login(setup["consultant"])
    assert client.post(reverse("assessment_export_xlsx", args=[setup["draft"].pk])).status_code == 405
    assert client.post(reverse("portfolio_export_csv")).status_code == 405


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068",
                                  "\u2069", "\u200e", "\u200f", "\u200b", "\u061c", "\ufeff"])
def test_download_file_names_drop_bidi_and_other_invisible_characters(client, setup, char):
    """A right-to-left override in a title would show "…‮vsc.exe" as "…exe.csv" in the save dialog."""
    from urllib.parse import unquote

    setup["submitted"].title = f"Own{char}submitted{char}exe"
    setup["submitted"].save()
    setup["own"].name = f"苏州{char}工业园区"
    setup["own"].save()
    client.force_login(setup["consultant"])
    pk = setup["submitted"].pk
    urls = [reverse("assessment_export_csv", args=[pk]) + "?part=scores"]
    if char == "\u202e":
        urls.append(reverse("report_pdf", args=[pk]) + "?lang=en")
    for url in urls:
        header = client.get(url)["Content-Disposition"]
        name = unquote(header.split("filename*=UTF-8''")[1])
        assert char not in name and char not in header
        assert name.startswith("苏州工业园区-Own") and "submitted" in name
