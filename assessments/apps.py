from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments.versioning import publication_preview
        from frameworks.versions import register_publication_preview

        register_publication_preview(publication_preview)

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_remember_language, dispatch_uid="assessments.inbox.remember_language")


def _remember_language(sender, request, user, **kwargs) -> None:
    """The language a user signs in with is the one their e-mail is written in (assessments/inbox.py)."""
    from django.utils.translation import get_language

    from assessments.inbox import remember_language

    remember_language(user=user, language=getattr(request, "LANGUAGE_CODE", None) or get_language())
