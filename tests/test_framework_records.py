"""A framework version saved by `create_framework` (bulk inserts per model): every row and link is
there, and each row's history says who created it, as the admin's history page shows."""

import pytest

from frameworks.models import Indicator, LevelDescriptor, SceneType
from frameworks.versions import new_draft_version

pytestmark = pytest.mark.django_db


def test_a_copied_draft_has_every_row_link_and_its_creator_in_the_history(sodpa, people):
    draft = new_draft_version(framework=sodpa, user=people["admin"])
    source = Indicator.objects.filter(subdimension__dimension__framework=sodpa)
    copied = Indicator.objects.filter(subdimension__dimension__framework=draft)
    assert sorted(copied.values_list("code", "weight")) == sorted(source.values_list("code", "weight"))
    assert LevelDescriptor.objects.filter(indicator__in=copied).count() == 5 * source.count()
    links = sorted(SceneType.objects.filter(framework=draft).values_list("number", "dimensions__code"))
    assert len(links) >= 8 and links == sorted(
        SceneType.objects.filter(framework=sodpa).values_list("number", "dimensions__code"))
    created = copied.get(code="S1.1").history.earliest()
    assert (created.history_type, created.history_user) == ("+", people["admin"])
    assert draft.history.earliest().history_user == people["admin"]
