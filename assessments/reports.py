"""PDF reports: the assessment, its scores, radar and recommendations, typeset with WeasyPrint.

- The report's language is set with `translation.override`, whatever the request's language.
- WeasyPrint fetches nothing: a URL fetcher refuses every URL but our own static files
  (no `file://`, no remote or internal hosts); the chart is inline SVG, the CSS inline.
- Rendering is cached by the assessment's state: `report_state_key` changes with any answer,
  evidence, title, status, region data, framework version, previous assessment, improvement plan
  (this assessment's and the previous one's), peer figures or language, so a second download of an
  unchanged assessment is served without rendering.
- Rendering outside the request (django-tasks, `manage.py db_worker`): assessments/tasks.py.
- WeasyPrint typesets in a child process (multiprocessing "forkserver"), killed when it exceeds
  REPORT_TIMEOUT_SECONDS: a render that runs away uses no CPU once the caller has given up.
- One render per assessment state at a time, on every worker and app server: a lock in the shared
  cache (`render_lock`); whoever finds it taken waits for that render's PDF instead of starting one.
"""

import hashlib
import json
import logging
import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from assessments.benchmarks import MIN_PEERS
from assessments.evidence import results_evidence
from assessments.evidence_models import EvidenceFile
from assessments.models import Answer, Assessment, PlanItem, Response
from assessments.plans import move_rows, plan_progress
from assessments.report_parts import comparison_rows, report_is_draft, report_issuer
from assessments.results import AssessmentResult, assessment_result
from assessments.review import bias_of, review_state
from assessments.scoring import NA_SHARE_FLAG, na_shares
from assessments.team import disagreements_of

logger = logging.getLogger(__name__)

REPORT_FORMAT_VERSION = 4  # bump when the report's template or layout changes
COVER_RADAR_SIZE = (4.1, 3.3)  # inches: the cover's small radar, without a legend
STATIC_BASE = "https://report.invalid/static/"


class ReportError(Exception):
    """The report could not be rendered; the message is safe to show to users."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class StaticOnlyFetcher(URLFetcher):
        """Serves our own static files (looked up by Django's finders) and refuses anything else."""

        def fetch(self, url, headers=None):
            if url.startswith(STATIC_BASE):
                relative = url[len(STATIC_BASE):].split("?")[0]
                path = finders.find(relative) if ".." not in relative else None
                if path:
                    with open(path, "rb") as handle:
                        return URLFetcherResponse(url, body=handle.read())
            logger.warning("report renderer refused to fetch %s", url)
            raise URLFetchingError(f"refused to fetch {url}")

    return StaticOnlyFetcher


def _answers_digest(assessment_id: int) -> list:
    return list(
        Answer.objects.filter(assessment_id=assessment_id)
        .order_by("indicator_id")
        .values_list("indicator_id", "level", "not_applicable", "evidence")
    )


def _plan_digest(assessment_ids: list[int]) -> list:
    return list(
        PlanItem.objects.filter(assessment_id__in=assessment_ids).order_by("pk")
        .values_list("pk", "assessment_id", "action", "owner", "target_date", "indicator_id", "target_level", "status")
    )


def _issuer_in(language: str) -> str:
    with translation.override(language):
        return report_issuer()


def report_state_key(*, assessment: Assessment, language: str, result: AssessmentResult | None = None) -> str:
    """The cache key of the assessment's report in `language`: a hash of everything it shows."""
    result = result or assessment_result(assessment=assessment)
    previous = result.previous.assessment if result.previous else None
    peers = result.peers
    state = {
        "format": REPORT_FORMAT_VERSION,
        "language": language,
        "assessment": [assessment.pk, assessment.title, assessment.status,
                       assessment.submitted_at.isoformat() if assessment.submitted_at else None],
        "region": [assessment.region.name, assessment.region.kind, assessment.region.city_type],
        "framework": [assessment.framework_id, assessment.framework.version],
        "answers": _answers_digest(assessment.pk),
        "previous": [previous.pk, previous.title, _answers_digest(previous.pk)] if previous else None,
        "plan": _plan_digest([assessment.pk] + ([previous.pk] if previous else [])),
        "peers": peers.state() if peers else None,
        "responses": list(Response.objects.filter(assessment_id=assessment.pk).order_by("indicator_id", "user_id")
                          .values_list("indicator_id", "user__username", "level", "not_applicable")),
        "review": review_state(assessment=assessment).digest(),
        "issuer": _issuer_in(language),  # the cover names it
        "evidence": list(EvidenceFile.objects.filter(assessment=assessment).order_by("pk")
                         .values_list("pk", "indicator_id", "original_name", "size", "sha256")),
    }
    encoded = json.dumps(state, ensure_ascii=False, sort_keys=True, default=str).encode()
    return f"report:{assessment.pk}:{language}:{hashlib.sha256(encoded).hexdigest()}"


def _indicator_rows(framework, answers: dict[int, Answer]) -> list[dict]:
    sections = []
    for dimension in framework.dimensions.all():
        subdimensions = []
        for sub in dimension.subdimensions.all():
            rows = []
            for indicator in sub.indicators.all():
                answer = answers.get(indicator.pk)
                descriptor = None
                if answer and answer.level is not None:
                    descriptor = next((lv.text for lv in indicator.levels.all() if lv.level == answer.level), "")
                rows.append({"indicator": indicator, "answer": answer, "descriptor": descriptor})
            subdimensions.append({"subdimension": sub, "rows": rows})
        sections.append({"dimension": dimension, "subdimensions": subdimensions})
    return sections


def report_context(*, assessment: Assessment) -> dict:
    """Everything the report shows, in the active language."""
    from assessments.charts import radar_svg

    result = assessment_result(assessment=assessment)
    framework, card, levels, advice, peers = result.framework, result.card, result.values, result.advice, result.peers
    spec = result.spec
    previous = result.previous.assessment if result.previous else None
    previous_card = result.previous.card if result.previous else None
    names = result.dimension_names
    answers = {a.indicator_id: a for a in Answer.objects.filter(assessment=assessment)}
    sections = _indicator_rows(framework, answers)
    review = review_state(assessment=assessment)
    bias = bias_of(scored=result, state=review) if review.review else None
    for section in sections:  # each answer's review state, and its self-assessed value when changed
        for sub in section["subdimensions"]:
            for row in sub["rows"]:
                reviewed = review.answers.get(row["indicator"].code)
                row["review_state"] = review.state_of(row["indicator"].code)
                row["review_changed"] = (reviewed.get_self_value_display() or "—") if reviewed and reviewed.changed \
                    else None
    shares = na_shares(spec=spec, answers=levels)
    for section in sections:
        score = card.dimension(section["dimension"].code)
        section["score"], section["tier"] = score.score, score.tier
        section["na_share"] = shares[section["dimension"].code]
        section["na_flag"] = section["na_share"] > NA_SHARE_FLAG
        for sub in section["subdimensions"]:
            sub["score"] = card.subdimension_scores()[sub["subdimension"].code]
            sub["tier"] = card.subdimension_tier(sub["subdimension"].code)
    comparison = comparison_rows(card=card, previous_card=previous_card, names=names) if previous_card else None
    peer_name = gettext("Peer median (%(kind)s)") % {"kind": assessment.region.get_kind_display()}
    plan = [{"item": item, "current": levels.get(item.indicator.code) if item.indicator else None}
            for item in PlanItem.objects.filter(assessment=assessment).select_related("indicator")]
    previous_plan = plan_progress(PlanItem.objects.filter(assessment=previous).select_related("indicator"),
                                  levels) if previous else []
    # the radar's lines: drawn as SVG here and as PNG by the Word report (docx_report.py)
    radar_lines = {"current": (card, assessment.title),
                   "previous": (previous_card, previous.title) if previous and previous_card else None,
                   "dimension_names": names, "peer": (peers.medians, peer_name) if peers.enough_peers else None}
    return {
        "assessment": assessment, "region": assessment.region, "framework": framework, "card": card,
        "previous": previous, "previous_card": previous_card, "comparison": comparison,
        "advice": advice, "sections": sections, "peers": peers, "min_peers": MIN_PEERS,
        "plan": plan, "previous_plan": previous_plan,
        "raise_rows": move_rows(framework, advice.raise_first),
        "next_tier_rows": move_rows(framework, advice.next_tier.moves) if advice.next_tier else [],
        "report_date": assessment.submitted_at or assessment.updated_at,
        "radar_lines": radar_lines, "radar": radar_svg(**radar_lines),
        "disagreements": disagreements_of(assessment=assessment, framework=framework),
        "review": review, "bias": bias,
        "bias_rows": [{"bias": b, "name": names[b.code]} for b in bias.dimensions] if bias else None,
        "cover_radar": radar_svg(**radar_lines, legend=False, size=COVER_RADAR_SIZE),
        "is_draft": report_is_draft(assessment=assessment, card=card), "issuer": report_issuer(),
        "evidence_rows": results_evidence(assessment=assessment),
    }


def report_html(*, assessment: Assessment, language: str) -> str:
    """The report as HTML in `language` ("zh-hans" or "en"): all the database work is here."""
    if language not in dict(settings.LANGUAGES):
        raise ReportError(f"unknown report language {language!r}")
    with translation.override(language):
        try:
            return render_to_string("reports/report.html", report_context(assessment=assessment))
        except Exception as error:  # the chart (matplotlib) or the template: a clear failure, never a 500
            logger.exception("report of assessment %s could not be prepared", assessment.pk)
            raise ReportError("The PDF report could not be rendered.") from error


def html_to_pdf(html: str) -> bytes:
    """Typeset the HTML with WeasyPrint (no database access, so it can run in any thread)."""
    import weasyprint

    try:
        document = weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=_fetcher_class()())
        return document.write_pdf(uncompressed_pdf=False)
    except Exception as error:  # WeasyPrint raises many kinds; none may leave a broken file behind
        logger.exception("report rendering failed")
        raise ReportError("The PDF report could not be rendered.") from error


def render_report(*, assessment: Assessment, language: str) -> bytes:
    """The PDF of one assessment in `language` ("zh-hans" or "en")."""
    return html_to_pdf(report_html(assessment=assessment, language=language))


_CHILD_CONTEXT: multiprocessing.context.BaseContext | None = None
# How long the render lock outlives the time limit, in case its holder dies without releasing it.
LOCK_MARGIN_SECONDS = 60
WAIT_POLL_SECONDS = 0.25


def _child_context() -> multiprocessing.context.BaseContext:
    """The "forkserver" context: a clean server process (no threads, no open database connection)
    that has imported Django and WeasyPrint once, and forks each render from there."""
    global _CHILD_CONTEXT
    if _CHILD_CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["assessments.pdf_child"])
        _CHILD_CONTEXT = context
    return _CHILD_CONTEXT


def warm_render_server() -> None:
    """Start this process's render server and typeset one line through it (gunicorn calls this when
    a worker boots). A failure is logged, not raised: the real render shows it with its message."""
    try:
        typeset_in_child("<p>数字孪生城市 SODPA</p>", limit=time_limit_seconds(), label="warm-up")
    except ReportError:
        logger.exception("the report render server could not be warmed up")


def time_limit_seconds() -> float:
    return getattr(settings, "REPORT_TIMEOUT_SECONDS", 60)


def typeset_in_child(html: str, *, limit: float, label: str = "") -> bytes:
    """html_to_pdf in a child process, killed (SIGKILL) when it has not answered within `limit`
    seconds; raises ReportError then, or when the child fails or dies."""
    from assessments import pdf_child

    context = _child_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(  # type: ignore[attr-defined]  # every multiprocessing context has Process
        target=pdf_child.typeset, args=(html, sender), name=f"report-render {label}", daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(limit):
            process.kill()
            process.join()
            logger.error("report render %s (process %s) exceeded the %s s time limit and was killed",
                         label, process.pid, limit)
            raise ReportError(f"The PDF report exceeded the time limit of {limit} s.")
        outcome, payload = receiver.recv()
    except EOFError as error:
        process.join()
        logger.error("report render %s (process %s) died with exit code %s", label, process.pid, process.exitcode)
        raise ReportError("The PDF report could not be rendered.") from error
    finally:
        receiver.close()
    process.join()
    if outcome != "ok":
        raise ReportError(payload)
    return payload


def render_within_time_limit(*, assessment: Assessment, language: str) -> bytes:
    """render_report with the typesetting in a child process killed after REPORT_TIMEOUT_SECONDS:
    the caller gets a clear error instead of a hung worker, and nothing keeps running."""
    html = report_html(assessment=assessment, language=language)
    logger.info("rendering report of assessment %s (%s)", assessment.pk, language)
    return typeset_in_child(html, limit=time_limit_seconds(), label=f"{assessment.pk}:{language}")


def _lock_key(state_key: str) -> str:
    return f"{state_key}:rendering"


def render_lock_held(state_key: str) -> bool:
    return caches["shared"].get(_lock_key(state_key)) is not None


@contextmanager
def render_lock(state_key: str) -> Iterator[bool]:
    """Takes the render lock of an assessment state if it is free; yields whether it did."""
    shared = caches["shared"]
    acquired = shared.add(_lock_key(state_key), True, timeout=int(time_limit_seconds()) + LOCK_MARGIN_SECONDS)
    try:
        yield acquired
    finally:
        if acquired:
            shared.delete(_lock_key(state_key))


def render_and_cache(*, assessment: Assessment, language: str, state_key: str) -> bytes | None:
    """The PDF of the state, rendered and cached unless already cached; None when another render of
    the same state holds the lock (its PDF will be cached)."""
    cache = caches["reports"]
    with render_lock(state_key) as acquired:
        if not acquired:
            return None
        pdf = cache.get(state_key)  # finished just before we took the lock
        if pdf is None:
            pdf = render_within_time_limit(assessment=assessment, language=language)
            cache.set(state_key, pdf, timeout=None)  # written to a temporary file, then moved
        return pdf


def cached_report(*, assessment: Assessment, language: str) -> tuple[bytes, bool]:
    """The PDF from the cache when the assessment is unchanged, else rendered and cached (or, while
    another render of the same state runs, that one's PDF when it is done).
    Returns (pdf, served_from_cache). Only a complete PDF is ever cached."""
    cache = caches["reports"]
    key = report_state_key(assessment=assessment, language=language)
    pdf = cache.get(key)
    if pdf is not None:
        return pdf, True
    deadline = time.monotonic() + time_limit_seconds() + LOCK_MARGIN_SECONDS
    while True:
        pdf = render_and_cache(assessment=assessment, language=language, state_key=key)
        if pdf is not None:
            return pdf, False
        while render_lock_held(key) and time.monotonic() < deadline:
            time.sleep(WAIT_POLL_SECONDS)
        pdf = cache.get(key)
        if pdf is not None:
            return pdf, True
        if time.monotonic() >= deadline:
            raise ReportError("The PDF report is still being rendered elsewhere.")
