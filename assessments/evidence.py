"""Evidence files: attach, list, delete and bundle the files behind an assessment's answers.

A file is accepted only when its bytes are of a kind its name says (PDF, PNG, JPEG, Word or Excel
as .docx/.xlsx or legacy .doc/.xls, WPS .wps/.et), at most EVIDENCE_MAX_FILE_BYTES each and
EVIDENCE_MAX_ASSESSMENT_BYTES for all of one assessment's files. Everything is checked, and the
SHA-256 computed, in one pass over the upload before anything is stored; a refused file leaves no
object and no row. The object is written before its row, and removed again when the row cannot be
made (the assessment was submitted meanwhile, or the total was reached by someone else's upload).
"""

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import ElementTree
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from assessments.downloads import safe_filename
from assessments.evidence_models import EvidenceFile, evidence_storage
from assessments.models import Assessment
from frameworks.models import Indicator

CHUNK = 64 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class Kind:
    family: str  # what the content is: "pdf", "png", "jpeg", "docx", "xlsx", "ole"
    content_type: str


# extension → what its content must be, and the content type stored and served
KINDS: dict[str, Kind] = {
    ".pdf": Kind("pdf", "application/pdf"),
    ".png": Kind("png", "image/png"),
    ".jpg": Kind("jpeg", "image/jpeg"),
    ".jpeg": Kind("jpeg", "image/jpeg"),
    ".docx": Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".doc": Kind("ole", "application/msword"),
    ".xls": Kind("ole", "application/vnd.ms-excel"),
    ".wps": Kind("ole", "application/vnd.ms-works"),  # WPS Writer
    ".et": Kind("ole", "application/vnd.ms-excel"),  # WPS Spreadsheets
}
ACCEPT = ",".join(KINDS)
ZIP_ORDER = ("indicator__subdimension__dimension__order", "indicator__subdimension__order", "indicator__order",
             "indicator__code", "uploaded_at", "pk")  # the file input's `accept`: a hint to the browser only


class EvidenceRefused(Exception):  # noqa: N818 - a refusal with its message, as the other domain errors
    def __init__(self, *, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason

    @property
    def message(self) -> str:
        return _("“%(name)s” was not attached: %(reason)s") % {"name": self.name, "reason": self.reason}


def clean_name(name: str) -> str:
    """The file's own name without any folder, nor characters that file systems refuse or that hide or
    reorder what a reader sees (assessments/downloads.py); the extension kept, ≤ 160 characters."""
    path = PurePosixPath(unicodedata.normalize("NFC", name or "").replace("\\", "/"))
    suffix = "".join(ch for ch in path.suffix if ch.isalnum() or ch == ".")[:10]
    stem = path.name[: len(path.name) - len(path.suffix)] if path.suffix else path.name
    stem = safe_filename(stem) if stem.strip(" .") else ""
    return f"{stem}{suffix}" if stem else ""


def _family_label(family: str) -> str:
    return {"pdf": _("a PDF document"), "png": _("a PNG image"), "jpeg": _("a JPEG image"),
            "docx": _("a Word document (.docx)"), "xlsx": _("an Excel workbook (.xlsx)"),
            "ole": _("an Office or WPS document (.doc, .xls, .wps, .et)"),
            "exe": _("a program"), "html": _("a web page (HTML)"), "zip": _("a ZIP archive"),
            "empty": _("empty")}.get(family, _("of an unknown kind"))


def _ooxml_family(file) -> str:
    """"docx" or "xlsx" from the package's [Content_Types].xml main part, else "zip"."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return "zip"
            with package.open(info) as handle:
                root = ElementTree.fromstring(handle.read(1024 * 1024 + 1))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, OSError, EOFError):
        return "zip"
    except Exception:  # defusedxml's refusals (entities, DTDs) and anything else malformed
        return "zip"
    types = {element.get("ContentType") for element in root.iter() if element.tag.endswith("Override")}
    if DOCX_MAIN in types:
        return "docx"
    if XLSX_MAIN in types:
        return "xlsx"
    return "zip"


def sniff(head: bytes, file) -> str:
    """What the bytes are (the family), from their first bytes and, for a ZIP, its structure."""
    if not head:
        return "empty"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(OLE):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_family(file)
    if head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"#!")):
        return "exe"
    if re.match(rb"\s*(<!doctype html|<html|<script|<svg|<\?xml)", head[:512], re.IGNORECASE):
        return "html"
    return "unknown"


@dataclass(frozen=True)
class Checked:
    name: str
    kind: Kind
    size: int
    sha256: str


def check_file(*, name: str, file) -> Checked:
    """Read the file once in chunks: its size (stopping past the limit), SHA-256 and kind; refuse with
    the reason. Nothing is stored here."""
    name = clean_name(name)
    if not name:
        raise EvidenceRefused(name="?", reason=_("the file has no name."))
    kind = KINDS.get(PurePosixPath(name).suffix.lower())
    if kind is None:
        raise EvidenceRefused(name=name, reason=_(
            "this kind of file is not accepted. Attach PDF, PNG or JPEG images, Word or Excel (.docx, .xlsx, "
            ".doc, .xls) or WPS (.wps, .et) documents."))
    limit = settings.EVIDENCE_MAX_FILE_BYTES
    digest, size, head = hashlib.sha256(), 0, b""
    file.seek(0)
    while chunk := file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise EvidenceRefused(name=name, reason=too_large_reason())
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        digest.update(chunk)
    family = sniff(head, file)
    file.seek(0)
    if family != kind.family:
        raise EvidenceRefused(name=name, reason=_(
            "its name says %(expected)s, but its content is %(found)s. Only files whose content matches "
            "their name are accepted.") % {"expected": _family_label(kind.family), "found": _family_label(family)})
    return Checked(name=name, kind=kind, size=size, sha256=digest.hexdigest())


def megabytes(size: int) -> str:
    """"20 MB", "1.5 MB", "300 KB": a limit or a total as people read it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def too_large_reason() -> str:
    return _("it is larger than %(limit)s, the most one file may have.") % {
        "limit": megabytes(settings.EVIDENCE_MAX_FILE_BYTES)}


def too_much_at_once_reason() -> str:
    return _("the files sent at once are larger than %(limit)s, the most for all of an assessment's files.") % {
        "limit": megabytes(settings.EVIDENCE_MAX_ASSESSMENT_BYTES)}


def used_bytes(*, assessment: Assessment) -> int:
    return EvidenceFile.objects.filter(assessment=assessment).aggregate(total=Sum("size"))["total"] or 0


def _check_total(*, assessment: Assessment, checked: Checked) -> None:
    limit = settings.EVIDENCE_MAX_ASSESSMENT_BYTES
    used = used_bytes(assessment=assessment)
    if used + checked.size > limit:
        raise EvidenceRefused(name=checked.name, reason=_(
            "the assessment's files would exceed %(limit)s in all (%(used)s used).") % {
            "limit": megabytes(limit), "used": megabytes(used)})


def _submitted_reason() -> str:
    return _("the assessment is submitted and read-only.")


def attach_evidence(*, assessment: Assessment, indicator: Indicator, name: str, file, user,
                    require_draft: bool = True) -> EvidenceFile:
    """Check and store one file for the assessment's answer to `indicator`; EvidenceRefused names the
    reason. `require_draft=False` only for demo data attached to a submitted assessment."""
    if indicator.subdimension.dimension.framework_id != assessment.framework_id:
        raise EvidenceRefused(name=clean_name(name) or "?", reason=_("the indicator is not in this questionnaire."))
    checked = check_file(name=name, file=file)
    if require_draft and assessment.is_submitted:
        raise EvidenceRefused(name=checked.name, reason=_submitted_reason())
    _check_total(assessment=assessment, checked=checked)
    row = EvidenceFile(assessment=assessment, indicator=indicator, original_name=checked.name, size=checked.size,
                       sha256=checked.sha256, content_type=checked.kind.content_type, uploaded_by=user)
    row.file.save(checked.name, File(file, name=checked.name), save=False)  # the object, before any lock
    try:
        with transaction.atomic():
            status = Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("status", flat=True)
            if require_draft and list(status) != [Assessment.Status.DRAFT]:
                raise EvidenceRefused(name=checked.name, reason=_submitted_reason())
            _check_total(assessment=assessment, checked=checked)
            row.save()
    except BaseException:
        evidence_storage().delete(row.file.name)
        raise
    return row


def delete_evidence(*, evidence: EvidenceFile) -> None:
    """The row now; its object once the deletion is committed (assessments/evidence_models.py)."""
    with transaction.atomic():
        status = (Assessment.objects.select_for_update().filter(pk=evidence.assessment_id)
                  .values_list("status", flat=True))
        if list(status) != [Assessment.Status.DRAFT]:
            raise EvidenceRefused(name=evidence.original_name, reason=_submitted_reason())
        evidence.delete()


def files_by_indicator(*, assessment: Assessment) -> dict[int, list[EvidenceFile]]:
    """The assessment's files by indicator id, oldest first (one query)."""
    grouped: dict[int, list[EvidenceFile]] = {}
    for row in EvidenceFile.objects.filter(assessment=assessment).select_related("uploaded_by"):
        grouped.setdefault(row.indicator_id, []).append(row)
    return grouped


def files_by_code(*, assessment: Assessment) -> dict[str, list[EvidenceFile]]:
    grouped: dict[str, list[EvidenceFile]] = {}
    for row in EvidenceFile.objects.filter(assessment=assessment).select_related("indicator"):
        grouped.setdefault(row.indicator.code, []).append(row)
    return grouped


def questionnaire_evidence(*, assessment: Assessment, user=None, independent_ids: frozenset[int] = frozenset()
                           ) -> dict:
    """What the questionnaire shows of the files: per indicator, and the limits (one query). On the
    indicators `user` answers independently (`independent_ids`) only their own files are shown: the
    others on the part must not see what each other attached."""
    files = files_by_indicator(assessment=assessment)
    used = sum(row.size for rows in files.values() for row in rows)  # the limit is the assessment's
    for indicator_id in independent_ids & files.keys():
        files[indicator_id] = [row for row in files[indicator_id] if user is not None
                               and row.uploaded_by_id == user.pk]
    return {"files": files, "accept": ACCEPT,
            "max_file": megabytes(settings.EVIDENCE_MAX_FILE_BYTES),
            "max_total": megabytes(settings.EVIDENCE_MAX_ASSESSMENT_BYTES),
            "used": megabytes(used)}


def results_evidence(*, assessment: Assessment) -> list[dict]:
    """The results page's and the report's list: per indicator with files, in questionnaire order."""
    rows = (EvidenceFile.objects.filter(assessment=assessment).select_related("indicator")
            .order_by(*ZIP_ORDER))
    grouped: dict[int, dict] = {}
    for row in rows:
        grouped.setdefault(row.indicator_id, {"indicator": row.indicator, "files": []})["files"].append(row)
    return list(grouped.values())


def _entry_names(rows: list[EvidenceFile]) -> list[str]:
    """"<indicator code>/<original name>", made unique with " (2)", " (3)" … before the extension."""
    seen: set[str] = set()
    names = []
    for row in rows:
        base = clean_name(row.original_name).replace("/", "_") or "file"
        stem, suffix = PurePosixPath(base).stem, PurePosixPath(base).suffix
        candidate, number = f"{row.indicator.code}/{base}", 1
        while candidate.lower() in seen:
            number += 1
            candidate = f"{row.indicator.code}/{stem} ({number}){suffix}"
        seen.add(candidate.lower())
        names.append(candidate)
    return names


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come (for a streamed ZIP)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def evidence_zip(*, assessment: Assessment) -> Iterator[bytes]:
    """The assessment's files as one ZIP, produced piece by piece: entries "<code>/<name>" and
    manifest.csv (indicator, entry, name, size, SHA-256, type, uploaded by, uploaded at)."""
    rows = list(EvidenceFile.objects.filter(assessment=assessment).select_related("indicator", "uploaded_by")
                .order_by(*ZIP_ORDER))
    names = _entry_names(rows)
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for row, entry in zip(rows, names, strict=True):
            with archive.open(entry, mode="w") as target, row.file.open("rb") as source:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if data := sink.take():
                        yield data
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(["indicator", "entry", "name", "size", "sha256", "content_type", "uploaded_by",
                         "uploaded_at"])
        for row, entry in zip(rows, names, strict=True):
            writer.writerow([row.indicator.code, entry, row.original_name, row.size, row.sha256, row.content_type,
                             row.uploaded_by.get_username() if row.uploaded_by else "",
                             row.uploaded_at.isoformat()])
        archive.writestr("manifest.csv", "\ufeff" + manifest.getvalue())
    yield sink.take()
