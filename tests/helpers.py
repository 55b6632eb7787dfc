"""Small helpers shared by the view tests."""

import contextlib
import threading
from collections.abc import Iterator

from django.core.management import call_command
from django.test import override_settings

from assessments.models import Answer, Assessment
from frameworks.models import Framework, Indicator

SODPA_CODE, SODPA_VERSION = "sodpa-2023", 1


def load_sodpa() -> Framework:
    """Load the committed fixture of the real framework (idempotent: rows keep their primary keys)."""
    call_command("loaddata", SODPA_CODE, verbosity=0)
    return Framework.objects.get(code=SODPA_CODE, version=SODPA_VERSION)


def sodpa_framework() -> Framework:
    """The real framework: already in the database (loaded once per session), or loaded again when a
    transactional test has flushed the database."""
    framework = Framework.objects.filter(code=SODPA_CODE, version=SODPA_VERSION).first()
    return framework if framework is not None else load_sodpa()


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


@contextlib.contextmanager
def stalled_pdf_engine() -> Iterator[None]:
    """Inside: the PDF engine never finishes, and the time limit is 10 ms. Tests of the time limit meet
    it whatever the machine's load, instead of betting that a real render takes longer than 10 ms."""
    from assessments import reports

    release, original = threading.Event(), reports.html_to_pdf

    def never_finishes(html: str) -> bytes:
        release.wait(60)
        raise RuntimeError("a stalled render, released when the test is over")

    reports.html_to_pdf = never_finishes
    try:
        with override_settings(REPORT_TIMEOUT_SECONDS=0.01):
            yield
    finally:
        reports.html_to_pdf = original
        release.set()
