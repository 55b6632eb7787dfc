import json

from django.core.management.base import BaseCommand

from assessments.benchmarks import MIN_PEERS, peer_benchmarks
from assessments.models import Region
from assessments.scoring import TIER_ADVANCED, TIER_BASIC, TIER_INTERMEDIATE
from frameworks.models import CityType


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = ("Peer benchmarks over the latest submitted assessment of every region in the filter: count, and "
            "per dimension and overall the mean, median and quartiles (aggregates only; no figures and no "
            "count for a group of fewer than 5 regions, or one whose figures combined with other groups' "
            "would give away a region's scores or tier).")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--kind", choices=Region.Kind.values)
        parser.add_argument("--city-type", dest="city_type", choices=CityType.values)
        parser.add_argument("--tier", choices=[TIER_ADVANCED, TIER_INTERMEDIATE, TIER_BASIC],
                            help="the tier of each region's latest overall score")

    def handle(self, *args, format, kind=None, city_type=None, tier=None, **options):
        result = peer_benchmarks(kind=kind, city_type=city_type, tier=tier)
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if not result.get("overall"):
            self.stdout.write(f"not enough peers: fewer than {MIN_PEERS} regions in the group, or its figures with "
                              "other groups' would give a region's scores or tier away; no figures")
            return
        self.stdout.write(f"regions: {result['count']}")
        self.stdout.write(f"{'':<8}{'mean':>8}{'median':>8}{'p25':>8}{'p75':>8}")
        for code, stats in [("overall", result["overall"]), *result["dimensions"].items()]:
            cells = "".join(f"{_cell(stats[key]):>8}" for key in ("mean", "median", "p25", "p75"))
            self.stdout.write(f"{code:<8}{cells}")
