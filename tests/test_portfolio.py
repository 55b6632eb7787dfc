"""The portfolio page: each visible region's latest submitted scores, sortable, a radar overlay of
the chosen regions, never another tenant's region, and a constant number of queries."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework
from tests.helpers import fill

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DAY = timezone.timedelta(days=1)


def submitted(region, framework, level, *, title="2026", days_ago=10, created_days_ago=None):
    assessment = AssessmentFactory(region=region, framework=framework, title=title,
                                   status=Assessment.Status.SUBMITTED,
                                   submitted_at=timezone.now() - days_ago * DAY)
    if created_days_ago is not None:
        Assessment.objects.filter(pk=assessment.pk).update(created_at=timezone.now() - created_days_ago * DAY)
    fill(assessment, level)
    return assessment


def region_order(response) -> list[str]:
    """Region names as the table lists them."""
    ids = [int(pk) for pk in re.findall(r'<tr data-region="(\d+)">', response.content.decode())]
    names = {row.region.pk: row.region.name for row in response.context["rows"]}
    return [names[pk] for pk in ids]


@pytest.fixture
def portfolio(sodpa, people):
    """The consultant's four regions: overall 75 (园区), 25, 50 and one without a submission; D is
    ranked differently from the overall. 黄山市 belongs to another consultant."""
    consultant = people["consultant"]
    regions = {"园区": people["own"]}
    for name in ("甲市", "乙市", "丙市"):
        regions[name] = RegionFactory(name=name)
        regions[name].consultants.add(consultant)
    submitted(regions["园区"], sodpa, 3)
    low = submitted(regions["甲市"], sodpa, 1)
    Answer.objects.filter(assessment=low, indicator__subdimension__dimension__code="D").update(level=4)
    submitted(regions["乙市"], sodpa, 2)
    AssessmentFactory(region=regions["丙市"], framework=sodpa, title="丙市草稿")
    fill(Assessment.objects.get(title="丙市草稿"), 4)
    other = submitted(people["other"], sodpa, 4, title="黄山 2026 机密")
    return {**people, **regions, "other_assessment": other}


def test_the_latest_submission_is_shown_not_drafts_or_older_ones(client, sodpa, people):
    region = people["own"]
    submitted(region, sodpa, 1, title="2024", days_ago=700)
    submitted(region, sodpa, 3, title="2025", days_ago=300, created_days_ago=400)
    # created later but submitted earlier: not the latest submission
    submitted(region, sodpa, 2, title="2023 补录", days_ago=800, created_days_ago=1)
    draft = AssessmentFactory(region=region, framework=sodpa, title="2026 草稿")
    fill(draft, 4)
    client.force_login(people["consultant"])
    response = client.get(reverse("portfolio"))
    (row,) = response.context["rows"]
    assert row.assessment.title == "2025"
    assert row.card.overall == 75.0 and row.card.overall_tier == "advanced"
    assert [cell["score"] for cell in row.cells] == [75.0] * 5
    page = response.content.decode()
    assert f'<a href="{reverse("results", args=[row.assessment.pk])}">2025</a>' in page
    assert "2026 草稿" not in page and "2024" not in page


def test_regions_without_a_submission_show_a_dash(client, portfolio):
    client.force_login(portfolio["consultant"])
    page = client.get(reverse("portfolio")).content.decode()
    row = page[page.index(f'<tr data-region="{portfolio["丙市"].pk}">'):]
    row = row[:row.index("</tr>")]
    assert "尚无已提交的评估。" in row
    assert row.count('<td class="text-end">—</td>') == 6
    assert "丙市草稿" not in page
    assert f'id="compare-{portfolio["丙市"].pk}" disabled' in row


@pytest.mark.parametrize(("query", "order"), [
    ("", None),
    ("?sort=overall&dir=desc", ["园区", "乙市", "甲市", "丙市"]),
    ("?sort=overall&dir=asc", ["甲市", "乙市", "园区", "丙市"]),
    ("?sort=D&dir=desc", ["甲市", "园区", "乙市", "丙市"]),
    ("?sort=S&dir=asc", ["甲市", "乙市", "园区", "丙市"]),
    ("?sort=name&dir=desc", None),
])
def test_the_table_sorts_on_the_server(client, portfolio, query, order):
    client.force_login(portfolio["consultant"])
    response = client.get(reverse("portfolio") + query)
    own = portfolio["own"].name
    if order is None:  # by name (the default: ascending)
        names = sorted(["甲市", "乙市", "丙市", own])
        order = names[::-1] if "desc" in query else names
    else:
        order = [own if name == "园区" else name for name in order]
    assert region_order(response) == order


def test_the_sorted_header_says_so_and_links_to_the_other_direction(client, portfolio):
    client.force_login(portfolio["consultant"])
    page = client.get(reverse("portfolio") + "?sort=overall&dir=desc").content.decode()
    assert page.count("aria-sort=") == 1
    header = re.search(r'<th scope="col" class="text-end" data-sort="overall" aria-sort="descending">'
                       r'<a [^>]*href="([^"]+)"', page)
    assert header and header.group(1).startswith("?sort=overall&amp;dir=asc&amp;compare=")
    d_link = re.search(r'data-sort="D"><a [^>]*href="([^"]+)"', page).group(1)
    assert d_link.startswith("?sort=D&amp;dir=desc")
    page = client.get(reverse("portfolio")).content.decode()
    assert 'data-sort="name" aria-sort="ascending"' in page


def test_the_radar_overlays_the_selected_regions_only(client, portfolio):
    client.force_login(portfolio["consultant"])
    jia, yi = portfolio["甲市"], portfolio["乙市"]
    response = client.get(reverse("portfolio") + f"?sort=overall&dir=desc&compare={jia.pk}&compare={yi.pk}")
    figure = response.context["figure"]
    assert [trace["name"] for trace in figure["data"]] == ["乙市", "甲市"]  # in the table's order
    by_name = {trace["name"]: trace for trace in figure["data"]}
    assert by_name["乙市"]["r"] == [50.0] * 6
    assert by_name["甲市"]["r"] == [25.0, 25.0, 100.0, 25.0, 25.0, 25.0]
    assert [theta.split("<br>")[0] for theta in by_name["甲市"]["theta"]] == ["S", "O", "D", "P", "A", "S"]
    page = response.content.decode()
    assert '<script id="radar-data" type="application/json">' in page
    assert f'id="compare-{jia.pk}" checked' in page and f'id="compare-{yi.pk}" checked' in page
    assert f'id="compare-{portfolio["own"].pk}">' in page  # not checked


def test_the_radar_shows_the_first_three_regions_by_default(client, sodpa, portfolio):
    extra = RegionFactory(name="丁市")
    extra.consultants.add(portfolio["consultant"])
    submitted(extra, sodpa, 0)
    client.force_login(portfolio["consultant"])
    response = client.get(reverse("portfolio") + "?sort=overall&dir=desc")
    assert [trace["name"] for trace in response.context["figure"]["data"]] == ["苏州工业园区", "乙市", "甲市"]


def test_another_tenants_region_never_appears(client, portfolio):
    other = portfolio["other"]
    client.force_login(portfolio["consultant"])
    response = client.get(reverse("portfolio") + f"?compare={other.pk}&compare={portfolio['甲市'].pk}")
    page = response.content.decode()
    assert "黄山市" not in page and "黄山 2026 机密" not in page
    assert [trace["name"] for trace in response.context["figure"]["data"]] == ["甲市"]
    only_other = client.get(reverse("portfolio") + f"?compare={other.pk}")
    assert "黄山市" not in only_other.content.decode()
    assert "黄山市" not in [t["name"] for t in only_other.context["figure"]["data"]]
    for part in ("answers", "scores"):
        body = client.get(reverse("portfolio_export_csv") + f"?part={part}").content.decode("utf-8-sig")
        assert "苏州工业园区" in body and "黄山" not in body
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("portfolio_export_xlsx")).content))
    for sheet in book.worksheets:
        regions = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert regions == {"苏州工业园区", "甲市", "乙市", "丙市"}


def test_nav_links_to_the_portfolio(client, portfolio):
    client.force_login(portfolio["official"])
    page = client.get(reverse("dashboard")).content.decode()
    assert f'<a class="nav-link" href="{reverse("portfolio")}">' in page


def test_download_buttons(client, portfolio):
    client.force_login(portfolio["consultant"])
    page = client.get(reverse("portfolio")).content.decode()
    for href in (reverse("portfolio_export_xlsx"), reverse("portfolio_export_csv") + "?part=answers",
                 reverse("portfolio_export_csv") + "?part=scores"):
        assert f'href="{href}" download' in page
    assessment = Assessment.objects.filter(region=portfolio["own"]).first()
    results = client.get(reverse("results", args=[assessment.pk])).content.decode()
    group = results[results.index('id="data-downloads"'):]
    group = group[:group.index("</div>")]
    for href in (reverse("assessment_export_xlsx", args=[assessment.pk]),
                 reverse("assessment_export_csv", args=[assessment.pk]) + "?part=answers",
                 reverse("assessment_export_csv", args=[assessment.pk]) + "?part=scores"):
        assert f'href="{href}"' in group


def world(size: int):
    """`size` regions, each with an older and a newer submission and a draft, for one consultant."""
    shape = {dim: {f"{dim}1": [(1.0, False), (2.0, True)], f"{dim}2": [(1.0, False)]} for dim in "SODPA"}
    framework = build_framework(shape)
    user = UserFactory()
    for number in range(size):
        region = RegionFactory()
        region.consultants.add(user)
        submitted(region, framework, number % 5, days_ago=300)
        submitted(region, framework, (number + 1) % 5, days_ago=10)
        fill(AssessmentFactory(region=region, framework=framework), 4, skip=2)
    return user


@pytest.mark.parametrize("url_name", ["portfolio", "portfolio_export_xlsx", "portfolio_export_csv"])
def test_query_count_does_not_grow_with_the_regions(client, url_name):
    counts = []
    for size in (1, 10):
        client.force_login(world(size))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name) + ("?part=scores" if url_name.endswith("csv") else ""))
        assert response.status_code == 200
        if url_name == "portfolio":
            assert len(response.context["rows"]) == size
            assert len(response.context["figure"]["data"]) == min(size, 3)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15, counts
