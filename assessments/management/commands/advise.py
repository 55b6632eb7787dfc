import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.advice.document import advice_document
from assessments.models import Assessment
from assessments.results import advice_for

READINESS = {"ready": gettext_lazy("Ready"), "near": gettext_lazy("Near"), "not_yet": gettext_lazy("Not yet")}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class Command(BaseCommand):
    help = ("Print an assessment's advice: strategy, scene step, weak dimensions, scene types with their "
            "readiness, feature scenes, what to raise first, the moves to the next tier, tier stability "
            "and cases (JSON: the shape of issue 14's Interface section).")

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--lang", choices=["zh-hans", "en"], default="zh-hans",
                            help="Language of the texts (default zh-hans).")

    def handle(self, *args, assessment_id, format, lang, **options):
        assessment = (Assessment.objects.with_answers().select_related("region", "framework")
                      .filter(pk=assessment_id).first())
        if assessment is None:
            raise CommandError(f"No assessment with id {assessment_id}")
        with translation.override(lang):
            document = advice_document(assessment_id=assessment.pk, advice=advice_for(assessment=assessment))
            if format == "json":
                self.stdout.write(json.dumps(document, ensure_ascii=False))
            else:
                self._table(document)

    def _line(self, text: str = "") -> None:
        self.stdout.write(text)

    def _table(self, doc: dict) -> None:
        self._line(_("Assessment %(id)s — tier: %(tier)s") % {"id": doc["assessment"], "tier": doc["tier"] or "—"})
        if doc["strategy"]:
            self._line(_("Classified strategy: %(title)s (%(section)s)") % doc["strategy"])
        if doc["scene_step"]:
            self._line(_("Scene step: %(step)s (%(section)s) — %(reason)s") % doc["scene_step"])
        self._line(_("Weak dimensions: %(codes)s") % {"codes": ", ".join(doc["weak_dimensions"]) or "—"})
        self._line()
        self._line(_("Scene types"))
        for item in doc["scene_types"]:
            missing = ", ".join(f"{m['indicator']} {m['level'] if m['level'] is not None else '—'}→{m['needed']}"
                                for m in item["missing"])
            state = str(READINESS[item["readiness"]]) if item["readiness"] else "—"
            mature = "*" if item["mature"] else " "
            self._line(f"  {item['number']}{mature} {state:<8} {item['name']}" + (f"  [{missing}]" if missing else ""))
        self._line()
        self._line(_("Feature scenes"))
        for item in doc["feature_scenes"]:
            self._line(f"  {item['title']} ({item['section']})")
        self._line()
        self._line(_("Raise first"))
        for move in doc["raise_first"]:
            self._line(f"  {move['indicator']:<6} {move['from']}→{move['to']}  +{move['overall_gain']:.2f}")
        if doc["next_tier"]:
            moves = ", ".join(f"{m['indicator']} {m['from']}→{m['to']}" for m in doc["next_tier"]["moves"])
            self._line(_("Next tier (%(tier)s): %(count)s moves: %(moves)s") % {
                "tier": doc["next_tier"]["tier"], "count": len(doc["next_tier"]["moves"]), "moves": moves})
        self._line()
        dimensions = "  ".join(f"{code} {_share(share)}" for code, share in doc["stability"]["dimensions"].items())
        self._line(_("Tier stability: overall %(overall)s; %(dimensions)s") % {
            "overall": _share(doc["stability"]["overall"]), "dimensions": dimensions})
        self._line(_("Cases: %(cases)s") % {"cases": ", ".join(
            f"{c['number'] if c['number'] is not None else '—'} ({c['subdimension']})" for c in doc["cases"]) or "—"})
