"""Small helpers shared by the view tests."""

from pathlib import Path

from assessments.models import Answer, Assessment
from frameworks.models import Indicator


def fill(assessment: Assessment, level: int = 2, *, skip: int = 0) -> list[Indicator]:
    """Answer every indicator of the assessment's framework (but the last `skip`) with `level`."""
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=assessment.framework))
    answered = indicators[: len(indicators) - skip]
    Answer.objects.bulk_create(Answer(assessment=assessment, indicator=i, level=level) for i in answered)
    return indicators


def step_post_data(response) -> dict:
    """The form data a browser would send for the step page as rendered (hidden fields included)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def form_data_from_html(html: str, form_id: str = "questionnaire-form") -> dict:
    """The data a browser would submit for a form, read from the page's HTML (thread-safe,
    unlike `response.context`, which the test client fills from a process-wide signal)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.data, self.textarea = False, {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id") == form_id:
                self.inside = True
            elif self.inside and tag == "input" and attrs.get("name"):
                kind = attrs.get("type", "text")
                if kind == "radio":
                    self.data.setdefault(attrs["name"], "")
                    if "checked" in attrs:
                        self.data[attrs["name"]] = attrs.get("value", "")
                elif kind != "submit":
                    self.data[attrs["name"]] = attrs.get("value", "")
            elif self.inside and tag == "textarea":
                self.textarea = attrs.get("name")
                self.data[self.textarea] = ""

        def handle_data(self, text):
            if self.textarea:
                self.data[self.textarea] += text

        def handle_endtag(self, tag):
            if tag == "textarea":
                if self.textarea:
                    self.data[self.textarea] = self.data[self.textarea].removeprefix("\n")
                self.textarea = None
            elif tag == "form":
                self.inside = False

    reader = Reader()
    reader.feed(html)
    return reader.data


SAMPLE_V2 = Path(__file__).parent / "data" / "v2-sample"


def sample_v2_document() -> dict:
    """The tiny version-2-format source under tests/data/v2-sample/ as one document."""
    from frameworks.content import read_source

    return read_source(SAMPLE_V2)


def load_sample_v2(**changes):
    """Save the tiny version-2 sample as a published framework (code "sample-v2"); `changes`
    overrides top-level keys of the document."""
    from frameworks.models import Framework
    from frameworks.records import create_framework, document_records

    document = {**sample_v2_document(), **changes}
    return create_framework(document_records(document, status=Framework.Status.PUBLISHED))
