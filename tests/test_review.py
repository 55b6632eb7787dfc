"""Third-party review (assessments/review.py): each transition, who may do what, the inbox and mail,
the review page, the results page, the API and the PDF."""

import json
import subprocess

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import inbox, review
from assessments.inbox_models import Notification, UserLanguage
from assessments.models import Answer, Assessment
from assessments.reports import report_state_key
from assessments.results import scored_assessment
from assessments.review_models import AnswerReview, Review, ReviewMessage
from assessments.transitions import reopen_assessment
from tests.factories import AssessmentFactory, RegionFactory, UserFactory, answer, build_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(db):
    framework = build_framework({"S": {"S1": [(1.0, False), (1.0, False)]}, "O": {"O1": [(1.0, False)]}})
    region = RegionFactory(name="审阅市")
    official = UserFactory(username="guan", email="guan@example.cn", first_name="", last_name="")
    consultant = UserFactory(username="gu", email="gu@example.cn")
    assessor = UserFactory(username="ping", email="ping@example.cn")
    region.officials.add(official)
    region.consultants.add(consultant)
    region.assessors.add(assessor)
    assessment = AssessmentFactory(region=region, framework=framework, title="2026 自评",
                                   status=Assessment.Status.SUBMITTED)
    for code, level in (("S1.1", 4), ("S1.2", 3), ("O1.1", 2)):
        answer(assessment, code, level, evidence=f"{code} 的证据")
    return {"assessment": assessment, "official": official, "consultant": consultant, "assessor": assessor,
            "region": region}


def state(assessment, code):
    return AnswerReview.objects.get(review__assessment=assessment, indicator__code=code).state


def test_the_whole_review_by_the_services(case, django_capture_on_commit_callbacks):
    a, official, reviewer = case["assessment"], case["official"], case["assessor"]
    UserLanguage.objects.create(user=official, language="en")
    with pytest.raises(review.NotAllowed):
        review.start_review(assessment=a, user=official)  # an official never reviews
    review.start_review(assessment=a, user=reviewer)
    assert Review.objects.get(assessment=a).status == "in_review"
    with django_capture_on_commit_callbacks(execute=True):
        review.query_answer(assessment=a, user=reviewer, code="S1.1", comment="请提供平台验收报告")
    assert state(a, "S1.1") == "queried"
    # the official's inbox and e-mail (in English, the language they use the site in)
    note = Notification.objects.get(user=official)
    assert note.kind == "query" and note.link == reverse("review", args=[a.pk])
    assert inbox.unread_count(user=official) == 1
    assert [m.to for m in mail.outbox] == [["guan@example.cn"]]
    assert "A query on your answer" in mail.outbox[0].subject
    assert "ping queried S1.1 of “2026 自评”: 请提供平台验收报告" in mail.outbox[0].body
    # a reviewer cannot change answers; an official cannot accept or verify
    with pytest.raises(review.NotAllowed):
        review.change_answer(assessment=a, user=reviewer, code="S1.1", value=2, reason="太高")
    with pytest.raises(review.NotAllowed):
        review.accept_answer(assessment=a, user=official, code="S1.1")
    with pytest.raises(review.NotAllowed):
        review.verify(assessment=a, user=official)
    review.accept_answer(assessment=a, user=reviewer, code="S1.2")
    review.accept_answer(assessment=a, user=reviewer, code="O1.1")
    with translation.override("zh-hans"), pytest.raises(
            review.ReviewRefused, match=r"未核验：3 个回答中还有 1 个未认可（1 个被质询）。"):
        review.verify(assessment=a, user=reviewer)
    # only a queried answer may change in review, and only with a reason
    with pytest.raises(review.ReviewRefused, match="指标 S1.2 未被质询"):
        review.change_answer(assessment=a, user=official, code="S1.2", value=1, reason="x")
    with pytest.raises(review.ReviewRefused, match="请说明修改理由"):
        review.change_answer(assessment=a, user=official, code="S1.1", value=2, reason=" ")
    review.reply_to_query(assessment=a, user=official, code="S1.1", text="报告在附件中")
    key_before = report_state_key(assessment=a, language="en")
    revision = Answer.objects.get(assessment=a, indicator__code="S1.1").revision
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.change_answer(assessment=a, user=official, code="S1.1", value=2, reason="平台尚未覆盖全域")
    changed = Answer.objects.get(assessment=a, indicator__code="S1.1")
    assert (changed.level, changed.revision, changed.updated_by) == (2, revision + 1, official)
    a.refresh_from_db()
    assert a.is_submitted  # stays submitted
    assert report_state_key(assessment=a, language="en") != key_before
    row = AnswerReview.objects.get(review__assessment=a, indicator__code="S1.1")
    assert (row.state, row.self_value, row.verified_value, row.changed) == ("queried", "4", "2", True)
    assert list(row.messages.values_list("kind", "old_value", "new_value")) == [
        ("query", "", ""), ("reply", "", ""), ("change", "4", "2")]
    # the reviewer hears of the reply and of the change (in zh-hans: their language is not known)
    assert Notification.objects.filter(user=reviewer, kind="reply").count() == 2
    assert [m.to for m in mail.outbox] == [["ping@example.cn"]] and "您的质询收到回复" in mail.outbox[0].subject
    assert "guan 将“2026 自评”的 S1.1 由 4 级改为 2 级：平台尚未覆盖全域" in mail.outbox[0].body
    review.accept_answer(assessment=a, user=reviewer, code="S1.1")
    with django_capture_on_commit_callbacks(execute=True):
        verified = review.verify(assessment=a, user=reviewer)
    assert verified.status == "verified" and verified.reviewer == reviewer and verified.verified_at
    assert Notification.objects.filter(user=official, kind="verified").exists()
    # the bias: S was self-assessed (4 + 3) / 2 and verified (2 + 3) / 2: one level over on S1.1
    bias = review.bias_of(scored=scored_assessment(assessment=a), state=review.review_state(assessment=a))
    s, o = bias.dimensions
    assert (s.level_gap, s.score_gap, s.changed) == (1.0, 25.0, 1) and (o.level_gap, o.score_gap) == (0.0, 0.0)
    with pytest.raises(review.ReviewRefused, match="此评估已核验"):
        review.accept_answer(assessment=a, user=reviewer, code="S1.1")


def test_reopening_ends_the_review_and_sends_it_back(case, client, django_capture_on_commit_callbacks):
    """A consultant sends a reviewed assessment back: the review is reset (threads kept), the
    official's dashboard says "sent back", the questionnaire shows the reason, the inbox and mail
    say so; resubmission starts the review again."""
    a, official, consultant = case["assessment"], case["official"], case["consultant"]
    review.start_review(assessment=a, user=consultant)
    review.query_answer(assessment=a, user=consultant, code="O1.1", comment="证据不足")
    review.accept_answer(assessment=a, user=consultant, code="S1.1")
    with django_capture_on_commit_callbacks(execute=True):
        reopen_assessment(assessment=a, user=consultant, note="请补充运营数据")
    assert Review.objects.get(assessment=a).status == "not_reviewed"
    assert set(AnswerReview.objects.filter(review__assessment=a).values_list("state", flat=True)) == {""}
    assert ReviewMessage.objects.filter(answer_review__review__assessment=a).count() == 2  # kept
    sent = Notification.objects.get(user=official, kind="sent_back")
    assert sent.link == reverse("questionnaire", args=[a.pk])
    assert "请补充运营数据" in mail.outbox[-1].body and mail.outbox[-1].to == ["guan@example.cn"]
    client.force_login(official)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "已退回" in dashboard and "草稿" not in dashboard  # "Sent back", not "Draft"
    page = client.get(reverse("questionnaire", args=[a.pk])).content.decode()
    assert 'id="sent-back"' in page and "请补充运营数据" in page and "gu" in page
    # the banner stays on every step, until the assessment is submitted again
    assert 'id="sent-back"' in client.get(reverse("questionnaire", args=[a.pk]) + "?step=O").content.decode()


def test_the_review_pages_by_role(case):
    a, official, consultant, assessor = case["assessment"], case["official"], case["consultant"], case["assessor"]
    reviewer_client, official_client = Client(), Client()
    reviewer_client.force_login(assessor)
    official_client.force_login(official)
    url = reverse("review", args=[a.pk])
    assert reviewer_client.post(reverse("review_start", args=[a.pk])).status_code == 302
    response = reviewer_client.post(reverse("review_mark", args=[a.pk]), {"indicator": "S1.1", "decision": "query",
                                                                           "comment": ""})
    assert response.status_code == 400 and "请写明您对此回答的质询内容。" in response.content.decode()
    reviewer_client.post(reverse("review_mark", args=[a.pk]),
                         {"indicator": "S1.1", "decision": "query", "comment": "等级过高"})
    # an official cannot accept, a reviewer cannot change: 403, nothing written
    assert official_client.post(reverse("review_mark", args=[a.pk]),
                                {"indicator": "S1.2", "decision": "accept"}).status_code == 403
    assert reviewer_client.post(reverse("review_respond", args=[a.pk]),
                                {"indicator": "S1.1", "change": "1", "level": "1", "text": "x"}).status_code == 403
    assert Answer.objects.get(assessment=a, indicator__code="S1.1").level == 4
    assert official_client.post(reverse("review_verify", args=[a.pk])).status_code == 403
    # a bad level keeps the reason typed on the page
    response = official_client.post(reverse("review_respond", args=[a.pk]),
                                    {"indicator": "S1.1", "change": "1", "level": "7", "text": "已下调为实际水平"})
    assert response.status_code == 400 and "已下调为实际水平" in response.content.decode()
    official_client.post(reverse("review_respond", args=[a.pk]),
                         {"indicator": "S1.1", "change": "1", "level": "3", "text": "已下调为实际水平"})
    page = official_client.get(url).content.decode()
    assert "等级过高" in page and "已下调为实际水平" in page and "4 → 3" in page
    assert 'id="bias"' not in page  # the bias is for the reviewer
    page = reviewer_client.get(url).content.decode()
    assert 'id="bias"' in page and "+0.5" in page  # S: (4 − 3 + 0) / 2 levels over
    response = reviewer_client.post(reverse("review_verify", args=[a.pk]))
    assert response.status_code == 400
    assert "未核验：3 个回答中还有 3 个未认可（1 个被质询）。" in response.content.decode()
    for code in ("S1.1", "S1.2", "O1.1"):
        reviewer_client.post(reverse("review_mark", args=[a.pk]), {"indicator": code, "decision": "accept"})
    assert reviewer_client.post(reverse("review_verify", args=[a.pk])).status_code == 302
    results = official_client.get(reverse("results", args=[a.pk])).content.decode()
    assert 'id="verified-badge"' in results and "ping" in results
    # the API
    detail = json.loads(official_client.get(f"/api/assessments/{a.pk}").content)
    assert detail["review"]["status"] == "verified" and detail["review"]["reviewer"] == "ping"
    assert detail["review"]["verified_at"]
    assert {row["indicator"]: row["review"] for row in detail["answers"]} == {
        "S1.1": "accepted", "S1.2": "accepted", "O1.1": "accepted"}
    # the PDF: verified on the cover, each answer's review state, the bias
    pdf = official_client.get(reverse("report_pdf", args=[a.pk]) + "?lang=en").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Verified by ping on" in text and text.count("Accepted") >= 3 and "self-assessed: 4" in text
    assert "Self-assessment bias" in text
    assert consultant  # the consultant serves the region too: a reviewer as well


def test_a_review_api_of_an_unreviewed_assessment(case):
    client = Client()
    client.force_login(case["official"])
    detail = json.loads(client.get(f"/api/assessments/{case['assessment'].pk}").content)
    assert detail["review"] == {"status": "not_reviewed", "reviewer": None, "verified_at": None}
    assert {row["review"] for row in detail["answers"]} == {None}


def test_the_inbox_badge_and_its_query_count(case, django_assert_num_queries):
    official, a = case["official"], case["assessment"]
    for number in range(3):
        inbox.notify(users=[official], kind="query", assessment=a, params={"who": "ping", "indicator": f"S1.{number}",
                                                                           "text": "请说明"})
    other = Notification.objects.create(user=case["consultant"], kind="verified", assessment=a)
    client = Client()
    client.force_login(official)
    client.get(reverse("inbox"))
    # session, user, the notifications, the badge's count, the session's idle-expiry save (3)
    with django_assert_num_queries(7):
        page = client.get(reverse("inbox")).content.decode()
    assert '<span class="badge rounded-pill text-bg-warning" id="inbox-badge">3' in page
    assert page.count('data-kind="query"') == 3 and "ping 质询了“2026 自评”的 S1.0：请说明" in page
    first = Notification.objects.filter(user=official).first()
    assert client.post(reverse("inbox_read"), {"id": other.pk}).status_code == 404  # not theirs
    client.post(reverse("inbox_read"), {"id": first.pk})
    assert inbox.unread_count(user=official) == 2 and Notification.objects.get(pk=other.pk).read_at is None
    client.post(reverse("inbox_read"))
    assert 'id="inbox-badge"' not in client.get(reverse("dashboard")).content.decode()


def test_accepting_every_open_answer_leaves_the_queried_ones_open(case):
    a, reviewer = case["assessment"], case["assessor"]
    review.start_review(assessment=a, user=reviewer)
    review.query_answer(assessment=a, user=reviewer, code="S1.2", comment="请补充台账")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(reviewer)
    page = client.get(reverse("review", args=[a.pk])).content.decode()
    assert "认可尚未评审的 2 个回答" in page
    response = client.post(reverse("review_mark", args=[a.pk]), {"decision": "accept_open"}, follow=True)
    assert "已认可 2 个回答；被质询的回答仍待处理。" in response.content.decode()
    assert (state(a, "S1.1"), state(a, "S1.2"), state(a, "O1.1")) == ("accepted", "queried", "accepted")
    assert 'id="accept-open"' not in response.content.decode()  # nothing left to accept in one go
    official = Client()
    official.force_login(case["official"])
    official.post(reverse("review_mark", args=[a.pk]), {"decision": "accept_open"})  # not a reviewer
    assert state(a, "S1.2") == "queried"
