"""Framework versions: a published version is never edited in place.

- `new_draft_version` copies a version (questionnaire, recommendation content and their links) as
  the next version number, a draft the admin may edit;
- `publish` validates a draft (the same rules as `import_framework`) and publishes it;
- `import_document` loads an `export_framework` document as a new draft version;
- `publication_preview` shows, per region, how its latest assessment would score under a draft: the
  work is assessments.versioning's (frameworks never imports assessments), registered at start-up.

Scoring assessments under another version and moving a draft assessment between versions live in
`assessments.versioning`. Submitted assessments keep the version they were submitted under.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from frameworks.content import validate_document
from frameworks.export import export_document
from frameworks.models import Framework
from frameworks.records import create_framework, document_records


class FrameworkInvalid(ValidationError):
    """A framework version (or document) breaks the rules; `problems` names each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)


class VersionError(Exception):
    """An operation the state of a version or an assessment does not allow; the message says why."""


@contextmanager
def _acting_as(user) -> Iterator[None]:
    """Attribute the history records written inside to `user` when no web request already does
    (the request is what django-simple-history's middleware exposes)."""
    context = HistoricalRecords.context
    if user is None or getattr(context, "request", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def framework_of(*, row) -> Framework | None:
    """The framework version a questionnaire or recommendation row belongs to (None while unsaved
    rows have no owner yet)."""
    if row is None or isinstance(row, Framework):
        return row
    for owner in ("framework", "dimension", "subdimension", "indicator", "scene_type"):
        if hasattr(row, f"{owner}_id"):
            if getattr(row, f"{owner}_id") is None:
                return None
            return framework_of(row=getattr(row, owner))
    raise TypeError(f"{type(row).__name__} does not belong to a framework version")


def is_editable(*, row) -> bool:
    """Rows of a published version are never edited in place (a new draft version is)."""
    framework = framework_of(row=row)
    return framework is None or not framework.is_published


def next_version(*, code: str) -> int:
    return (Framework.objects.filter(code=code).aggregate(last=Max("version"))["last"] or 0) + 1


# --- creating and publishing versions -------------------------------------------------------------


def _create_from_document(document: dict, *, user) -> Framework:
    """A new draft version (max + 1, whatever the document says) from a validated document."""
    document = {**document, "version": next_version(code=document["code"])}
    try:
        records = document_records(document, status=Framework.Status.DRAFT)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise FrameworkInvalid([f"document: malformed content ({type(error).__name__}: {error})"]) from error
    with _acting_as(user):
        return create_framework(records)


def new_draft_version(*, framework: Framework, user=None) -> Framework:
    """Copy `framework` (every questionnaire and recommendation row, links included) as a draft
    with the next version number of its code."""
    with transaction.atomic():
        # Lock the code's versions so two copies made at once cannot take the same number.
        list(Framework.objects.select_for_update().filter(code=framework.code).values_list("pk", flat=True))
        return _create_from_document(export_document(framework=framework), user=user)


def import_document(*, document: dict, publish_it: bool = False, user=None) -> Framework:
    """Load an `export_framework` document as a new draft version (published if asked); the
    document is validated first and nothing is written when it, or publishing, fails."""
    if not isinstance(document, dict):
        raise FrameworkInvalid(["document: the file must hold one JSON object"])
    try:
        problems = validate_document(document)
    except (AttributeError, KeyError, TypeError, ValueError) as error:  # not shaped like an export at all
        raise FrameworkInvalid([f"document: malformed content ({type(error).__name__}: {error})"]) from error
    if problems:
        raise FrameworkInvalid(problems)
    with transaction.atomic():
        list(Framework.objects.select_for_update().filter(code=document["code"]).values_list("pk", flat=True))
        framework = _create_from_document(document, user=user)
        if publish_it:
            framework = publish(framework=framework, user=user)
    return framework


def validation_problems(*, framework: Framework) -> list[str]:
    """What stands in the way of publishing: the document rules (weights, thresholds, unique
    codes, five bilingual level descriptors per indicator, recommendation content)."""
    return validate_document(export_document(framework=framework))


def publish(*, framework: Framework, user=None) -> Framework:
    """Publish a draft. Raises FrameworkInvalid naming every problem, VersionError if it is not a draft."""
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.is_published:
            raise VersionError(_("%(framework)s is already published.") % {"framework": framework})
        problems = validation_problems(framework=framework)
        if problems:
            raise FrameworkInvalid(problems)
        framework.status = Framework.Status.PUBLISHED
        framework.published_at = timezone.now()
        if user is not None:
            framework._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
        framework.save(update_fields=["status", "published_at"])
    return framework


# --- the publication preview (provided by the assessments app) ---------------------------------

_preview_provider: Callable[..., list] | None = None


def register_publication_preview(provider: Callable[..., list]) -> None:
    """The assessments app registers the function that scores regions under a draft."""
    global _preview_provider  # noqa: PLW0603 - one provider per process, set once at start-up
    _preview_provider = provider


def publication_preview(*, draft: Framework) -> list:
    """Per region: its latest assessment scored under its own version and under `draft` (empty
    when no assessments app provides the preview)."""
    return _preview_provider(draft=draft) if _preview_provider else []
