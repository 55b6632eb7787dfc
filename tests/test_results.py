"""The results page: scores as scoring computes them, the radar data, and the recommendations."""


import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.results import score_assessment
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db


def radar(response) -> dict:
    return response.context["figure"]


def test_scores_and_tiers_match_the_scoring_engine(client, sodpa, people):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 3)
    Answer.objects.filter(assessment=assessment, indicator__subdimension__code="P1").update(level=0)
    card = score_assessment(assessment=assessment)
    client.force_login(people["official"])
    response = client.get(reverse("results", args=[assessment.pk]))
    page = response.content.decode()
    assert f'<p class="display-5 mb-1" id="overall-score">{card.overall:.1f}</p>' in page
    assert card.overall_tier == "advanced" and "tier-advanced" in page
    rows = {row["dimension"].code: row for row in response.context["rows"]}
    assert rows["P"]["score"] == pytest.approx(card.dimension("P").score)
    p1 = next(s for s in rows["P"]["subdimensions"] if s["subdimension"].code == "P1")
    assert (p1["score"], p1["tier"]) == (0, "basic")


def test_radar_has_five_axes_and_overlays_the_previous_submission(client, sodpa, people):
    earlier = AssessmentFactory(region=people["own"], framework=sodpa, title="2025",
                                status=Assessment.Status.SUBMITTED,
                                submitted_at=timezone.now() - timezone.timedelta(days=300))
    fill(earlier, 1)
    current = AssessmentFactory(region=people["own"], framework=sodpa, title="2026")
    fill(current, 3)
    client.force_login(people["official"])
    figure = radar(client.get(reverse("results", args=[current.pk])))
    previous_trace, current_trace = figure["data"]
    assert (previous_trace["name"], current_trace["name"]) == ("2025", "2026")
    assert [theta.split("<br>")[0] for theta in current_trace["theta"]] == ["S", "O", "D", "P", "A", "S"]
    assert current_trace["r"][:5] == [75.0] * 5
    assert previous_trace["r"][:5] == [25.0] * 5


def test_no_overlay_without_a_previous_submission(client, sodpa, people):
    current = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(current, 2)
    client.force_login(people["official"])
    assert len(radar(client.get(reverse("results", args=[current.pk])))["data"]) == 1


def test_recommendations_follow_the_tier_and_city_type_and_cite_the_guide(client, sodpa, people):
    region = RegionFactory(name="乌鲁木齐市", city_type="port")
    region.officials.add(people["official"])
    assessment = AssessmentFactory(region=region, framework=sodpa)
    fill(assessment, 0)  # overall (4 × 0 + 100) / 5 = 20: basic
    Answer.objects.filter(assessment=assessment, indicator__subdimension__dimension__code="D").update(level=4)
    client.force_login(people["official"])
    response = client.get(reverse("results", args=[assessment.pk]))
    page = response.content.decode()
    advice = response.context["advice"]
    assert advice.strategy.tier == "basic" and advice.strategy.title_zh in page
    assert advice.scene_step.tier == "basic" and "六(四)" in page
    assert "七(一)" in page and "六(三)" in page and "七(二)" in page and "七(三)" in page
    assert [f.scene.city_type for f in advice.feature_scenes] == ["port"]  # version 1 has no "all" items
    assert advice.feature_scenes[0].scene.title_zh in page
    numbers = [item.scene_type.number for item in advice.scene_types]
    assert numbers[:4] == sorted(numbers[:4]) and set(numbers[:4]) == {1, 2, 3, 4}  # mature first
    # weak sub-dimensions get the guide's measures and their cases; D (all level 4) is not weak
    assert advice.weak_areas and all(not w.subdimension.code.startswith("D") for w in advice.weak_areas)
    for area in advice.weak_areas:
        assert area.subdimension.measures_zh in page
        for case in area.cases:
            assert case.title_zh in page


def test_the_page_reads_in_english(client, sodpa, people):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    fill(assessment, 2)
    client.force_login(people["official"])
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("results", args=[assessment.pk])).content.decode()
    assert '<html lang="en">' in page
    assert "Strategy and Talent" in page and "Recommendations" in page
    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(reverse("results", args=[assessment.pk])).content.decode()
    assert '<html lang="zh-hans">' in page and "战略与人才" in page


def test_a_draft_shows_a_provisional_score(client, sodpa, people):
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    indicators = fill(assessment, 2, skip=10)
    client.force_login(people["official"])
    response = client.get(reverse("results", args=[assessment.pk]))
    assert response.context["card"].answered == len(indicators) - 10
    assert "alert-warning" in response.content.decode()
    assert Indicator.objects.count() == len(indicators)
