from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments.versioning import publication_preview
        from frameworks.versions import register_publication_preview

        register_publication_preview(publication_preview)
