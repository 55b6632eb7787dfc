"""Editing the questionnaire is a permission, not a role in any region.

The group "framework editors" holds every Django model permission of the frameworks app (view, add,
change, delete framework versions, dimensions, sub-dimensions, indicators, level descriptors and
the recommendation content). A staff user in it maintains framework versions in the admin; it
grants no access to any region's assessments (assessments/access.py).
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

FRAMEWORK_EDITORS = "framework editors"
DEFAULT_ACTIONS = ("add", "change", "delete", "view")  # Django's default permissions of every model


def framework_editors_group() -> Group:
    """The group, created or brought up to date with every permission of the frameworks app."""
    config = apps.get_app_config("frameworks")
    permissions = Permission.objects.filter(content_type__app_label="frameworks")
    # Normally done after migrate; a count first, as creating them checks every model (most callers find
    # them all there).
    if permissions.count() < len(DEFAULT_ACTIONS) * len(list(config.get_models())):
        create_permissions(config, verbosity=0)
    group, _ = Group.objects.get_or_create(name=FRAMEWORK_EDITORS)
    group.permissions.set(permissions)
    return group


def make_framework_editor(*, user) -> None:
    """Staff (so the admin lets them in) and a member of the framework editors: no region access."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(framework_editors_group())
