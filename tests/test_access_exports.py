"""Role × download × own/other region for the data exports and the portfolio (the scope matrix of
test_access.py): anonymous → the sign-in page; the region's official, consultant and admin → the
file; anyone else (the admin included) → 404, the data not disclosed."""

import io

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db

ROLES = ["official", "other_official", "consultant", "other_consultant", "admin", "nobody"]
# the admin (a framework editor) and superusers see no region they are not a member of or assigned to
SEES_OWN = {"official", "consultant"}
SEES_OTHER = {"other_official", "other_consultant"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# url name, query string, content type
ASSESSMENT_DOWNLOADS = [
    ("assessment_export_xlsx", "", XLSX),
    ("assessment_export_csv", "?part=answers", "text/csv; charset=utf-8"),
    ("assessment_export_csv", "?part=scores", "text/csv; charset=utf-8"),
]
PORTFOLIO_URLS = [("portfolio", ""), ("portfolio_export_xlsx", ""), ("portfolio_export_csv", "?part=answers"),
                  ("portfolio_export_csv", "?part=scores")]


@pytest.fixture
def setup(sodpa, people):
    submitted = AssessmentFactory(region=people["own"], framework=sodpa, title="Own submitted",
                                  status=Assessment.Status.SUBMITTED)
    fill(submitted, 3)
    draft = AssessmentFactory(region=people["own"], framework=sodpa, title="Own draft")
    other = AssessmentFactory(region=people["other"], framework=sodpa, title="Other draft")
    fill(other, 1, skip=5)
    return {**people, "submitted": submitted, "draft": draft, "other_draft": other}


def text_of(response) -> str:
    """The downloaded file as text (both sheets of an XLSX)."""
    if response["Content-Type"] == XLSX:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for value in row)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "query", "content_type"), ASSESSMENT_DOWNLOADS)
def test_assessment_downloads_are_scoped(client, setup, role, url_name, query, content_type):
    client.force_login(setup[role])
    for key, visible in (("draft", role in SEES_OWN), ("submitted", role in SEES_OWN),
                         ("other_draft", role in SEES_OTHER)):
        assessment = setup[key]
        response = client.get(reverse(url_name, args=[assessment.pk]) + query)
        if visible:
            assert response.status_code == 200
            assert response["Content-Type"] == content_type
            assert response["Content-Disposition"].startswith(
                f'attachment; filename="sodpa-assessment-{assessment.pk}')
            assert assessment.title in text_of(response)
        else:
            assert response.status_code == 404
            assert assessment.title not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize(("url_name", "query"), [(name, query) for name, query, _ in ASSESSMENT_DOWNLOADS]
                         + PORTFOLIO_URLS)
def test_anonymous_users_are_sent_to_sign_in(client, setup, url_name, query):
    args = [setup["submitted"].pk] if url_name.startswith("assessment_") else []
    response = client.get(reverse(url_name, args=args) + query)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "query"), PORTFOLIO_URLS)
def test_the_portfolio_holds_only_the_users_regions(client, setup, role, url_name, query):
    client.force_login(setup[role])
    response = client.get(reverse(url_name) + query)
    assert response.status_code == 200
    text = response.content.decode() if url_name == "portfolio" else text_of(response)
    assert ("苏州工业园区" in text) == (role in SEES_OWN)
    assert ("黄山市" in text) == (role in SEES_OTHER)
    if url_name != "portfolio":
        assert ("Own draft" in text) == (role in SEES_OWN)
        assert ("Other draft" in text) == (role in SEES_OTHER)


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
