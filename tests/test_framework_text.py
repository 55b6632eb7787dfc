"""Framework text (names, questions, guide sections) is data: shown escaped on the questionnaire, never
rendered as a Django template; and publishing refuses template syntax and HTML tags, naming the field."""

import pytest
from django.urls import reverse

from frameworks.content import markup_errors
from frameworks.models import Indicator, SubDimension
from frameworks.versions import FrameworkInvalid, new_draft_version, publish
from tests.factories import AssessmentFactory

pytestmark = pytest.mark.django_db

COOKIE_NAME = "{{ request.COOKIES.sessionid }} {{ csrf_token }}"
GUIDE = "{% now 'Y' %} <b>七(一)</b>"


def test_framework_text_is_shown_as_typed_never_run_as_a_template(client, sodpa, people):
    SubDimension.objects.filter(dimension__framework=sodpa, code="S1").update(name_zh=COOKIE_NAME, name_en=COOKIE_NAME,
                                                                              guide_section=GUIDE)
    Indicator.objects.filter(subdimension__dimension__framework=sodpa, code="S1.1").update(
        question_zh="<i>问题</i> {{ user.password }}", guide_section="{{ request.COOKIES }}")
    assessment = AssessmentFactory(region=people["own"], framework=sodpa)
    client.force_login(people["official"])
    response = client.get(reverse("questionnaire", args=[assessment.pk]) + "?step=S")
    page = response.content.decode()
    session_id = client.cookies["sessionid"].value
    assert session_id not in page
    assert people["official"].password[:20] not in page
    assert "<legend>S1 {{ request.COOKIES.sessionid }} {{ csrf_token }}</legend>" in page
    assert "{% now &#x27;Y&#x27; %} &lt;b&gt;七(一)&lt;/b&gt;" in page
    assert "&lt;i&gt;问题&lt;/i&gt; {{ user.password }}" in page
    assert "<b>七(一)</b>" not in page and "<i>问题</i>" not in page


@pytest.mark.parametrize(("text", "found"), [
    ("{{ request.COOKIES.sessionid }}", "{{"), ("{% debug %}", "{%"), ("{# note #}", "{#"),
    ("<script>alert(1)</script>", "<s"), ("see </b>", "</"), ("<!-- x -->", "<!"),
])
def test_publishing_refuses_template_syntax_and_html_naming_the_field(sodpa, text, found):
    draft = new_draft_version(framework=sodpa)
    SubDimension.objects.filter(dimension__framework=draft, code="S1").update(name_en=f"Strategy {text}")
    with pytest.raises(FrameworkInvalid) as error:
        publish(framework=draft)
    assert error.value.problems == [
        f"dimensions[S].subdimensions[S1].name.en: template syntax or HTML is not allowed in framework text "
        f"(found {found!r})"]


def test_ordinary_text_with_braces_and_less_than_passes():
    assert markup_errors({"name": {"en": "a < b, {x} and 5 <= 6", "zh-hans": "｛｝〈〉"}}) == []
