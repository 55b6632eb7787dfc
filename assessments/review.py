"""Third-party review of a submitted assessment: the one place a review's state changes.

- `start_review`: a reviewer (a consultant serving the region or an assessor of it,
  `access.may_review_answers`) opens the review of a submitted assessment: not_reviewed → in_review.
- `accept_answer`, `query_answer`: the reviewer accepts an answer, or queries it with a comment.
- `reply_to_query`, `change_answer`: whoever answers the region's assessments (`access.may_answer`)
  answers a query by replying, or by changing the queried answer with a reason. The assessment stays
  submitted; the change is recorded with its old and new level, the self-assessed value is kept on
  the AnswerReview, the answer's revision and the assessment's `updated_at` move on (so the report's
  cache key, which hashes the answers, changes). The answer stays queried until the reviewer accepts
  it again.
- `verify`: the reviewer verifies when every answered indicator is accepted; refused otherwise,
  naming how many are open.
- `reset_on_reopen`: sending a submitted assessment back (transitions.reopen_assessment) ends its
  review: the review returns to not_reviewed (a verification is withdrawn) and every answer's state is
  cleared, while the threads, the self-assessed and the verified values stay on record. After the
  next submission the reviewer starts again and sees the history.

A reviewer never changes an answer and an official never accepts or verifies: each function checks
the role itself (`NotAllowed`), whatever the view did. Each one runs in one transaction that first
locks the assessment row (transitions.lock_assessment), then checks the state on the fresh row; so
a change racing a reopen or a verification is refused, never half-applied.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.security import log_event
from assessments import access
from assessments.inbox import Kind, notify
from assessments.models import Answer, Assessment
from assessments.review_models import AnswerReview, Review, ReviewMessage, read_value, stored_value
from assessments.scoring import NOT_APPLICABLE, AnswerValue
from assessments.transitions import lock_assessment


class ReviewRefused(Exception):
    """The review is not in a state that allows this; nothing was written. The message is for users."""


class NotAllowed(ReviewRefused):
    """The user's role does not allow this."""


@dataclass(frozen=True)
class ReviewState:
    """An assessment's review as the pages and the API read it."""

    review: Review | None
    answers: dict[str, AnswerReview]  # by indicator code

    @property
    def status(self) -> str:
        return self.review.status if self.review else Review.Status.NOT_REVIEWED

    @property
    def reviewer_name(self) -> str | None:
        user = self.review.reviewer if self.review else None
        return (user.get_full_name() or user.get_username()) if user else None

    def state_of(self, code: str) -> str | None:
        answer = self.answers.get(code)
        return answer.state or None if answer else None

    def digest(self) -> list:
        """What the report shows of the review (part of its cache key)."""
        return [self.status, self.reviewer_name, self.review.verified_at.isoformat()
                if self.review and self.review.verified_at else None,
                sorted((code, a.state, a.self_value, a.verified_value, a.changed) for code, a in self.answers.items())]


def review_state(*, assessment: Assessment, with_messages: bool = False) -> ReviewState:
    """The review of an assessment (2 queries, 3 with the threads)."""
    review = Review.objects.filter(assessment_id=assessment.pk).select_related("reviewer").first()
    if review is None:
        return ReviewState(review=None, answers={})
    rows = AnswerReview.objects.filter(review=review).select_related("indicator")
    if with_messages:
        rows = rows.prefetch_related("messages__author")
    return ReviewState(review=review, answers={row.indicator.code: row for row in rows})


def _locked_review(assessment: Assessment, *, need: str | None = Review.Status.IN_REVIEW) -> tuple[Assessment, Review]:
    locked = lock_assessment(assessment.pk)
    if not locked.is_submitted:
        raise ReviewRefused(gettext("Only a submitted assessment can be reviewed."))
    review, _ = Review.objects.get_or_create(assessment=locked)
    if need == Review.Status.IN_REVIEW and review.status != need:
        raise ReviewRefused(gettext("The review has not been started.") if review.status == Review.Status.NOT_REVIEWED
                            else gettext("This assessment is already verified."))
    return locked, review


def _answer(locked: Assessment, code: str) -> Answer:
    answer = Answer.objects.select_related("indicator").filter(assessment=locked, indicator__code=code).first()
    if answer is None or answer.value is None:
        raise ReviewRefused(gettext("Indicator %(code)s has no answer to review.") % {"code": code})
    return answer


def _answer_review(review: Review, answer: Answer) -> AnswerReview:
    row, created = AnswerReview.objects.get_or_create(
        review=review, indicator=answer.indicator, defaults={"self_value": stored_value(answer.value)})
    if not created and row.self_value == "" and not row.changed:
        row.self_value = stored_value(answer.value)
    return row


def _check_reviewer(user, assessment: Assessment) -> None:
    if not access.may_review_answers(user, assessment.region):
        raise NotAllowed(gettext("Only a reviewer of this region can do this."))


def _check_answerer(user, assessment: Assessment) -> None:
    if not access.may_answer(user, assessment.region):
        raise NotAllowed(gettext("Only who answers this region's assessments can do this."))


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _shown(value: AnswerValue) -> str:
    return gettext("N/A") if value == NOT_APPLICABLE else "—" if value is None else str(value)


def _answerers(assessment: Assessment, answer: Answer | None = None) -> list:
    """Who answers a query: the region's officials and whoever last set the answer, if they still may."""
    users = list(assessment.region.officials.all())
    if answer is not None and answer.updated_by is not None and answer.updated_by not in users \
            and access.may_answer(answer.updated_by, assessment.region):
        users.append(answer.updated_by)
    return users


def start_review(*, assessment: Assessment, user) -> Review:
    _check_reviewer(user, assessment)
    with transaction.atomic():
        locked, review = _locked_review(assessment, need=None)
        if review.status == Review.Status.VERIFIED:
            raise ReviewRefused(gettext("This assessment is already verified."))
        if review.status == Review.Status.NOT_REVIEWED:
            review.status, review.reviewer, review.started_at = Review.Status.IN_REVIEW, user, timezone.now()
            review.save()
            log_event("review_started", user=user.get_username(), assessment=locked.pk)
    return review


def accept_answer(*, assessment: Assessment, user, code: str) -> AnswerReview:
    _check_reviewer(user, assessment)
    with transaction.atomic():
        locked, review = _locked_review(assessment)
        row = _answer_review(review, _answer(locked, code))
        row.state = AnswerReview.State.ACCEPTED
        row.save()
        ReviewMessage.objects.create(answer_review=row, kind=ReviewMessage.Kind.ACCEPT, author=user)
        log_event("answer_accepted", user=user.get_username(), assessment=locked.pk, indicator=code)
    return row


def accept_open_answers(*, assessment: Assessment, user) -> list[str]:
    """Accept in one go every answer the reviewer has neither accepted nor queried yet (a reviewer who
    read 76 answers and queries three should not press "accept" 73 times). Queried answers stay open:
    each is settled on its own. Returns the codes accepted, in questionnaire order."""
    _check_reviewer(user, assessment)
    with transaction.atomic():
        locked, review = _locked_review(assessment)
        settled = set(AnswerReview.objects.filter(review=review, state__in=AnswerReview.State.values)
                      .values_list("indicator_id", flat=True))
        answers = [answer for answer in Answer.objects.select_related("indicator").filter(assessment=locked)
                   .order_by("indicator__subdimension__dimension__order", "indicator__subdimension__order",
                             "indicator__order", "indicator__code")
                   if answer.value is not None and answer.indicator_id not in settled]
        for answer in answers:
            row = _answer_review(review, answer)
            row.state = AnswerReview.State.ACCEPTED
            row.save()
            ReviewMessage.objects.create(answer_review=row, kind=ReviewMessage.Kind.ACCEPT, author=user)
        codes = [answer.indicator.code for answer in answers]
        log_event("answers_accepted", user=user.get_username(), assessment=locked.pk, count=len(codes))
    return codes


def query_answer(*, assessment: Assessment, user, code: str, comment: str) -> AnswerReview:
    _check_reviewer(user, assessment)
    comment = comment.strip()[:5000]
    if not comment:
        raise ReviewRefused(gettext("Write what you query about the answer."))
    with transaction.atomic():
        locked, review = _locked_review(assessment)
        answer = _answer(locked, code)
        row = _answer_review(review, answer)
        row.state = AnswerReview.State.QUERIED
        row.save()
        ReviewMessage.objects.create(answer_review=row, kind=ReviewMessage.Kind.QUERY, author=user, text=comment)
        notify(users=_answerers(locked, answer), kind=Kind.QUERY, assessment=locked, exclude=user,
               params={"who": _name(user), "indicator": code, "text": comment})
        log_event("answer_queried", user=user.get_username(), assessment=locked.pk, indicator=code)
    return row


def _queried_row(review: Review, answer: Answer) -> AnswerReview:
    row = AnswerReview.objects.filter(review=review, indicator=answer.indicator).first()
    if row is None or row.state != AnswerReview.State.QUERIED:
        raise ReviewRefused(gettext("Indicator %(code)s is not queried; only a queried answer can be "
                                    "answered in review.") % {"code": answer.indicator.code})
    return row


def _reviewers(review: Review, row: AnswerReview) -> list:
    users = [review.reviewer] + [m.author for m in row.messages.filter(kind=ReviewMessage.Kind.QUERY)
                                 .select_related("author")]
    return [u for u in users if u is not None]


def reply_to_query(*, assessment: Assessment, user, code: str, text: str) -> ReviewMessage:
    _check_answerer(user, assessment)
    text = text.strip()[:5000]
    if not text:
        raise ReviewRefused(gettext("Write your reply first."))
    with transaction.atomic():
        locked, review = _locked_review(assessment)
        row = _queried_row(review, _answer(locked, code))
        message = ReviewMessage.objects.create(answer_review=row, kind=ReviewMessage.Kind.REPLY, author=user,
                                               text=text)
        notify(users=_reviewers(review, row), kind=Kind.REPLY, assessment=locked, exclude=user,
               params={"who": _name(user), "indicator": code, "text": text})
    return message


def change_answer(*, assessment: Assessment, user, code: str, value: AnswerValue, reason: str) -> ReviewMessage:
    """Change a queried answer of a submitted assessment to `value` (0–4 or "na"), with the reason."""
    _check_answerer(user, assessment)
    reason = reason.strip()[:5000]
    if not reason:
        raise ReviewRefused(gettext("Give the reason for the change."))
    if value is None or (value != NOT_APPLICABLE and value not in range(5)):
        raise ReviewRefused(gettext("Choose a level from 0 to 4 or “not applicable”."))
    with transaction.atomic():
        locked, review = _locked_review(assessment)
        answer = _answer(locked, code)
        row = _queried_row(review, answer)
        if value == NOT_APPLICABLE and not answer.indicator.allows_na_for(locked.region.kind):
            raise ReviewRefused(gettext("Indicator %(code)s cannot be “not applicable” for this region.")
                                % {"code": code})
        old = answer.value
        if old == value:
            raise ReviewRefused(gettext("The answer already has this level; reply instead."))
        answer.level = None if value == NOT_APPLICABLE else value
        answer.not_applicable = value == NOT_APPLICABLE
        answer.revision += 1
        answer.updated_by = user
        answer.save()
        Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        if not row.self_value:
            row.self_value = stored_value(old)
        row.verified_value, row.changed = stored_value(value), True
        row.save()
        message = ReviewMessage.objects.create(answer_review=row, kind=ReviewMessage.Kind.CHANGE, author=user,
                                               text=reason, old_value=stored_value(old),
                                               new_value=stored_value(value))
        notify(users=_reviewers(review, row), kind=Kind.REPLY, assessment=locked, exclude=user,
               params={"who": _name(user), "indicator": code, "text": reason, "old": _shown(old),
                       "new": _shown(value)})
        log_event("answer_changed_in_review", user=user.get_username(), assessment=locked.pk, indicator=code,
                  old=str(old), new=str(value))
    return message


def verify(*, assessment: Assessment, user) -> Review:
    _check_reviewer(user, assessment)
    with transaction.atomic():
        locked, review = _locked_review(assessment)
        answered = {a.indicator_id for a in Answer.objects.filter(assessment=locked) if a.value is not None}
        accepted = set(AnswerReview.objects.filter(review=review, state=AnswerReview.State.ACCEPTED,
                                                   indicator_id__in=answered).values_list("indicator_id", flat=True))
        open_count = len(answered - accepted)
        if open_count:
            queried = AnswerReview.objects.filter(review=review, state=AnswerReview.State.QUERIED).count()
            raise ReviewRefused(ngettext(
                "Not verified: %(open)d of %(total)d answers is not accepted yet (%(queried)d queried).",
                "Not verified: %(open)d of %(total)d answers are not accepted yet (%(queried)d queried).",
                open_count) % {"open": open_count, "total": len(answered), "queried": queried})
        review.status, review.reviewer, review.verified_at = Review.Status.VERIFIED, user, timezone.now()
        review.save()
        notify(users=locked.region.officials.all(), kind=Kind.VERIFIED, assessment=locked, exclude=user,
               params={"who": _name(user)})
        log_event("assessment_verified", user=user.get_username(), assessment=locked.pk)
    return review


def reset_on_reopen(*, assessment_id: int) -> None:
    """Inside the reopen's transaction: the review ends (see the module's docstring)."""
    review = Review.objects.filter(assessment_id=assessment_id).first()
    if review is None:
        return
    review.status, review.verified_at = Review.Status.NOT_REVIEWED, None
    review.save()
    AnswerReview.objects.filter(review=review).update(state="")


def self_assessed_values(*, values: dict[str, AnswerValue], state: ReviewState) -> dict[str, AnswerValue]:
    """The answers as the region assessed itself: the current (verified) values, with each answer
    changed in review put back to its self-assessed value."""
    result = dict(values)
    for code, row in state.answers.items():
        if row.changed and code in result:
            result[code] = read_value(row.self_value)
    return result


def bias_of(*, scored, state: ReviewState):
    """The self-assessment bias of a scored assessment (assessments/bias.py)."""
    from assessments.bias import self_assessment_bias

    values = dict(scored.values)
    return self_assessment_bias(spec=scored.spec, self_assessed=self_assessed_values(values=values, state=state),
                                verified=values)


def verified_ids(*, assessments) -> set[int]:
    """Of these assessments, the verified ones (one query)."""
    ids = [a.pk for a in assessments if a.is_submitted]
    if not ids:
        return set()
    return set(Review.objects.filter(assessment_id__in=ids, status=Review.Status.VERIFIED)
               .values_list("assessment_id", flat=True))
