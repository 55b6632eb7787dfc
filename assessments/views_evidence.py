"""Evidence files: attach, delete, download, and all of an assessment's files as one ZIP. Thin: scope,
check the role, call assessments.evidence. Outside the user's regions → 404; attaching and deleting are
for those who answer the assessment and for a contributor on their parts (403 for the other roles of the
region, 404 for a contributor elsewhere); files are read by every role that sees the assessment and by a
contributor on their parts, only through these views, always as attachments."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.security import log_event
from assessments import access
from assessments.downloads import attachment_disposition, safe_filename
from assessments.evidence import (
    EvidenceRefused,
    attach_evidence,
    clean_name,
    delete_evidence,
    evidence_zip,
    too_large_reason,
    too_much_at_once_reason,
)
from assessments.evidence_models import EvidenceFile
from assessments.forms import field_key
from frameworks.models import Indicator


def _refuse(user, assessment) -> None:
    """A contributor meets 404 outside their parts, like every page not theirs; other roles 403."""
    if access.roles_in(user, assessment.region) == {access.Role.CONTRIBUTOR}:
        raise Http404
    raise PermissionDenied


def _indicator(assessment, indicator_id: int) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("subdimension__dimension"), pk=indicator_id,
                             subdimension__dimension__framework_id=assessment.framework_id)


def _back(assessment, indicator, *, anchor: bool) -> str:
    url = f"{reverse('questionnaire', args=[assessment.pk])}?step={indicator.subdimension.dimension.code}"
    return url + (f"#evidence-{field_key(indicator)}" if anchor else "")


@login_required
@require_POST
def upload(request, assessment_id: int, indicator_id: int):
    assessment = access.questionnaire_assessment_or_404(request.user, assessment_id)
    indicator = _indicator(assessment, indicator_id)
    if not access.can_attach_evidence(request.user, assessment, indicator=indicator):
        _refuse(request.user, assessment)
    uploads = request.FILES.getlist("files")  # parses the body: the upload handler counts as it goes
    refused = [EvidenceRefused(name=clean_name(name) or "?",
                               reason=too_large_reason() if over == "file" else too_much_at_once_reason())
               for name, over in getattr(request, "oversized_uploads", [])]
    if not uploads and not refused:
        messages.error(request, _("Nothing was attached to %(code)s: choose a file first.") % {"code": indicator.code})
    for upload_ in uploads:
        try:
            row = attach_evidence(assessment=assessment, indicator=indicator, name=upload_.name, file=upload_,
                                  user=request.user)
        except EvidenceRefused as refusal:
            refused.append(refusal)
        else:
            log_event("evidence_attached", request=request, assessment=assessment.pk, file=row.pk)
            messages.success(request, _("“%(name)s” attached to %(code)s.") % {
                "name": row.original_name, "code": indicator.code})
    for refused_file in refused:
        messages.error(request, refused_file.message)
    return redirect(_back(assessment, indicator, anchor=not refused))


@login_required
@require_POST
def delete(request, assessment_id: int, file_id: int):
    assessment = access.questionnaire_assessment_or_404(request.user, assessment_id)
    row = get_object_or_404(EvidenceFile.objects.select_related("indicator__subdimension__dimension"),
                            pk=file_id, assessment=assessment)
    if not access.can_attach_evidence(request.user, assessment, indicator=row.indicator):
        _refuse(request.user, assessment)
    try:
        delete_evidence(evidence=row)
    except EvidenceRefused as refusal:
        messages.error(request, _("“%(name)s” was not deleted: %(reason)s") % {
            "name": refusal.name, "reason": refusal.reason})
        return redirect(_back(assessment, row.indicator, anchor=False))
    log_event("evidence_deleted", request=request, assessment=assessment.pk, file=file_id)
    messages.success(request, _("“%(name)s” deleted from %(code)s.") % {
        "name": row.original_name, "code": row.indicator.code})
    return redirect(_back(assessment, row.indicator, anchor=True))


@never_cache
@login_required
@require_safe
def download(request, assessment_id: int, file_id: int):
    assessment = access.questionnaire_assessment_or_404(request.user, assessment_id)
    row = get_object_or_404(EvidenceFile.objects.select_related("indicator__subdimension__dimension"),
                            pk=file_id, assessment=assessment)
    if not access.can_read_evidence(request.user, assessment, indicator=row.indicator):
        raise Http404  # only a contributor outside their parts gets here
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    fallback = f"evidence-{row.pk}{PurePosixPath(row.original_name).suffix}"
    response["Content-Disposition"] = attachment_disposition(row.original_name, fallback=fallback)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
@require_safe
def evidence_zip_download(request, assessment_id: int):
    assessment = access.visible_assessment_or_404(request.user, assessment_id)
    log_event("export", request=request, assessment=assessment.pk, format="evidence.zip")
    response = StreamingHttpResponse(evidence_zip(assessment=assessment), content_type="application/zip")
    name = safe_filename(assessment.region.name, assessment.title, _("evidence"))
    response["Content-Disposition"] = attachment_disposition(f"{name}.zip", fallback=f"evidence-{assessment.pk}.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response
