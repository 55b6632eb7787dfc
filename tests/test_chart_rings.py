"""The radar's rings follow the framework version's tier thresholds, on the page and in the PDF's chart."""

import pytest
from django.urls import reverse

from assessments.charts import radar_matplotlib
from assessments.models import Assessment
from assessments.results import score_assessment
from tests.factories import AssessmentFactory, build_framework
from tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_on_45(people):
    framework = build_framework({"S": {"S1": [(1, False)]}, "A": {"A1": [(1, False)]}},
                                tier_intermediate=45, tier_advanced=75)
    assessment = AssessmentFactory(region=people["own"], framework=framework, status=Assessment.Status.SUBMITTED)
    fill(assessment, 2)
    return assessment


def test_the_page_radar_has_a_ring_at_each_threshold(client, people, submitted_on_45):
    client.force_login(people["official"])
    figure = client.get(reverse("results", args=[submitted_on_45.pk])).context["figure"]
    assert figure["layout"]["polar"]["radialaxis"]["tickvals"] == [0, 45, 75, 100]


def test_the_pdf_radar_has_a_ring_at_each_threshold(submitted_on_45):
    card = score_assessment(assessment=submitted_on_45)
    axes = radar_matplotlib(current=(card, submitted_on_45.title), previous=None, dimension_names={}).axes[0]
    assert list(axes.get_yticks()) == [45, 75, 100]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["45", "75", "100"]
