"""Names and titles in the Plotly figures (results, region history, portfolio) are data, never markup:
Plotly draws a subset of HTML in trace names, labels and hover text (`<a href>` became a link)."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from tests.factories import AssessmentFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db

HOSTILE = '<a href="https://evil">x</a> & <b>y</b>'
ESCAPED = '&lt;a href="https://evil"&gt;x&lt;/a&gt; &amp; &lt;b&gt;y&lt;/b&gt;'


def figure_of(page: str, script_id: str) -> dict:
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', page, re.S)
    assert match, script_id
    return json.loads(match.group(1))


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


@pytest.fixture
def hostile(sodpa, people):
    people["own"].name = HOSTILE
    people["own"].save()
    earlier = AssessmentFactory(region=people["own"], framework=sodpa, title=HOSTILE + " 2025",
                                status=Assessment.Status.SUBMITTED,
                                submitted_at=timezone.now() - timezone.timedelta(days=30))
    fill(earlier, 1)
    latest = AssessmentFactory(region=people["own"], framework=sodpa, title=HOSTILE,
                               status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
    fill(latest, 3)
    return {**people, "earlier": earlier, "latest": latest}


def assert_no_markup(figure: dict) -> None:
    for text in strings_in(figure["data"]):
        assert "<a" not in text and "<b>" not in text, text


def test_results_radar_names_are_escaped(client, hostile):
    client.force_login(hostile["official"])
    page = client.get(reverse("results", args=[hostile["latest"].pk])).content.decode()
    figure = figure_of(page, "radar-data")
    assert [trace["name"] for trace in figure["data"]] == [ESCAPED + " 2025", ESCAPED]
    assert_no_markup(figure)


def test_history_chart_titles_are_escaped(client, hostile):
    client.force_login(hostile["official"])
    page = client.get(reverse("region_history", args=[hostile["own"].pk])).content.decode()
    figure = figure_of(page, "history-data")
    assert figure["data"][0]["customdata"] == [ESCAPED + " 2025", ESCAPED]
    assert_no_markup(figure)


def test_portfolio_radar_region_names_are_escaped(client, hostile):
    client.force_login(hostile["official"])
    page = client.get(reverse("portfolio")).content.decode()
    figure = figure_of(page, "radar-data")
    assert [trace["name"] for trace in figure["data"]] == [ESCAPED]
    assert_no_markup(figure)


def chart_table_html(page: str) -> str:
    match = re.search(r'<details class="chart-table.*?</details>', page, re.S)
    assert match, "no table of the chart's figures"
    return match.group(0)


def test_each_chart_has_a_table_of_its_figures_with_names_as_plain_text(client, hostile):
    """The text equivalent of every chart: the radar's table has a row per dimension and a column per
    line (the previous assessment, this one), the history's a row per submitted assessment; names are
    escaped once (shown as typed), never double-escaped by Plotly's escaping."""
    client.force_login(hostile["official"])
    results = chart_table_html(client.get(reverse("results", args=[hostile["latest"].pk])).content.decode())
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', results, re.S)
    assert [label.split()[0] for label, _ in rows] == ["S", "O", "D", "P", "A"]
    assert all(re.findall(r">([^<]+)</td>", cells) == ["25.0", "75.0"] for _, cells in rows)
    escaped_once = '&lt;a href=&quot;https://evil&quot;&gt;x&lt;/a&gt; &amp; &lt;b&gt;y&lt;/b&gt;'
    assert escaped_once + " 2025</th>" in results and "&amp;lt;" not in results

    history = chart_table_html(client.get(reverse("region_history", args=[hostile["own"].pk])).content.decode())
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', history, re.S)
    assert len(rows) == 2 and rows[1][0].endswith(" · " + escaped_once)
    assert re.findall(r">([^<]+)</td>", rows[0][1]) == ["25.0"] * 6  # overall and five dimensions
    assert "&amp;lt;" not in history

    portfolio = chart_table_html(client.get(reverse("portfolio")).content.decode())
    assert f'<th scope="col" class="text-end">{escaped_once}</th>' in portfolio


def test_radar_labels_are_short_lines_under_the_code():
    from assessments.charts import _radar_labels, wrap_label

    assert _radar_labels(["A", "O"], {"A": "应用与场景", "O": "Business and Operation"}) == [
        "A<br>应用与场景", "O<br>Business and<br>Operation"]
    assert wrap_label("数字孪生城市建设规划") == ["数字孪生城市", "建设规划"]
    assert wrap_label("Infrastructure and Data") == ["Infrastructure", "and Data"]  # a long word stays whole
    assert _radar_labels(["S"], {"S": "<b>x</b>"}) == ["S<br>&lt;b&gt;x&lt;/b&gt;"]
