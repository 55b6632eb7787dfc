"""Third-party apps under names the admin shows in the page's language (their own app configs give
an untranslated name: "Axes", "Tasks Database Backend")."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class SignInThrottlingConfig(AxesAppConfig):
    verbose_name = _("Sign-in throttling")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # a lazy string, as Django's own apps use
