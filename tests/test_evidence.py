"""Evidence files (issue 15, part 3): attached through the questionnaire's forms, checked by content,
limited in size, stored on the local folder and, under bin/with-s3 (`make test-s3`), on a real
S3-compatible server (moto's server mode) — the same tests on both, each asserting what is (or is not)
in the storage itself. Served only through the access-checked views (tests/test_access_rules.py has
every persona); shown on the questionnaire, the results page, the PDF appendix and the API."""

import csv
import hashlib
import io
import uuid
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from assessments.evidence import EvidenceRefused, attach_evidence, check_file
from assessments.evidence_models import EvidenceFile
from assessments.models import Assessment
from frameworks.models import Indicator
from tests.evidence_samples import docx_bytes, jpeg_bytes, ole_bytes, pdf_bytes, png_bytes, xlsx_bytes
from tests.factories import AssessmentFactory
from tests.test_move_edition import draft_on, editions  # noqa: F401,F811 - a fixture

pytestmark = pytest.mark.django_db


class Stored:
    """What the storage holds, read from the storage itself: the folder, or the bucket through boto3."""

    def __init__(self, names, kind: str):
        self.names, self.kind = names, kind


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def stored(request, settings, tmp_path) -> Stored:
    if request.param == "local":
        settings.STORAGES = {**settings.STORAGES, "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
        return Stored(lambda: sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()),
                      "local")
    if not django_settings.EVIDENCE_S3:
        pytest.skip("no S3-compatible server: run under bin/with-s3 (make test-s3)")
    import boto3

    options = {**django_settings.EVIDENCE_S3, "location": f"test-{uuid.uuid4().hex}"}
    settings.STORAGES = {**settings.STORAGES, "evidence": {"BACKEND": "storages.backends.s3.S3Storage",
                                                           "OPTIONS": options}}
    bucket = boto3.client("s3", endpoint_url=options["endpoint_url"], region_name=options["region_name"],
                          aws_access_key_id=options["access_key"], aws_secret_access_key=options["secret_key"])
    prefix = options["location"] + "/"

    def keys():
        listed = bucket.list_objects_v2(Bucket=options["bucket_name"], Prefix=prefix)
        return sorted(item["Key"].removeprefix(prefix) for item in listed.get("Contents", []))

    from storages.backends.s3 import S3Storage

    assert isinstance(EvidenceFile._meta.get_field("file").storage, S3Storage)  # what the model writes to
    return Stored(keys, "s3")


@pytest.fixture
def draft(sodpa, people):
    return AssessmentFactory(region=people["own"], framework=sodpa, title="证据草稿")


def indicator(code: str) -> Indicator:
    return Indicator.objects.select_related("subdimension__dimension").get(
        subdimension__dimension__framework__code="sodpa-2023", subdimension__dimension__framework__version=1,
        code=code)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):  # the messages below are the English ones; zh-hans: test_in_chinese…
        yield


def client_of(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies.load({"django_language": language})
    return client


def upload(client, assessment, code: str, *files: tuple[str, bytes]):
    return client.post(reverse("evidence_upload", args=[assessment.pk, indicator(code).pk]),
                       {"files": [SimpleUploadedFile(name, content) for name, content in files]}, follow=True)


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_attach_show_download_zip_and_delete(stored, draft, people, django_capture_on_commit_callbacks):
    official, consultant = client_of(people["official"]), client_of(people["consultant"])
    png, docx = png_bytes(), docx_bytes()
    response = upload(official, draft, "S1.1", ("规划图.png", png), ("实施方案.docx", docx))
    assert shown_messages(response) == ["“规划图.png” attached to S1.1.", "“实施方案.docx” attached to S1.1."]
    assert response.redirect_chain[-1][0].endswith("?step=S#evidence-i_S1_1")
    rows = list(EvidenceFile.objects.filter(assessment=draft).order_by("pk"))
    assert [(r.original_name, r.size, r.sha256, r.content_type, r.uploaded_by) for r in rows] == [
        ("规划图.png", len(png), hashlib.sha256(png).hexdigest(), "image/png", people["official"]),
        ("实施方案.docx", len(docx), hashlib.sha256(docx).hexdigest(),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document", people["official"])]
    # in the storage under a name of our making (no user input), never under a public URL
    assert stored.names() == sorted(r.file.name for r in rows)
    assert all(name.startswith(f"evidence/{draft.pk}/") and "规划" not in name for name in stored.names())
    page = response.content.decode()
    assert 'id="evidence-i_S1_1"' in page and "规划图.png" in page and "实施方案.docx" in page
    assert f'action="{reverse("evidence_delete", args=[draft.pk, rows[0].pk])}"' in page

    for client in (official, consultant):
        got = client.get(reverse("evidence_download", args=[draft.pk, rows[0].pk]))
        assert got.status_code == 200 and body(got) == png
        assert got["Content-Type"] == "image/png" and got["X-Content-Type-Options"] == "nosniff"
        disposition = got["Content-Disposition"]
        assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition

    results = consultant.get(reverse("results", args=[draft.pk])).content.decode()
    assert "规划图.png" in results and reverse("evidence_download", args=[draft.pk, rows[1].pk]) in results
    assert reverse("evidence_zip", args=[draft.pk]) in results

    archive = consultant.get(reverse("evidence_zip", args=[draft.pk]))
    assert archive["Content-Type"] == "application/zip" and archive.streaming
    with zipfile.ZipFile(io.BytesIO(body(archive))) as bundle:
        assert bundle.namelist() == ["S1.1/规划图.png", "S1.1/实施方案.docx", "manifest.csv"]
        assert bundle.read("S1.1/规划图.png") == png and bundle.read("S1.1/实施方案.docx") == docx
        manifest = list(csv.DictReader(io.StringIO(bundle.read("manifest.csv").decode("utf-8-sig"))))
    assert [(m["entry"], m["sha256"], m["size"]) for m in manifest] == [
        ("S1.1/规划图.png", hashlib.sha256(png).hexdigest(), str(len(png))),
        ("S1.1/实施方案.docx", hashlib.sha256(docx).hexdigest(), str(len(docx)))]

    with django_capture_on_commit_callbacks(execute=True):
        response = official.post(reverse("evidence_delete", args=[draft.pk, rows[0].pk]), follow=True)
    assert shown_messages(response) == ["“规划图.png” deleted from S1.1."]
    assert list(EvidenceFile.objects.filter(assessment=draft)) == [rows[1]]
    assert stored.names() == [rows[1].file.name]  # the object went with its row


SMALL = 64 * 1024


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("big.png", png_bytes(pad=SMALL), "it is larger than 64 KB, the most one file may have."),
    ("report.pdf", b"MZ\x90\x00" + b"\x00" * 60, "its name says a PDF document, but its content is a program."),
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "its name says a PDF document, but its content is a web page (HTML)."),
    ("table.xlsx", docx_bytes(),
     "its name says an Excel workbook (.xlsx), but its content is a Word document (.docx)."),
    ("photo.jpg", png_bytes(), "its name says a JPEG image, but its content is a PNG image."),
    ("notes.txt", b"plain text", "this kind of file is not accepted."),
    ("empty.pdf", b"", "its name says a PDF document, but its content is empty."),
])
def test_a_refused_file_says_why_and_stores_nothing(stored, draft, people, settings, name, content, reason):
    settings.EVIDENCE_MAX_FILE_BYTES = SMALL
    official = client_of(people["official"])
    response = upload(official, draft, "S1.1", (name, content))
    [message] = shown_messages(response)
    assert message.startswith(f"“{name}” was not attached: {reason}")
    assert not EvidenceFile.objects.exists() and stored.names() == []
    assert response.redirect_chain[-1][0].endswith("?step=S")  # the page's top, where the message is


def test_the_assessment_total_is_kept_and_a_submitted_assessment_refuses(stored, draft, people, settings):
    settings.EVIDENCE_MAX_ASSESSMENT_BYTES = 3000
    official = client_of(people["official"])
    first, second = png_bytes(pad=1500), png_bytes(pad=1400)
    response = upload(official, draft, "S1.1", ("一.png", first), ("二.png", second))  # cut off while it streams
    assert shown_messages(response) == ["“一.png” attached to S1.1.", "“二.png” was not attached: the files sent "
                                        "at once are larger than 3 KB, the most for all of an assessment's files."]
    response = upload(official, draft, "S1.1", ("二.png", second))
    assert shown_messages(response)[0].startswith(
        "“二.png” was not attached: the assessment's files would exceed 3 KB in all")
    [kept] = EvidenceFile.objects.all()
    assert kept.original_name == "一.png" and stored.names() == [kept.file.name]
    stale = Assessment.objects.get(pk=draft.pk)  # read before the submission below
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(EvidenceRefused, match="submitted"):  # stored first, then refused under the lock
        attach_evidence(assessment=stale, indicator=indicator("D1.1"), name="四.pdf", file=ContentFile(pdf_bytes()),
                        user=None)
    assert stored.names() == [kept.file.name]  # and its object removed again
    response = upload(official, draft, "D1.1", ("三.pdf", pdf_bytes()))
    assert shown_messages(response) == ["“三.pdf” was not attached: the assessment is submitted and read-only."]
    response = official.post(reverse("evidence_delete", args=[draft.pk, kept.pk]), follow=True)
    assert shown_messages(response) == ["“一.png” was not deleted: the assessment is submitted and read-only."]
    assert list(EvidenceFile.objects.all()) == [kept] and stored.names() == [kept.file.name]


def test_an_oversized_upload_is_cut_off_while_it_streams(settings):
    """The upload handler stops counting a file past the limit: it never reaches request.FILES (nor a
    temporary file) and its name is left for the view's message."""
    settings.EVIDENCE_MAX_FILE_BYTES = 64 * 1024
    request = RequestFactory().post("/", {"files": [SimpleUploadedFile("huge.pdf", b"%PDF-" + b"0" * 3_000_000),
                                                    SimpleUploadedFile("ok.png", png_bytes())]})
    assert [f.name for f in request.FILES.getlist("files")] == ["ok.png"]
    assert request.oversized_uploads == [("huge.pdf", "file")]


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("a.pdf", pdf_bytes(), "application/pdf"), ("a.png", png_bytes(), "image/png"),
    ("a.JPG", jpeg_bytes(), "image/jpeg"), ("a.jpeg", jpeg_bytes(), "image/jpeg"),
    ("a.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("a.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("a.doc", ole_bytes(), "application/msword"), ("a.xls", ole_bytes(), "application/vnd.ms-excel"),
    ("a.wps", ole_bytes(), "application/vnd.ms-works"), ("a.et", ole_bytes(), "application/vnd.ms-excel"),
])
def test_every_accepted_kind_is_recognised_by_its_content(name, content, content_type):
    checked = check_file(name=name, file=io.BytesIO(content))
    assert (checked.kind.content_type, checked.size, checked.sha256) == (
        content_type, len(content), hashlib.sha256(content).hexdigest())


@pytest.mark.parametrize(("name", "expected"), [
    ("C:\\Users\\张三\\规划.pdf", "规划.pdf"), ("../../etc/passwd.pdf", "passwd.pdf"),
    ("report\u202efdp.exe.pdf", "reportfdp.exe.pdf"), ("  a:b*?.pdf ", "a b.pdf")])
def test_names_lose_folders_and_invisible_characters(name, expected):
    assert check_file(name=name, file=io.BytesIO(pdf_bytes())).name == expected


def test_a_zip_that_is_no_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(EvidenceRefused, match="its content is a ZIP archive"):
        check_file(name="a.docx", file=buffer)


def test_the_pdf_appendix_lists_the_files(small_framework, people):
    import subprocess

    from assessments.reports import render_report

    # the appendix does not depend on the guide's content: a small framework's report
    draft = AssessmentFactory(region=people["own"], framework=small_framework, title="证据草稿")
    png = png_bytes()
    s1_1 = Indicator.objects.get(subdimension__dimension__framework=small_framework, code="S1.1")
    attach_evidence(assessment=draft, indicator=s1_1, name="规划图.png", file=ContentFile(png), user=people["official"])
    text = subprocess.run(["pdftotext", "-", "-"], input=render_report(assessment=draft, language="en"),
                          capture_output=True, check=True).stdout.decode()
    assert "Appendix: evidence files" in text and "规划图.png" in text
    assert hashlib.sha256(png).hexdigest()[:12] in text and hashlib.sha256(png).hexdigest()[:13] not in text


def test_in_chinese_the_refusal_names_the_file_and_the_reason(stored, draft, people):
    response = upload(client_of(people["official"], "zh-hans"), draft, "S1.1", ("方案.pdf", b"MZ\x90\x00"))
    assert shown_messages(response) == [
        "“方案.pdf”未能附上：文件名表明其为“PDF 文档”，但内容是“可执行程序”。只接受内容与文件名相符的文件。"]
    assert not EvidenceFile.objects.exists() and stored.names() == []


def test_files_follow_their_indicator_to_the_new_edition(people, editions):  # noqa: F811
    from assessments.versioning import move_assessment

    first, second = editions
    assessment = draft_on(first, people, "city")
    on = {code: Indicator.objects.get(subdimension__dimension__framework=first, code=code) for code in ("S1.1", "S1.9")}
    kept = attach_evidence(assessment=assessment, indicator=on["S1.1"], name="a.png", file=ContentFile(png_bytes()),
                           user=None)
    orphan = attach_evidence(assessment=assessment, indicator=on["S1.9"], name="b.png",
                             file=ContentFile(png_bytes()), user=None)
    move_assessment(assessment=assessment, framework=second)
    kept.refresh_from_db()
    orphan.refresh_from_db()
    assert kept.indicator.subdimension.dimension.framework == second and kept.indicator.code == "S1.1"
    assert orphan.indicator == on["S1.9"]  # its indicator is gone from the new edition: the file is kept
