"""Peer benchmarks: `benchmark_regions` and `peer_benchmarks` against an independent pandas computation
over the latest submitted assessment of each region; filters; privacy (no figures under 5 regions, no
other region named); percentiles; the results page and the PDF."""

import io
import json
import random
import re
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from assessments.benchmarks import MIN_PEERS, peer_benchmarks, percentile_rank
from assessments.models import Answer, Assessment, Region
from assessments.reports import render_report, report_html, report_state_key
from assessments.results import score_assessment
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory, build_framework

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2024, 3, 1, 10, 0, tzinfo=SHANGHAI)
# name, kind, city type, number of submitted assessments
REGIONS = [
    ("宁波市", "city", "port", 2), ("青岛市", "city", "port", 1), ("厦门市", "city", "port", 3),
    ("柳州市", "city", "industrial", 1), ("桂林市", "city", "tourism", 2), ("成都市", "city", "comprehensive", 1),
    ("广州市南沙区", "district", "port", 1), ("天津市滨海新区", "district", "port", 2),
    ("北京市海淀区", "district", "comprehensive", 1), ("武汉市江岸区", "district", "comprehensive", 3),
    ("中关村软件园", "park", "industrial", 2), ("张江科学城", "park", "industrial", 1),
    ("只有草稿区", "district", "tourism", 0),
]
STATS = ("mean", "median", "p25", "p75")


@pytest.fixture(autouse=True)
def default_language():
    """Pages requested in English leave the thread's language active: back to the default after each test."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def answer_randomly(assessment: Assessment, indicators: list[Indicator], rng: random.Random) -> None:
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=indicator, not_applicable=na, level=None if na else rng.randint(0, 4))
        for indicator in indicators
        for na in [indicator.allows_na and rng.random() < 0.15])


@pytest.fixture
def regions(sodpa):
    """13 regions on the real framework: 1–3 submitted assessments each (one has none), random levels,
    a newer draft everywhere; in 厦门市 the assessment created last was submitted first."""
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa))
    made = {}
    for number, (name, kind, city_type, count) in enumerate(REGIONS):
        region = RegionFactory(name=name, kind=kind, city_type=city_type)
        rng = random.Random(number)
        order = list(range(count))
        if name == "厦门市":
            order.reverse()
        for step in order:
            assessment = AssessmentFactory(region=region, framework=sodpa, title=f"{name} {step}",
                                           status=Assessment.Status.SUBMITTED,
                                           submitted_at=START + timedelta(days=200 * step + number))
            answer_randomly(assessment, indicators, rng)
        draft = AssessmentFactory(region=region, framework=sodpa, title=f"{name} 草稿")
        Answer.objects.bulk_create(Answer(assessment=draft, indicator=i, level=4) for i in indicators)
        made[name] = region
    return made


def independent_frame() -> pd.DataFrame:
    """The latest submitted assessment of each region by submission time, each scored on its own."""
    latest: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(status=Assessment.Status.SUBMITTED).select_related("region"):
        if assessment.region_id not in latest or assessment.submitted_at > latest[assessment.region_id].submitted_at:
            latest[assessment.region_id] = assessment
    rows = []
    for assessment in latest.values():
        card = score_assessment(assessment=Assessment.objects.with_answers().get(pk=assessment.pk))
        rows.append({"kind": assessment.region.kind, "city_type": assessment.region.city_type,
                     "tier": card.overall_tier, "overall": card.overall,
                     **{dim.code: dim.score for dim in card.dimensions}})
    return pd.DataFrame(rows)


def expected(frame: pd.DataFrame) -> dict:
    def stats(column: pd.Series) -> dict:
        column = column.dropna()
        return {"mean": column.mean(), "median": column.median(), "p25": column.quantile(0.25),
                "p75": column.quantile(0.75)}

    if len(frame) < MIN_PEERS:
        return {"count": len(frame), "enough_peers": False}
    return {"count": len(frame), "overall": stats(frame["overall"]),
            "dimensions": {code: stats(frame[code]) for code in "SODPA"}}


def command(*options) -> dict:
    out = io.StringIO()
    call_command("benchmark_regions", "--format", "json", *options, stdout=out)
    return json.loads(out.getvalue())


def assert_same(actual: dict, wanted: dict) -> None:
    assert actual.keys() == wanted.keys()
    assert actual["count"] == wanted["count"]
    if "enough_peers" in wanted:
        assert actual == wanted
        return
    assert list(actual["dimensions"]) == ["S", "O", "D", "P", "A"]
    for got, want in [(actual["overall"], wanted["overall"])] + [
            (actual["dimensions"][code], wanted["dimensions"][code]) for code in "SODPA"]:
        assert list(got) == list(STATS)
        assert got == pytest.approx(want, abs=1e-9)


def test_the_command_equals_an_independent_pandas_computation(regions):
    frame = independent_frame()
    assert len(frame) == 12  # every region but the one with only a draft
    result = command()
    assert_same(result, expected(frame))
    assert set(result) == {"count", "overall", "dimensions"}
    # the assessment 厦门市 submitted last was created first: the latest is by submission time
    xiamen = Assessment.objects.filter(region=regions["厦门市"], status="submitted").order_by("-submitted_at")[0]
    assert xiamen.title == "厦门市 2" and xiamen.created_at < Assessment.objects.get(title="厦门市 0").created_at


@pytest.mark.parametrize("options", [("--kind", "city"), ("--city-type", "port"), ("--kind", "district"),
                                     ("--kind", "city", "--city-type", "port")])
def test_filters_by_kind_and_city_type(regions, options):
    frame = independent_frame()
    filters = dict(zip(options[::2], options[1::2], strict=True))
    if "--kind" in filters:
        frame = frame[frame["kind"] == filters["--kind"]]
    if "--city-type" in filters:
        frame = frame[frame["city_type"] == filters["--city-type"]]
    assert_same(command(*options), expected(frame))


def test_filter_by_tier_of_the_latest_overall(regions):
    frame = independent_frame()
    tier = frame["tier"].value_counts().idxmax()
    group = frame[frame["tier"] == tier]
    assert len(group) >= MIN_PEERS
    assert_same(command("--tier", tier), expected(group))
    assert_same(peer_benchmarks(tier=tier), expected(group))
    assert_same(peer_benchmarks(kind="city", tier=tier),
                expected(group[group["kind"] == "city"]))


@pytest.mark.parametrize(("options", "count"), [
    (("--kind", "park"), 2), (("--kind", "city", "--city-type", "tourism"), 1), (("--city-type", "tourism"), 1)])
def test_a_group_under_five_gives_no_figures(regions, options, count):
    out = io.StringIO()
    call_command("benchmark_regions", "--format", "json", *options, stdout=out)
    assert out.getvalue().strip() == json.dumps({"count": count, "enough_peers": False})
    table = io.StringIO()
    call_command("benchmark_regions", "--format", "table", *options, stdout=table)
    assert table.getvalue() == f"regions: {count}\nnot enough peers: fewer than 5 regions in the group, no figures\n"


def test_the_table_format_and_nothing_names_a_region(regions):
    out = io.StringIO()
    call_command("benchmark_regions", "--format", "table", "--kind", "city", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "regions: 6" and lines[1].split() == ["mean", "median", "p25", "p75"]
    assert [line.split()[0] for line in lines[2:]] == ["overall", "S", "O", "D", "P", "A"]
    every = json.dumps(peer_benchmarks(), ensure_ascii=False) + out.getvalue()
    assert not any(name in every for name, *_ in REGIONS)


def test_peer_benchmarks_over_a_given_set_of_regions(regions):
    frame = independent_frame()
    port = Region.objects.filter(city_type="port")
    assert_same(peer_benchmarks(regions_qs=port), expected(frame[frame["city_type"] == "port"]))
    assert peer_benchmarks(regions_qs=port, kind="district") == {"count": 2, "enough_peers": False}
    assert peer_benchmarks(regions_qs=Region.objects.none()) == {"count": 0, "enough_peers": False}


@pytest.mark.parametrize(("values", "score", "percentile"), [
    ([10, 20, 20, 30, 40], 20, 40.0),     # 1 below, 2 equal: (1 + 2 / 2) / 5
    ([10, 20, 20, 30, 40], 40, 90.0),     # 4 below, 1 equal
    ([10, 20, 20, 30, 40], 5, 0.0),
    ([10, 20, 20, 30, 40], 45, 100.0),
    ([10, 20, 20, 30, 40], 25, 60.0),
    ([10, float("nan"), 30], 30, 75.0),   # missing scores are left out
    ([10, 20], None, None),
    ([], 10, None),
])
def test_percentile_rank(values, score, percentile):
    assert percentile_rank(values, score) == percentile


def test_percentile_rank_treats_a_float_hair_as_equal():
    assert percentile_rank([60.0, 69.99999999999999, 70.0, 80.0], 70.0) == 50.0  # (1 + 2 / 2) / 4


# The results page and the PDF, on a small synthetic framework where every figure is exact.

@pytest.fixture
def peers(people):
    """Cities with a latest overall of 50 (own), 25 (黄山市), 50, 75, 100; a park of 100 and a city with
    only a draft, which are not peers."""
    framework = build_framework({"S": {"S1": [(1.0, False)]}, "O": {"O1": [(1.0, False)]}})
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=framework))

    def assess(region, level, *, title, status=Assessment.Status.SUBMITTED):
        assessment = AssessmentFactory(region=region, framework=framework, title=title, status=status,
                                       submitted_at=START if status == Assessment.Status.SUBMITTED else None)
        Answer.objects.bulk_create(Answer(assessment=assessment, indicator=i, level=level) for i in indicators)
        return assessment

    own = assess(people["own"], 2, title="园区 2026")
    assess(people["other"], 1, title="黄山 2026")
    others = [RegionFactory(name=name) for name in ("邻市甲", "邻市乙", "邻市丙")]
    for region, level in zip(others, (2, 3, 4), strict=True):
        assess(region, level, title=f"{region.name} 2026")
    assess(RegionFactory(name="高分园区", kind="park"), 4, title="园区 B")
    assess(RegionFactory(name="草稿市"), 4, title="草稿", status=Assessment.Status.DRAFT)
    return {"own": own, "others": others}


OTHER_NAMES = ("黄山市", "邻市甲", "邻市乙", "邻市丙", "高分园区", "草稿市", "黄山 2026", "邻市甲 2026")


def results(client, people, assessment, language="en"):
    client.force_login(people["official"])
    client.cookies.load({"django_language": language})
    return client.get(reverse("results", args=[assessment.pk]))


def test_the_results_page_overlays_the_peer_median_and_shows_percentiles(client, people, peers):
    response = results(client, people, peers["own"])
    comparison = response.context["peers"]
    assert (comparison.kind, comparison.count, comparison.enough_peers) == ("city", 5, True)
    assert [(row.code, row.score, row.mean, row.median, row.p25, row.p75, row.percentile)
            for row in comparison.rows] == [
        ("overall", 50.0, 60.0, 50.0, 50.0, 75.0, 40.0), ("S", 50.0, 60.0, 50.0, 50.0, 75.0, 40.0),
        ("O", 50.0, 60.0, 50.0, 50.0, 75.0, 40.0)]
    traces = response.context["figure"]["data"]
    assert [trace["name"] for trace in traces] == ["Peer median (City)", "园区 2026"]
    assert traces[0]["r"] == [50.0, 50.0, 50.0] and traces[0]["line"]["dash"] == "dash"
    page = response.content.decode()
    table = page[page.index('id="peer-table"'):]
    table = table[:table.index("</table>")]
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)).split("Percentile")[1].split() == [
        "Overall", "50.0", "50.0", "50.0", "–", "75.0", "40.0",
        "S", "Dimension", "S", "50.0", "50.0", "50.0", "–", "75.0", "40.0",
        "O", "Dimension", "O", "50.0", "50.0", "50.0", "–", "75.0", "40.0"]
    assert "5 regions of this kind" in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_other_region_is_named_on_the_results_page(client, people, peers, language):
    page = results(client, people, peers["own"], language).content.decode()
    assert 'id="peer-table"' in page
    for name in OTHER_NAMES:
        assert name not in page, name


def test_under_five_peers_the_page_shows_no_figures(client, people, peers):
    Assessment.objects.filter(title="邻市丙 2026").update(status=Assessment.Status.DRAFT, submitted_at=None)
    response = results(client, people, peers["own"])
    assert (response.context["peers"].count, response.context["peers"].enough_peers,
            response.context["peers"].rows) == (4, False, ())
    page = response.content.decode()
    assert 'id="not-enough-peers"' in page and "Not enough peers: fewer than 5 regions of this kind" in page
    assert 'id="peer-table"' not in page and "Peer median" not in page
    assert [trace["name"] for trace in response.context["figure"]["data"]] == ["园区 2026"]
    html = report_html(assessment=peers["own"], language="en")
    assert "Not enough peers: fewer than 5 regions of this kind" in html
    assert 'id="peer-table"' not in html and "Peer median" not in html


def test_the_report_cache_key_changes_when_a_peer_submits(people, peers):
    before = report_state_key(assessment=peers["own"], language="en")
    assert report_state_key(assessment=peers["own"], language="en") == before
    late = AssessmentFactory(region=peers["others"][0], framework=peers["own"].framework, title="新的",
                             status=Assessment.Status.SUBMITTED, submitted_at=START + timedelta(days=30))
    Answer.objects.bulk_create(Answer(assessment=late, indicator=i, level=0)
                               for i in Indicator.objects.filter(subdimension__dimension__framework=late.framework))
    assert report_state_key(assessment=peers["own"], language="en") != before


def test_the_pdf_has_the_peer_table_and_names_no_other_region(people, peers, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(assessment=peers["own"], language="en"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Compared with peers (City)" in text
    assert re.search(r"Overall\s+50\.0\s+50\.0\s+50\.0 – 75\.0\s+40\.0", text)
    assert re.search(r"S Dimension S\s+50\.0\s+50\.0\s+50\.0 – 75\.0\s+40\.0", text)
    assert "Peer median" in text and "Percentile" in text
    for name in OTHER_NAMES:
        assert name not in text, name
