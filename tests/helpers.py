"""Small helpers shared by the view tests."""

import contextlib
import json
import multiprocessing
import time
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings

from assessments.models import Answer, Assessment
from frameworks.models import Framework, Indicator

SODPA_CODE, SODPA_VERSION = "sodpa-2023", 1
# Five dimensions of one sub-dimension and two indicators each: S1.1, S1.2, O1.1, … A1.2 (`small_framework`).
SMALL_SHAPE = {code: {f"{code}1": [(1, False), (1, False)]} for code in "SODPA"}


# Each fixture's rows as loaddata left them, kept by the first load in this process (`load_fixture`).
_LOADED_ROWS: dict[str, list[tuple[type[Model], list[str], list[tuple]]]] = {}


def load_fixture(name: str) -> None:
    """`loaddata name`, the first time in this process; after that (the rows were rolled back or flushed
    since) the same rows are inserted again in bulk, as loaddata left them: a tenth of loaddata's time,
    which reloaded the real framework after every transactional test."""
    if name not in _LOADED_ROWS:
        call_command("loaddata", name, verbosity=0)
        _LOADED_ROWS[name] = _rows_of(name)
        return
    with transaction.atomic():
        for model, names, rows in _LOADED_ROWS[name]:
            model._base_manager.bulk_create(model(**dict(zip(names, row, strict=True))) for row in rows)
        statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in _LOADED_ROWS[name]])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _rows_of(name: str) -> list[tuple[type[Model], list[str], list[tuple]]]:
    """The rows of the fixture's objects and of their many-to-many links, in the fixture's model order."""
    path = Path(settings.BASE_DIR) / "fixtures" / f"{name}.json"
    keys: dict[str, list] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        keys.setdefault(entry["model"], []).append(entry["pk"])
    rows = []
    for label, pks in keys.items():
        model = apps.get_model(label)
        rows.append(_table(model, model._base_manager.filter(pk__in=pks)))
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            rows.append(_table(through, through._base_manager.filter(**{f"{field.m2m_field_name()}__in": pks})))
    return rows


def _table(model: type[Model], queryset) -> tuple[type[Model], list[str], list[tuple]]:
    names = [field.attname for field in model._meta.concrete_fields]
    return model, names, list(queryset.order_by("pk").values_list(*names))


def load_sodpa() -> Framework:
    """Load the committed fixture of the real framework."""
    load_fixture(SODPA_CODE)
    return Framework.objects.get(code=SODPA_CODE, version=SODPA_VERSION)


def sodpa_framework() -> Framework:
    """The real framework: already in the database (loaded once per session), or loaded again when a
    transactional test has flushed the database."""
    framework = Framework.objects.filter(code=SODPA_CODE, version=SODPA_VERSION).first()
    return framework if framework is not None else load_sodpa()


def fill(assessment: Assessment, level: int = 2, *, skip: int = 0, leave: tuple[str, ...] = ()) -> list[Indicator]:
    """Answer every indicator of the assessment's framework (but the last `skip`, and those of the
    dimensions whose codes are in `leave`) with `level`."""
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=assessment.framework)
                      .select_related("subdimension__dimension"))
    answered = [i for i in indicators[: len(indicators) - skip] if i.subdimension.dimension.code not in leave]
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
    it whatever the machine's load, instead of betting that a real render takes longer than 10 ms.
    The render child is forked from the test process here (not from the forkserver), so it runs the
    stalled engine; the parent kills it at the limit, as it would a real one."""
    from assessments import pdf_child, reports

    original_context, original_typeset = reports._CHILD_CONTEXT, pdf_child.typeset

    def never_finishes(html: str, sender) -> None:
        time.sleep(600)

    reports._CHILD_CONTEXT = multiprocessing.get_context("fork")
    pdf_child.typeset = never_finishes
    try:
        with override_settings(REPORT_TIMEOUT_SECONDS=0.01):
            yield
    finally:
        reports._CHILD_CONTEXT, pdf_child.typeset = original_context, original_typeset


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


def make_people() -> dict:
    """The `people` fixture's regions and users (also built once per module by tests/test_access_rules.py)."""
    from frameworks.permissions import make_framework_editor
    from tests.factories import RegionFactory, UserFactory

    own, other = RegionFactory(name="苏州工业园区"), RegionFactory(name="黄山市", city_type="tourism")
    users = {
        "official": UserFactory(username="official"),
        "other_official": UserFactory(username="other_official"),
        "consultant": UserFactory(username="consultant"),
        "other_consultant": UserFactory(username="other_consultant"),
        "admin": UserFactory(username="admin", is_staff=True),
        "nobody": UserFactory(username="nobody"),
    }
    make_framework_editor(user=users["admin"])
    own.officials.add(users["official"])
    other.officials.add(users["other_official"])
    own.consultants.add(users["consultant"])
    other.consultants.add(users["other_consultant"])
    return {"own": own, "other": other, **users}


@contextlib.contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """For module-scoped fixtures: what is written inside is rolled back when it exits. A fixture that yields
    inside keeps its rows for the module's tests, each of which runs in a savepoint within it (pytest-django),
    so a test's own writes are undone before the next test; on-commit work (an evidence file's removal from
    storage) never runs. A fixture that returns from inside keeps only what it computed."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
