"""Many people saving at once: no "database is locked", and no answer silently overwritten."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.answering import Edit, evidence_digest, save_step
from assessments.models import Answer
from frameworks.models import Indicator
from tests.factories import AssessmentFactory, RegionFactory, UserFactory
from tests.helpers import form_data_from_html

pytestmark = pytest.mark.postgres  # locking, concurrency, backup and restore
# Sixteen people save at the same moment, twice: the second time over the answers of the first (a third
# round found nothing more and cost 10 s on each engine).
ROUNDS = 2


@pytest.mark.django_db(transaction=True)
def test_sixteen_concurrent_savers_never_meet_a_locked_database(sodpa):
    region = RegionFactory()
    assessment = AssessmentFactory(region=region, framework=sodpa)
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa,
                                               subdimension__dimension__code="D")[:16])
    users = [UserFactory() for _ in indicators]
    region.officials.add(*users)
    url = reverse("questionnaire", args=[assessment.pk]) + "?step=D"
    barrier = threading.Barrier(len(users))
    results, failures = [], []

    def saver(user, indicator):
        try:
            client = Client()
            client.force_login(user)
            for round_number in range(ROUNDS):
                data = form_data_from_html(client.get(url).content.decode())
                data["i_" + indicator.code.replace(".", "_") + "-level"] = str(round_number + 1)
                barrier.wait(timeout=30)  # everyone saves at the same moment
                results.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=saver, args=pair) for pair in zip(users, indicators, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert results == [302] * (ROUNDS * len(users))
    levels = dict(Answer.objects.filter(assessment=assessment).values_list("indicator__code", "level"))
    assert levels == {indicator.code: ROUNDS for indicator in indicators}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.django_db(transaction=True)
def test_two_contributors_saving_their_parts_at_once_both_keep_their_answers(sodpa):
    """Contributors of S and of D (and one answering O1 independently) save at the same moment,
    twice: every answer of each is kept, none refused as a conflict."""
    from assessments.models import Assignment, Response

    region = RegionFactory()
    assessment = AssessmentFactory(region=region, framework=sodpa)
    savers = []
    for part, step_code, independent in (("S", "S", False), ("D", "D", False), ("O1", "O", True)):
        user = UserFactory()
        region.contributors.add(user)
        Assignment.objects.create(assessment=assessment, user=user, part=part, independent=independent)
        savers.append((user, step_code))
    barrier = threading.Barrier(len(savers))
    results, failures = [], []

    def saver(user, step_code):
        try:
            client = Client()
            client.force_login(user)
            url = reverse("questionnaire", args=[assessment.pk]) + f"?step={step_code}"
            for round_number in range(2):
                data = form_data_from_html(client.get(url).content.decode())
                for name in data:
                    if name.endswith("-level"):
                        data[name] = str(round_number + 2)
                barrier.wait(timeout=30)
                results.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=saver, args=pair) for pair in savers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and results == [302] * 6
    shared = dict(Answer.objects.filter(assessment=assessment).values_list("indicator__code", "level"))
    expected = Indicator.objects.filter(subdimension__dimension__framework=sodpa,
                                        subdimension__dimension__code__in=["S", "D"])
    assert shared == {indicator.code: 3 for indicator in expected}
    own = Response.objects.filter(assessment=assessment).values_list("indicator__code", "level")
    assert sorted(own) == sorted((i.code, 3) for i in Indicator.objects.filter(
        subdimension__dimension__framework=sodpa, subdimension__code="O1"))


values = st.one_of(st.none(), st.integers(0, 4))
# The step form refuses NUL before save_step is called (Django's ProhibitNullCharactersValidator), and
# PostgreSQL cannot store it.
evidence_texts = st.text(alphabet=st.characters(exclude_characters="\x00"), max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.sampled_from(["load", "save"]), st.integers(0, 2), st.integers(0, 2), values,
                               evidence_texts), min_size=1, max_size=25))
@pytest.mark.django_db
def test_random_interleavings_never_overwrite_a_saved_answer_silently(sodpa, plan):
    """Three editors load pages and save in random order. A save is applied only for indicators
    whose revision the editor saw; the database always equals the last accepted write."""
    assessment = AssessmentFactory(framework=sodpa)
    indicators = list(Indicator.objects.filter(subdimension__dimension__framework=sodpa)[:3])
    seen: dict[int, dict[str, tuple[int, object, str]]] = {editor: {} for editor in range(3)}
    truth: dict[str, tuple[int, object, str]] = {ind.code: (0, None, "") for ind in indicators}

    def load(editor):
        seen[editor] = dict(truth)

    for editor in range(3):
        load(editor)
    for action, editor, which, value, evidence in plan:
        if action == "load":
            load(editor)
            continue
        indicator = indicators[which]
        revision, seen_value, seen_evidence = seen[editor][indicator.code]
        edits = {indicator.code: Edit(value=value, evidence=evidence, seen_revision=revision, seen_value=seen_value,
                                      seen_evidence_digest=evidence_digest(seen_evidence))}
        result = save_step(assessment=assessment, user=None, indicators=indicators, edits=edits)
        current_revision, current_value, current_evidence = truth[indicator.code]
        changed = (value, evidence.strip()) != (seen_value, seen_evidence)
        differs = (value, evidence.strip()) != (current_value, current_evidence)
        if changed and differs and revision != current_revision:
            assert [c.code for c in result.conflicts] == [indicator.code]  # refused, never overwritten
        elif changed and differs:
            assert result.saved == (indicator.code,)
            cleared = value is None and not evidence.strip()  # back to unanswered: the row goes
            truth[indicator.code] = (0, None, "") if cleared else (current_revision + 1, value, evidence.strip())
            seen[editor][indicator.code] = truth[indicator.code]
        else:
            assert result.saved == () and result.conflicts == ()
        stored = {a.indicator.code: (a.revision, a.value, a.evidence)
                  for a in Answer.objects.filter(assessment=assessment).select_related("indicator")}
        assert stored == {code: state for code, state in truth.items() if state[0] > 0}
