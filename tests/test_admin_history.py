"""The admin a person can read (issue 16, part 8): the version history shows every weight and text
change with old and new values, in the page's language and the site's time zone; the publish
preview counts and names the regions that change tier; the site is SODPA's, in both languages."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frameworks.models import Framework, Indicator
from frameworks.versions import new_draft_version, publish
from frameworks.weights import save_weights, weight_rows
from tests.factories import AssessmentFactory, UserFactory
from tests.helpers import fill

pytestmark = pytest.mark.django_db


def signed_in(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_version_history_shows_each_change_old_and_new_localised(sodpa, people, django_assert_num_queries):
    admin = people["admin"]
    draft = new_draft_version(framework=sodpa, user=admin)
    row = next(r for r in weight_rows(framework=draft) if r.row.code == "S1.2" and isinstance(r.row, Indicator))
    typed = {"weight": 2.0, "rationale_zh": "编制规划是关键。", "rationale_en": row.row.rationale_en,
             "revision": row.revision}
    save_weights(framework=draft, user=admin, reason="专家评审意见", edits={row.key: typed})
    publish(framework=draft, user=admin)
    published_at = Framework.objects.get(pk=draft.pk).published_at
    url = reverse("admin:frameworks_framework_history", args=[draft.pk])
    client = signed_in(admin)
    with django_assert_num_queries(24):
        page = client.get(url)
    html = page.content.decode()
    table = html.split('id="version-history"')[1]
    # The weight and the reason, old → new, with the reason given; the row copied with the draft is not listed.
    assert "权重" in table and "1.5</span> &rarr; 2" in table
    assert "编制规划是关键。" in table and "专家评审意见" in table
    # Publishing: the status by its label in Chinese, the time in Asia/Shanghai, and no "None" for no reason.
    assert "草稿</span> &rarr; 已发布" in table and "draft" not in table and "published" not in table
    local = timezone.localtime(published_at, timezone.get_fixed_timezone(8 * 60))
    assert f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}" in table
    assert "None" not in table and "+00:00" not in table and "UTC" not in table
    assert "修改原因" in table and "修改内容" in table  # column headings translated
    english = signed_in(admin, "en").get(url).content.decode().split('id="version-history"')[1]
    assert "Draft</span> &rarr; Published" in english
    # The row's own history page: the same values, no "None".
    s12 = Indicator.objects.get(subdimension__dimension__framework=draft, code="S1.2")
    own = client.get(reverse("admin:frameworks_indicator_history", args=[s12.pk])).content.decode()
    assert "1.5" in own and "专家评审意见" in own and "None" not in own.split('id="change-history"')[1]


def test_the_publish_preview_counts_and_names_the_regions_that_change_tier(sodpa, people):
    own, other = people["own"], people["other"]
    fill(AssessmentFactory(region=own, framework=sodpa, status="submitted", submitted_at=timezone.now()), 2)  # 50
    fill(AssessmentFactory(region=other, framework=sodpa, status="submitted", submitted_at=timezone.now()), 3)  # 75
    draft = new_draft_version(framework=sodpa, user=people["admin"])
    Framework.objects.filter(pk=draft.pk).update(tier_intermediate=55)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    page = signed_in(root).get(reverse("admin:frameworks_framework_publish", args=[draft.pk])).content.decode()
    summary = page.split('id="tier-changes"')[1].split("</div>")[0]
    assert "2 个地区中有 1 个的分档发生变化" in summary
    assert "苏州工业园区：中等 → 较弱" in summary and "黄山市" not in summary


def test_the_admin_is_branded_sodpa_in_both_languages(people):
    zh = signed_in(people["admin"]).get(reverse("admin:index")).content.decode()
    en = signed_in(people["admin"], "en").get(reverse("admin:index")).content.decode()
    assert "SODPA 管理后台" in zh and "SODPA administration" in en
    assert "Django" not in zh and "Django" not in en
    # Third-party models under translated names (django-axes is visible to superusers only).
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    index = signed_in(root).get(reverse("admin:index")).content.decode()
    assert "登录限制" in index and "后台任务" in index and "Access attempts" not in index
