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
