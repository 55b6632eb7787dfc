"""Disclosure control of the peer benchmarks (issue 11): the differencing attack over every filter
combination through the real API finds no region's score and no hidden count or tier; refused groups
give no count (API and `benchmark_regions`); random populations (hypothesis) never let a region be
recovered; the peer comparison still shows on the results page and in the PDF for a safe group of 5+."""

import io
import itertools
import json
import random

import numpy as np
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from api.models import ApiToken
from assessments.benchmarks import MIN_PEERS, peer_benchmarks
from assessments.disclosure import Member, decide
from assessments.models import Answer, Assessment, Region
from assessments.reports import report_context, report_html
from assessments.results import score_assessment
from assessments.scoring import TIER_ADVANCED, TIER_BASIC, TIER_INTERMEDIATE
from frameworks.models import CityType, Indicator
from tests.factories import AssessmentFactory, RegionFactory

pytestmark = pytest.mark.django_db

KINDS, CITY_TYPES = list(Region.Kind.values), list(CityType.values)
TIERS = [TIER_ADVANCED, TIER_INTERMEDIATE, TIER_BASIC]
# every filter combination, None for "any": 4 × 5 × 4 = 80
KEYS = list(itertools.product([None, *KINDS], [None, *CITY_TYPES], [None, *TIERS]))
COLUMNS = ["overall", "S", "O", "D", "P", "A"]
# kind, city type, tier of the latest overall score, how many regions; with the issue's case: ten
# districts, nine of them intermediate. The official's 苏州工业园区 is a comprehensive intermediate city.
POPULATION = [
    ("city", "port", "advanced", 2), ("city", "port", "intermediate", 3), ("city", "port", "basic", 1),
    ("city", "industrial", "intermediate", 4), ("city", "industrial", "basic", 1),
    ("city", "tourism", "advanced", 1), ("city", "tourism", "basic", 1), ("city", "comprehensive", "intermediate", 5),
    ("district", "port", "intermediate", 4), ("district", "comprehensive", "intermediate", 5),
    ("district", "comprehensive", "advanced", 1),
    ("park", "industrial", "advanced", 3), ("park", "industrial", "intermediate", 3), ("park", "port", "basic", 1),
]
LEVELS = {"advanced": (3, 4, 4), "intermediate": (1, 2, 2, 3), "basic": (0, 1)}


@pytest.fixture
def population(sodpa, people):
    """35 regions with one submitted assessment each of random levels around their tier (distinct
    overall scores); the truth, scored one by one, per region id."""
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa))
    rng = random.Random(11)
    truth = {}
    for kind, city_type, tier, count in POPULATION:
        for number in range(count):
            if (kind, city_type, number) == ("city", "comprehensive", 0):
                region = people["own"]
            else:
                region = RegionFactory(name=f"{kind}-{city_type}-{tier}-{number}", kind=kind, city_type=city_type)
            assessment = AssessmentFactory(region=region, framework=sodpa, status=Assessment.Status.SUBMITTED)
            Answer.objects.bulk_create(Answer(assessment=assessment, indicator=indicator,
                                              level=rng.choice(LEVELS[tier])) for indicator in indicators)
            card = score_assessment(assessment=Assessment.objects.with_answers().get(pk=assessment.pk))
            assert card.overall_tier == tier
            truth[region.pk] = {"kind": kind, "city_type": city_type, "tier": tier, "overall": card.overall,
                                **{dim.code: dim.score for dim in card.dimensions}}
    overall = [row["overall"] for row in truth.values()]
    assert len(set(overall)) == len(overall) == 35
    return {"truth": truth, "own": people["own"].pk, "official": people["official"]}


def in_group(key, *, kind, city_type, tier) -> bool:
    return all(wanted in (None, value) for wanted, value in zip(key, (kind, city_type, tier), strict=True))


# every possible (kind, city type, tier or none) cell, and which are in each group: the official does
# not know which cells are empty
CELLS = list(itertools.product(KINDS, CITY_TYPES, [*TIERS, None]))
UNIVERSE = np.array([[in_group(key, kind=k, city_type=c, tier=t) for k, c, t in CELLS] for key in KEYS], float)


def query(key) -> str:
    return "&".join(f"{name}={value}" for name, value in zip(("kind", "city_type", "tier"), key, strict=True)
                    if value is not None)


def ask_every_group(client, token) -> dict:
    answers = {}
    for key in KEYS:
        response = client.get(f"/api/benchmarks?{query(key)}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        answers[key] = response.json()
    return answers


def members_of(key, truth) -> list[int]:
    return [pk for pk, row in truth.items()
            if in_group(key, kind=row["kind"], city_type=row["city_type"], tier=row["tier"])]


def in_row_space(rows: np.ndarray, vector: np.ndarray) -> bool:
    if not len(rows):
        return not vector.any()
    with threadpool_limits(limits=1, user_api="blas"):
        return np.linalg.matrix_rank(np.vstack([rows, vector])) == np.linalg.matrix_rank(rows)


def derivable(rows: np.ndarray) -> np.ndarray:
    """Per region (column): whether its unit vector is a linear combination of `rows`."""
    with threadpool_limits(limits=1, user_api="blas"):
        _, singular, basis = np.linalg.svd(rows, full_matrices=False)
    basis = basis[: int((singular > 1e-9).sum())]
    return (basis ** 2).sum(axis=0) > 1 - 1e-7


def refines(narrow, wide) -> bool:
    """`narrow`'s filters include `wide`'s (so its group lies within `wide`'s)."""
    return all(w is None or w == n for n, w in zip(narrow, wide, strict=True))


def test_the_differencing_attack_over_every_filter_combination_recovers_nothing(client, population):
    """As an official who sees one region: every one of the 80 filter combinations, then every pair of
    answers (differences of sums, with their own region's scores) and the linear system over all of them."""
    truth, own = population["truth"], population["own"]
    answers = ask_every_group(client, ApiToken.issue(user=population["official"], name="attack")[1])
    published = {key: answer for key, answer in answers.items() if answer["enough_peers"]}
    refused = [key for key in KEYS if key not in published]
    for key in refused:
        assert answers[key] == {"filters": dict(zip(("kind", "city_type", "tier"), key, strict=True)),
                                "enough_peers": False, "overall": None, "dimensions": None}, key
    for key, answer in published.items():
        assert answer["count"] == len(members_of(key, truth)) >= MIN_PEERS
    assert (None, None, None) in published and ("city", None, None) in published and len(published) >= 8
    assert ("district", None, "intermediate") not in published  # nine of the ten districts: the issue's attack
    # there is something to hide: small groups and regions alone in their cell
    assert len([key for key in refused if 0 < len(members_of(key, truth)) < MIN_PEERS]) >= 10

    def sums(answer, column):
        stats = answer["overall"] if column == "overall" else answer["dimensions"][column]
        return stats["mean"] * answer["count"]

    others = {column: {pk: row[column] for pk, row in truth.items() if pk != own} for column in COLUMNS}
    # pairs of nested groups (b's filters include a's), whose difference the official knows to be a
    # group of regions; any other pair is left to the linear system below
    for a, b in [(a, b) for a, b in itertools.permutations(published, 2) if refines(b, a)]:
        difference = published[a]["count"] - published[b]["count"]
        assert not 0 < difference < MIN_PEERS, (a, b)
        assert difference or b[2] is None or a[2] is not None, (a, b)  # else all of `a` is in tier b[2]
        own_in = in_group(a, **_cell(truth[own])) and not in_group(b, **_cell(truth[own]))
        if difference == 1 or (difference == 2 and own_in):
            for column in COLUMNS:
                value = sums(published[a], column) - sums(published[b], column)
                value -= truth[own][column] if difference == 2 else 0
                assert not any(abs(value - score) < 1e-6 for score in others[column].values()), (a, b, column)

    # the linear system over every published sum and the official's own scores
    regions = sorted(truth)
    rows = np.array([[pk in members_of(key, truth) for pk in regions] for key in published], dtype=float)
    rows = np.vstack([rows, np.eye(len(regions))[regions.index(own)]])
    recovered = derivable(rows)
    assert recovered[regions.index(own)]
    assert [truth[pk] for pk, found in zip(regions, recovered, strict=True) if found and pk != own] == []
    sums_known = np.array([sums(published[key], "overall") for key in published] + [truth[own]["overall"]])
    solved = np.linalg.lstsq(rows, sums_known, rcond=None)[0]  # what solving the system gives
    assert not any(abs(solved[index] - truth[pk]["overall"]) < 1e-6 for index, pk in enumerate(regions) if pk != own)
    # the counts: over every possible cell, as the official does not know which are empty
    counted = UNIVERSE[[KEYS.index(key) for key in published]]
    for key in refused:
        if members_of(key, truth):
            assert not in_row_space(counted, UNIVERSE[KEYS.index(key)]), key
    for kind, city_type in itertools.product(KINDS, CITY_TYPES):  # a whole (kind, city type) in one tier
        tiers = {row["tier"] for row in truth.values() if (row["kind"], row["city_type"]) == (kind, city_type)}
        if len(tiers) == 1:
            rest = np.array([(k, c) == (kind, city_type) and t not in tiers for k, c, t in CELLS], float)
            assert not in_row_space(counted, rest), (kind, city_type, tiers)


def _cell(row: dict) -> dict:
    return {"kind": row["kind"], "city_type": row["city_type"], "tier": row["tier"]}


def test_the_command_gives_refused_groups_no_count_and_the_rest_as_pandas(population):
    truth = population["truth"]
    for key in KEYS:
        options = [part for name, value in zip(("--kind", "--city-type", "--tier"), key, strict=True)
                   if value is not None for part in (name, value)]
        out, table = io.StringIO(), io.StringIO()
        call_command("benchmark_regions", "--format", "json", *options, stdout=out)
        call_command("benchmark_regions", "--format", "table", *options, stdout=table)
        result = json.loads(out.getvalue())
        assert result == peer_benchmarks(kind=key[0], city_type=key[1], tier=key[2])
        if result == {"enough_peers": False}:
            assert "regions:" not in table.getvalue() and table.getvalue().startswith("not enough peers")
            continue
        group = members_of(key, truth)
        assert result["count"] == len(group) and table.getvalue().startswith(f"regions: {len(group)}\n")
        for column in COLUMNS:
            values = sorted(truth[pk][column] for pk in group)
            stats = result["overall"] if column == "overall" else result["dimensions"][column]
            assert stats["mean"] == pytest.approx(sum(values) / len(values), abs=1e-9)
            assert (stats["p25"], stats["median"], stats["p75"]) == pytest.approx(
                tuple(np.quantile(values, [0.25, 0.5, 0.75])), abs=1e-9)
    assert peer_benchmarks(kind="park", tier="advanced") == {"enough_peers": False}  # 3 of them
    assert peer_benchmarks(tier="advanced")["count"] == 7  # a tier filter with figures


# Random populations ------------------------------------------------------------------------------

@st.composite
def populations(draw) -> list[Member]:
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True))
    city_types = draw(st.lists(st.sampled_from(CITY_TYPES), min_size=1, max_size=4, unique=True))
    tiers = draw(st.lists(st.sampled_from([*TIERS, None]), min_size=1, max_size=4, unique=True))
    columns = draw(st.sampled_from([COLUMNS, ["overall", "S", "O"]]))
    member = st.builds(lambda kind, city_type, tier, missing: Member(
        kind=kind, city_type=city_type, tier=tier, scored=frozenset(columns) - ({missing} if tier else set(columns))),
        st.sampled_from(kinds), st.sampled_from(city_types), st.sampled_from(tiers),
        st.sampled_from([None] * 6 + columns[1:]))
    return draw(st.lists(member, max_size=45))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_published_groups_never_give_an_individual_away(members):
    """Checked on the regions themselves (not the cells the decision works on): each official, knowing
    their own scores, can derive no other region's score in any column from the published sums."""
    decision = decide(members=members, kinds=KINDS, city_types=CITY_TYPES, tiers=TIERS, minimum=MIN_PEERS)
    inside = {key: [in_group(key, kind=m.kind, city_type=m.city_type, tier=m.tier) for m in members] for key in KEYS}
    published = sorted(decision.published, key=KEYS.index)
    for key in published:
        assert sum(inside[key]) >= MIN_PEERS
    for a, b in itertools.permutations(published, 2):
        if all(x <= y for x, y in zip(inside[b], inside[a], strict=True)):
            assert not 0 < sum(inside[a]) - sum(inside[b]) < MIN_PEERS
            assert inside[a] != inside[b] or b[2] is None or a[2] is not None
    if not published:
        return
    counted = UNIVERSE[[KEYS.index(key) for key in published]]
    for key in KEYS:
        if key not in decision.published and 0 < sum(inside[key]) < MIN_PEERS:
            assert not in_row_space(counted, UNIVERSE[KEYS.index(key)]), key
    identity = np.eye(len(members))
    for column in COLUMNS:
        scored = np.array([column in m.scored for m in members])
        rows = np.array([inside[key] for key in published], dtype=float) * scored
        for own in np.flatnonzero(scored):
            found = derivable(np.vstack([rows, identity[own]])) & scored
            found[own] = False
            assert not found.any(), (column, members[own], [members[i] for i in np.flatnonzero(found)])


# The results page and the PDF ---------------------------------------------------------------------

@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_with_the_demo_data_the_results_page_and_the_pdf_compare_with_peers(sodpa, client):
    call_command("seed_demo", "--regions", "30", stdout=io.StringIO())
    region = Region.objects.get(name="苏州工业园区")
    parks = Region.objects.filter(kind="park", assessments__status="submitted").distinct().count()
    assert parks >= MIN_PEERS and peer_benchmarks(kind="park")["count"] == parks
    assessment = region.assessments.filter(status="submitted").order_by("-submitted_at").first()
    client.force_login(region.officials.get())
    response = client.get(reverse("results", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    peers = response.context["peers"]
    assert (peers.enough_peers, peers.count, [row.code for row in peers.rows]) == (
        True, parks, ["overall", "S", "O", "D", "P", "A"])
    assert 'id="peer-table"' in response.content.decode()
    assert report_context(assessment=assessment)["peers"] == peers
    assert 'id="peer-table"' in report_html(assessment=assessment, language="en")


def test_five_of_a_kind_beside_one_region_of_another_show_no_comparison(sodpa, people, client):
    """Five cities and one park: the cities' figures with those of all six regions would give the park's
    scores, so the cities get no comparison (in either language, on the page and in the PDF), and
    with five parks they do."""
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa))

    def submit(region, level):
        assessment = AssessmentFactory(region=region, framework=sodpa, status=Assessment.Status.SUBMITTED)
        Answer.objects.bulk_create(Answer(assessment=assessment, indicator=i, level=level) for i in indicators)
        return assessment

    own = submit(people["own"], 2)
    for level in (0, 1, 3, 4):
        submit(RegionFactory(kind="city"), level)
    submit(RegionFactory(kind="park"), 4)
    client.force_login(people["official"])
    for language, message in (("en", "or their figures with other published peer figures would give a region's "
                                     "scores away"), ("zh-hans", "推算出某个地区的得分")):
        response = client.get(reverse("results", args=[own.pk]), HTTP_ACCEPT_LANGUAGE=language)
        page = response.content.decode()
        assert (response.context["peers"].enough_peers, response.context["peers"].count) == (False, None)
        assert 'id="not-enough-peers"' in page and message in page and 'id="peer-table"' not in page
        assert message in report_html(assessment=own, language=language)
    assert peer_benchmarks(kind="city") == {"enough_peers": False} and peer_benchmarks()["count"] == 6
    for _ in range(4):
        submit(RegionFactory(kind="park"), 1)
    response = client.get(reverse("results", args=[own.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert (response.context["peers"].enough_peers, response.context["peers"].count) == (True, 5)
    assert 'id="peer-table"' in report_html(assessment=own, language="en")
