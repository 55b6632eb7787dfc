"""The results page's cached parts (assessments/fragments.py) and the peer figures cached per state of
the peer table (assessments/benchmarks.py): after each change a user can make, the next view shows the
new figures, never the cached ones."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assessments import review
from assessments.answering import Edit, save_step
from assessments.fragments import result_state
from assessments.models import Answer, Assessment
from assessments.results import assessment_result, score_assessment
from assessments.templatetags.sodpa import score
from assessments.transitions import reopen_assessment, submit_assessment
from assessments.versioning import move_assessment
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, build_framework

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
SHAPE = {"S": {"S1": [(1.0, False), (1.0, False)]}, "O": {"O1": [(1.0, False)]}}


def assess(region, framework, levels, *, submitted=True, title="评估"):
    assessment = AssessmentFactory(region=region, framework=framework, title=title,
                                   status=Assessment.Status.SUBMITTED if submitted else Assessment.Status.DRAFT,
                                   submitted_at=timezone.now() if submitted else None)
    indicators = Indicator.objects.filter(subdimension__dimension__framework=framework).order_by("code")
    Answer.objects.bulk_create(Answer(assessment=assessment, indicator=indicator, level=level)
                               for indicator, level in zip(indicators, levels, strict=True))
    return assessment


@pytest.fixture
def world(people):
    """The official's draft (S1.1 = 4, S1.2 = 0, O1.1 = 2) on version 1 of a framework whose version 2
    weighs S1.2 three times; five other cities submitted, all answers at 0, 1, 2, 3 and 4."""
    first = build_framework(SHAPE, code="cache-test", version=1)
    second = build_framework({"S": {"S1": [(1.0, False), (3.0, False)]}, "O": {"O1": [(1.0, False)]}},
                             code="cache-test", version=2)
    peers = [assess(RegionFactory(name=f"邻市{level}"), first, [level] * 3) for level in range(5)]
    draft = assess(people["own"], first, [2, 4, 0], submitted=False, title="2026 草稿")
    return {"draft": draft, "peers": peers, "second": second}


def page(client, user, assessment, language="en") -> str:
    client.force_login(user)
    client.cookies.load({"django_language": language})
    response = client.get(reverse("results", args=[assessment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def shown_overall(html: str) -> str:
    return re.search(r'id="overall-score">([^<]*)<', html).group(1)


def peer_overall_row(html: str) -> list[str]:
    table = html[html.index('id="peer-table"'):]
    row = table[table.index('class="fw-semibold"'):table.index("</tr>", table.index('class="fw-semibold"'))]
    return re.sub(r"<[^>]+>", " ", row).split()


def own_overall(assessment) -> str:
    return score(score_assessment(assessment=Assessment.objects.get(pk=assessment.pk)).overall)


def test_each_change_shows_on_the_next_view(client, people, world):
    official, draft = people["official"], world["draft"]
    html = page(client, official, draft)
    assert shown_overall(html) == own_overall(draft) == "50.0"
    assert "5 regions of this kind" in html
    state = result_state(result=assessment_result(assessment=draft), language="en")
    assert cache.get(f"result-fragments:{state}") is not None  # kept: the next view reads them
    assert shown_overall(page(client, official, draft)) == "50.0"

    # an answer saved on the questionnaire
    o1 = Indicator.objects.get(subdimension__dimension__framework=draft.framework, code="O1.1")
    revision = Answer.objects.get(assessment=draft, indicator=o1).revision
    saved = save_step(assessment=draft, user=official, indicators=[o1], edits={"O1.1": Edit(
        value=4, evidence="", seen_revision=revision, seen_value=2, seen_evidence_digest="")})
    assert saved.saved == ("O1.1",)
    html = page(client, official, draft)
    assert shown_overall(html) == own_overall(draft) != "50.0"

    # a peer submits, then is sent back
    late = assess(RegionFactory(name="新市"), draft.framework, [4, 4, 4], submitted=False)
    submit_assessment(assessment=late, user=None)
    assert "6 regions of this kind" in page(client, official, draft)
    reopen_assessment(assessment=late, user=None, note="再核对")
    html = page(client, official, draft)
    assert "5 regions of this kind" in html

    # a peer's answer changed in review: the peer figures follow
    peer = world["peers"][2]
    peer_official, assessor = UserFactory(), UserFactory()
    peer.region.officials.add(peer_official)
    peer.region.assessors.add(assessor)
    review.start_review(assessment=peer, user=assessor)
    review.query_answer(assessment=peer, user=assessor, code="S1.1", comment="证据不足")
    before = peer_overall_row(html)
    review.change_answer(assessment=peer, user=peer_official, code="S1.1", value=0, reason="按验收报告")
    response = client.get(reverse("results", args=[draft.pk]))
    after = peer_overall_row(response.content.decode())
    median = response.context["peers"].rows[0].median
    assert after != before and after[3] == score(median) == "37.5"  # 0, 25, 37.5, 75, 100

    # the previous submission of the region
    assess(people["own"], draft.framework, [4, 4, 4], title="2025 年度")
    assert "Previous submitted assessment “2025 年度”: 100.0" in page(client, official, draft)

    # the draft moved to version 2: its scores under the new weights
    move_assessment(assessment=draft, framework=world["second"])
    html = page(client, official, draft)
    assert shown_overall(html) == own_overall(draft)
    assert "version 2" in html

    # a peer region's kind changed (the admin): 4 cities are too few to publish
    region = world["peers"][0].region
    region.kind = "park"
    region.save()
    html = page(client, official, draft)
    assert 'id="not-enough-peers"' in html and 'id="peer-table"' not in html

    # and the language
    chinese = page(client, official, draft, "zh-hans")
    assert "优势领域" in chinese and "Strengths" not in chinese
