"""Nothing goes unseen: notifications in the in-app inbox, and by e-mail.

`notify` is the one entry point (review.py, transitions.py, and the team's assignments call it): it
records one Notification per user and, once the transaction commits, e-mails each user who has an
address, in the language they signed in with last (`UserLanguage`, recorded at sign-in: the
language of the sign-in page, which follows the language switch's cookie), else zh-hans. The mail
goes through Django's mail settings: SMTP when EMAIL_HOST is set, the console backend otherwise
(docs/deployment.md).

The text of a notification is not stored: its kind and params are, and the text is rendered in the
reader's language when shown (`notification_text`).
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from assessments.inbox_models import Notification, UserLanguage
from assessments.models import Assessment, StatusChange

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "zh-hans"
Kind = Notification.Kind

# Where a notification of each kind leads (url name, given the assessment's id).
_LINKS: dict[str, str] = {Kind.ASSIGNMENT: "questionnaire", Kind.QUERY: "review", Kind.REPLY: "review",
          Kind.SENT_BACK: "questionnaire", Kind.VERIFIED: "results"}


def notification_text(*, kind: str, params: dict) -> str:
    """The notification's sentence in the active language."""
    values = {key: str(value) for key, value in params.items()}
    values.setdefault("assessment", "")
    values.setdefault("who", "")
    if kind == Kind.QUERY:
        return gettext("%(who)s queried %(indicator)s of “%(assessment)s”: %(text)s") % values
    if kind == Kind.REPLY and params.get("new") is not None:
        return gettext("%(who)s changed %(indicator)s of “%(assessment)s” from %(old)s to %(new)s: "
                       "%(text)s") % values
    if kind == Kind.REPLY:
        return gettext("%(who)s replied on %(indicator)s of “%(assessment)s”: %(text)s") % values
    if kind == Kind.SENT_BACK:
        return gettext("%(who)s sent “%(assessment)s” back: %(text)s") % {"text": "", **values}
    if kind == Kind.VERIFIED:
        return gettext("%(who)s verified “%(assessment)s”.") % values
    if kind == Kind.ASSIGNMENT:
        return gettext("%(who)s assigned you %(parts)s of “%(assessment)s”.") % {"parts": "", **values}
    return gettext("Something awaits you in “%(assessment)s”.") % values


def _subject(kind: str, assessment_title: str) -> str:
    labels: dict[str, str] = {Kind.ASSIGNMENT: gettext("New assignment"), Kind.QUERY: gettext("A query on your answer"),
              Kind.REPLY: gettext("A reply to your query"), Kind.SENT_BACK: gettext("Assessment sent back"),
              Kind.VERIFIED: gettext("Assessment verified")}
    return f"[{gettext('SODPA Portal')}] {labels.get(kind, gettext('Inbox'))}: {assessment_title}"[:200]


def language_of(user) -> str:
    row = UserLanguage.objects.filter(user=user).values_list("language", flat=True).first()
    return row if row in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


def remember_language(*, user, language: str | None) -> None:
    """Record the language the user uses the site in (ignored when not one of the site's)."""
    if user is None or not user.is_authenticated or language not in dict(settings.LANGUAGES):
        return
    UserLanguage.objects.update_or_create(user=user, defaults={"language": language})


def _mail(notification_ids: list[int]) -> None:
    """E-mail each notification to its user (after the commit; a failure is logged, never raised)."""
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user", "assessment"):
        user = notification.user
        if not user.email or not user.is_active:
            continue
        with translation.override(language_of(user)):
            title = notification.assessment.title if notification.assessment else ""
            body = notification_text(kind=notification.kind, params=notification.params)
            if notification.link:
                body += "\n\n" + gettext("Open: %(link)s") % {"link": _absolute(notification.link)}
            body += "\n\n" + gettext("This message was sent by the SODPA Portal; your inbox there lists it too.")
            subject = _subject(notification.kind, title)
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # a mail server that is down must not undo or break what was recorded
            logger.exception("notification %s could not be e-mailed", notification.pk)


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{link}" if base else link


def notify(*, users: Iterable, kind: str, assessment: Assessment | None = None, params: dict | None = None,
           link: str | None = None, exclude=None) -> list[Notification]:
    """Put a notification of `kind` (Notification.Kind) in each user's inbox (once per user; `exclude`:
    a user left out, usually the one who acted) and e-mail it once the transaction commits.
    `params`: what the text names (strings; "who", "indicator", "text", "old", "new", "parts");
    the assessment's title is added. `link`: where it leads (by default the page of its kind)."""
    params = dict(params or {})
    if assessment is not None:
        params.setdefault("assessment", assessment.title)
        if link is None and kind in _LINKS:
            link = reverse(_LINKS[kind], args=[assessment.pk])
    seen, created = set(), []
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        created.append(Notification(user=user, kind=kind, assessment=assessment, params=params, link=link or ""))
    created = Notification.objects.bulk_create(created)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: _mail(ids))
    return created


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox_of(*, user, limit: int = 200) -> list[Notification]:
    """The user's notifications, newest first (unread and read)."""
    return list(Notification.objects.filter(user=user).select_related("assessment")[:limit])


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or, without an id, all of them) as read; returns how
    many were unread. Another user's notification is never touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def navigation_context(request) -> dict:
    """The base template's inbox badge: the unread count, read at most once per page (lazily: a
    page that does not show the navigation bar runs no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user=user))}


def sent_back(*, assessments: Iterable[Assessment]) -> dict[int, StatusChange]:
    """Of these assessments, the drafts that were sent back (their latest status change is a reopen),
    with that change (its reason and who sent it back): one query for any number."""
    drafts = [a.pk for a in assessments if a.status == Assessment.Status.DRAFT]
    if not drafts:
        return {}
    latest: dict[int, StatusChange] = {}
    for change in (StatusChange.objects.filter(assessment_id__in=drafts).select_related("changed_by")
                   .order_by("assessment_id", "-changed_at", "-pk")):
        latest.setdefault(change.assessment_id, change)
    return {pk: change for pk, change in latest.items() if change.status == Assessment.Status.DRAFT}
