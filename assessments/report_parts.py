"""Parts of the report that the PDF (reports.py) and the Word copy (docx_report.py) share, so the two
never disagree: whether the report is a draft, and the comparison with the previous assessment (the
change of each score, one decimal, and of each tier)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.scoring import ScoreCard
from assessments.templatetags.sodpa import tier_label


def report_issuer() -> str:
    """The issuing organisation on the cover: settings.REPORT_ISSUER (in the active language)."""
    return str(getattr(settings, "REPORT_ISSUER", "") or _("SODPA Portal"))


def report_is_draft(*, assessment: Assessment, card: ScoreCard) -> bool:
    """A draft report (watermarked "DRAFT / 草稿"): the assessment is not submitted, or not every
    indicator is answered, so its scores are provisional."""
    return assessment.status != Assessment.Status.SUBMITTED or not card.is_complete


def score_change(*, before: float | None, after: float | None) -> str:
    """The change of a score for people: "+5.1", "−2.0", "±0.0"; an em dash without both scores."""
    if before is None or after is None:
        return "—"
    difference = round(after - before, 1)
    if not difference:
        return "±0.0"
    return f"+{difference:.1f}" if difference > 0 else f"−{-difference:.1f}"


def tier_change(*, before: str | None, after: str | None) -> str:
    """The change of a tier for people: "basic → intermediate", "unchanged", or an em dash."""
    if before == after:
        return _("unchanged") if before else "—"
    return f"{tier_label(before)} → {tier_label(after)}"


@dataclass(frozen=True)
class ComparisonRow:
    code: str  # "overall" or a dimension code
    name: str
    before: float | None
    after: float | None
    before_tier: str | None
    after_tier: str | None

    @property
    def change(self) -> str:
        return score_change(before=self.before, after=self.after)

    @property
    def direction(self) -> str:
        """"up", "down" or "same" (for the colour of the change)."""
        if self.before is None or self.after is None or round(self.after - self.before, 1) == 0:
            return "same"
        return "up" if self.after > self.before else "down"

    @property
    def tier_change(self) -> str:
        return tier_change(before=self.before_tier, after=self.after_tier)


def comparison_rows(*, card: ScoreCard, previous_card: ScoreCard, names: dict[str, str]) -> list[ComparisonRow]:
    """The overall row, then one row per dimension of `card` (in its order); a dimension the previous
    assessment's version did not have shows no score before."""
    previous_codes = {dim.code for dim in previous_card.dimensions}
    rows = [ComparisonRow(code="overall", name=_("Overall"), before=previous_card.overall, after=card.overall,
                          before_tier=previous_card.overall_tier, after_tier=card.overall_tier)]
    for dim in card.dimensions:
        before = previous_card.dimension(dim.code) if dim.code in previous_codes else None
        rows.append(ComparisonRow(code=dim.code, name=names.get(dim.code, ""), after=dim.score, after_tier=dim.tier,
                                  before=before.score if before else None, before_tier=before.tier if before else None))
    return rows
