"""The Django-side steps of the benchmarks, each run in a process of its own by bench/run.py:

    .venv/bin/python -m bench.inproc STEP [options]

with DATABASE_URL, SECRET_KEY, … set by the driver (DJANGO_SETTINGS_MODULE=bench.settings, the
production settings). Each step hands back one JSON line (bench/common.py); nothing here prints
figures or decides whether a target is met.
"""

import argparse
import json
import os
import time
from pathlib import Path

import django

from bench.common import hand_back

FRAMEWORK = "sodpa-2023"
CITY_TYPES = ("port", "industrial", "tourism", "comprehensive")
KINDS = ("city", "district", "park")
EVIDENCE = ("《{name}数字孪生城市建设三年行动计划（2024—2026）》第{n}章；市大数据局年度报告；"
            "城市信息模型（CIM）平台验收材料与运行日志摘要。")


# --- database -----------------------------------------------------------------------------------

def step_database(args) -> None:
    """Create the (PostgreSQL) database if needed, migrate, load the SODPA framework fixture."""
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        import psycopg
        from psycopg import sql

        with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"],
                             dbname="postgres", autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone() is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("loaddata", FRAMEWORK, verbosity=0)
    seconds = time.perf_counter() - started
    if args.dir:  # and the answer files, in the same process
        write_answer_files(Path(args.dir), regions=args.regions, seed=args.seed)
    hand_back({"seconds": seconds})


# --- answer files and their import --------------------------------------------------------------

def _framework_spec():
    from assessments.queries import framework_with_questionnaire
    from frameworks.models import Framework
    from frameworks.spec import framework_spec

    return framework_spec(framework=framework_with_questionnaire(Framework.objects.latest_published(FRAMEWORK).pk))


def write_answer_files(out: Path, *, regions: int, seed: int) -> None:
    """Two JSON answer files per region: a submitted complete assessment, then a draft with about
    one indicator in ten unanswered; levels, N/A and evidence vary from region to region."""
    import numpy as np

    spec = _framework_spec()
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    for number in range(regions):
        name = f"基准城市{number:05d}"
        region = {"name": name, "kind": KINDS[number % len(KINDS)], "city_type": CITY_TYPES[number % len(CITY_TYPES)]}
        for suffix, title, submit in (("a", "2025 年度自评估", True), ("b", "2026 年度自评估（草稿）", False)):
            answers, evidence = {}, {}
            for position, indicator in enumerate(spec.indicators):
                draw = rng.random()
                if not submit and draw < 0.1:
                    continue  # unanswered in the draft
                if indicator.allows_na and draw > 0.93:
                    answers[indicator.code] = "na"
                else:
                    answers[indicator.code] = int(rng.integers(0, 5))
                if draw < 0.4:
                    evidence[indicator.code] = EVIDENCE.format(name=name, n=position % 9 + 1)
            document = {"framework": FRAMEWORK, "region": region, "title": title, "answers": answers,
                        "evidence": evidence, "submit": submit}
            (out / f"{number:05d}-{suffix}.json").write_text(json.dumps(document, ensure_ascii=False, indent=1),
                                                             encoding="utf-8")


def step_import(args) -> None:
    """Import every answer file of the folder with the real import path, one file at a time; with
    --template (SQLite), `runs` times, each into a fresh copy of the template database."""
    import shutil

    from django.conf import settings
    from django.db import connections

    from assessments.importing import import_answer_file

    files = sorted(Path(args.dir).glob("*.json"))
    totals, per_file = [], []
    for run in range(args.runs):
        if args.template:
            connections.close_all()
            database = Path(settings.DATABASES["default"]["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(args.template, database)
        elif run:
            raise SystemExit("several import runs need --template")
        started = time.perf_counter()
        for path in files:
            begin = time.perf_counter()
            import_answer_file(path, framework=FRAMEWORK, region={}, title="", submit=False)
            per_file.append(time.perf_counter() - begin)
        totals.append(time.perf_counter() - started)
    from assessments.models import Assessment, Region

    first = Region.objects.order_by("name").first()
    submitted = first.assessments.filter(status=Assessment.Status.SUBMITTED).order_by("-submitted_at").first()
    hand_back({"totals": totals, "files": len(files), "per_file": per_file, "first_submitted": submitted.pk})


# --- users, sessions and the step saves ---------------------------------------------------------

def step_sessions(args) -> None:
    """One official per region (the first `users` regions), signed in by a session row made here,
    each with the draft assessment they will read and save, and its step's answers as they stand."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.middleware import SIGNED_IN_AT
    from assessments.models import Answer, Assessment, Region

    store = import_module(settings.SESSION_ENGINE).SessionStore
    password = make_password("bench-password-not-used-to-sign-in")  # one hash for all: hashing is slow
    spec = _framework_spec()
    steps = [dim.code for dim in spec.dimensions]
    sessions = []
    for number, region in enumerate(Region.objects.order_by("name")[: args.users]):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-official-{number:02d}",
                                                         defaults={"password": password})
        region.officials.add(user)
        draft = region.assessments.filter(status=Assessment.Status.DRAFT).order_by("-created_at").first()
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT] = int(time.time())
        session.create()
        step = steps[number % len(steps)]
        codes = [ind.code for dim in spec.dimensions if dim.code == step for ind in dim.indicators]
        revisions = dict(Answer.objects.filter(assessment=draft, indicator__code__in=codes)
                         .values_list("indicator__code", "revision"))
        submitted = region.assessments.filter(status=Assessment.Status.SUBMITTED).order_by("-submitted_at").first()
        sessions.append({"user": user.username, "sessionid": session.session_key, "assessment": draft.pk,
                         "submitted": submitted.pk,
                         "step": step, "codes": codes, "revisions": {code: revisions.get(code, 0) for code in codes}})
    Path(args.out).write_text(json.dumps(sessions, ensure_ascii=False, indent=1), encoding="utf-8")
    hand_back({"sessions": len(sessions)})


def step_verify_saves(args) -> None:
    """Every save the server accepted (302 to the next page) is in the database: the answer holds the
    last accepted level and evidence, and its revision grew by exactly the number of accepted saves."""
    from assessments.models import Answer

    sessions = json.loads(Path(args.sessions).read_text(encoding="utf-8"))
    initial = {(s["assessment"], code): revision for s in sessions for code, revision in s["revisions"].items()}
    accepted: dict[tuple[int, str], list[dict]] = {}
    log = Path(args.saves)
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        save = json.loads(line)
        accepted.setdefault((save["assessment"], save["code"]), []).append(save)
    stored = {
        (assessment, code): (level, na, evidence, revision)
        for assessment, code, level, na, evidence, revision in Answer.objects.filter(
            assessment_id__in={s["assessment"] for s in sessions}).values_list(
            "assessment_id", "indicator__code", "level", "not_applicable", "evidence", "revision")
    }
    lost = []
    for key, saves in accepted.items():
        saves.sort(key=lambda save: save["seq"])
        last = saves[-1]
        expected = (None if last["level"] == "na" else last["level"], last["level"] == "na", last["evidence"],
                    initial.get(key, 0) + len(saves))
        if stored.get(key) != expected:
            lost.append({"key": list(key), "expected": expected, "stored": stored.get(key)})
    hand_back({"accepted": sum(len(saves) for saves in accepted.values()), "answers_checked": len(accepted),
               "lost": len(lost), "examples": lost[:5]})


# --- PDF reports --------------------------------------------------------------------------------

def _assessment(assessment_id: int):
    from assessments.models import Assessment

    return Assessment.objects.select_related("region", "framework").get(pk=assessment_id)


def step_pdf(args) -> None:
    """In a fresh process: the first report, as the download view makes it on a cache miss
    (`cached_report`: state key, render within the time limit, into the report cache, so that the
    server's downloads find it there), then warm renders of the report (database, template, chart,
    typesetting; no cache) alternating with warm renders by WeasyPrint alone of the same HTML,
    saved once as a static file: the same size and fonts, none of our work."""
    from assessments.reports import cached_report, render_report, report_html

    assessment = _assessment(args.assessment)
    started = time.perf_counter()
    pdf, from_cache = cached_report(assessment=assessment, language=args.lang)
    first = time.perf_counter() - started
    if from_cache:
        raise SystemExit("the report cache of a new run already had this report")
    html = report_html(assessment=assessment, language=args.lang)
    Path(args.html_out).write_text(html, encoding="utf-8")

    import weasyprint

    renders, baselines, sizes = [], [], {"first": len(pdf)}
    for _ in range(args.runs):
        started = time.perf_counter()
        sizes["report"] = len(render_report(assessment=assessment, language=args.lang))
        renders.append(time.perf_counter() - started)
        started = time.perf_counter()
        sizes["baseline"] = len(weasyprint.HTML(filename=args.html_out).write_pdf())
        baselines.append(time.perf_counter() - started)
    hand_back({"first": first, "render": renders, "baseline": baselines, "html_bytes": len(html.encode()),
               "pdf_bytes": sizes})


def step_pdf_first_baseline(args) -> None:
    """The baseline of the first render: WeasyPrint alone, imported and run once in a fresh process,
    on the report's HTML saved as a static file."""
    started = time.perf_counter()
    import weasyprint

    pdf = weasyprint.HTML(filename=args.html_out).write_pdf()
    hand_back({"seconds": time.perf_counter() - started, "bytes": len(pdf)})


# --- batch scoring ------------------------------------------------------------------------------

def _answer_matrix(spec, count: int, seed: int):
    """Synthetic answers of `count` assessments: levels (NaN where N/A or unanswered), N/A and
    answered masks; about 5 % unanswered and 5 % N/A where allowed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    width = len(spec.indicators)
    allows_na = np.array([ind.allows_na for ind in spec.indicators])
    levels = rng.integers(0, 5, size=(count, width)).astype(float)
    not_applicable = (rng.random((count, width)) < 0.05) & allows_na
    answered = rng.random((count, width)) >= 0.05
    not_applicable &= answered
    levels[~answered | not_applicable] = np.nan
    return levels, not_applicable, answered


def _long_frame(spec, levels, not_applicable, answered):
    """The same answers as score_batch takes them: one row per given answer."""
    import numpy as np
    import pandas as pd

    rows, columns = np.nonzero(answered)
    codes = np.array([ind.code for ind in spec.indicators], dtype=object)
    return pd.DataFrame({"assessment": rows + 1, "indicator": codes[columns], "level": levels[rows, columns],
                         "not_applicable": not_applicable[rows, columns]})


def numpy_weighted_sums(spec, levels, answered):
    """The floor: completion, sub-dimension, dimension and overall scores as NumPy weighted sums
    over the answer matrix (two matrix products per level of the hierarchy)."""
    import numpy as np

    indicators = spec.indicators
    subs = [sub for dim in spec.dimensions for sub in dim.subdimensions]
    weights = np.array([ind.weight for ind in indicators])
    by_sub = np.zeros((len(indicators), len(subs)))
    by_dim = np.zeros((len(indicators), len(spec.dimensions)))
    column = 0
    for d, dim in enumerate(spec.dimensions):
        for sub in dim.subdimensions:
            s = subs.index(sub)
            for _ in sub.indicators:
                by_sub[column, s] = by_dim[column, d] = weights[column]
                column += 1
    applicable = ~np.isnan(levels)
    scores = np.where(applicable, levels, 0.0) * (100 / 4)
    present = applicable.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        subdimension = (scores @ by_sub) / (present @ by_sub)
        dimension = (scores @ by_dim) / (present @ by_dim)
        dim_weights = np.array([dim.weight for dim in spec.dimensions])
        has = ~np.isnan(dimension)
        overall = (np.where(has, dimension, 0.0) @ dim_weights) / (has @ dim_weights)
    completion = answered.sum(axis=1) / len(indicators)
    return completion, subdimension, dimension, overall


def _id_rows(spec, levels, not_applicable, answered):
    """The same answers as `batch_scorecards` reads them from the database: integer columns
    (assessment id, indicator id, level, N/A), ordered by assessment; indicator ids 1001… in the
    spec's order."""
    import numpy as np

    rows, columns = np.nonzero(answered)
    indicator_ids = np.arange(len(spec.indicators)) + 1001
    return indicator_ids, {"assessment": rows + 1, "indicator": indicator_ids[columns],
                           "level": levels[rows, columns], "not_applicable": not_applicable[rows, columns]}


def step_scoring(args) -> None:
    import numpy as np

    from assessments.batch_scores import score_rows
    from assessments.scoring import score_batch

    spec = _framework_spec()
    levels, not_applicable, answered = _answer_matrix(spec, args.count, seed=8)
    frame = _long_frame(spec, levels, not_applicable, answered)
    indicator_ids, columns = _id_rows(spec, levels, not_applicable, answered)

    def batch():  # what batch_scorecards runs on the rows of its answers query
        return score_rows(spec=spec, indicator_ids=indicator_ids, **columns)

    # All give the same numbers (checked on the first run), then each is timed on its own.
    result = score_batch(spec=spec, answers=frame)
    scores = batch()
    completion, _, dimension, overall = numpy_weighted_sums(spec, levels, answered)
    index = result.index.to_numpy() - 1
    assert np.allclose(result["overall"].to_numpy(), overall[index], equal_nan=True)  # noqa: S101
    assert np.allclose(result[[d.code for d in spec.dimensions]].to_numpy(), dimension[index], equal_nan=True)  # noqa: S101
    assert np.allclose(result["completion"].to_numpy(), completion[index])  # noqa: S101
    assert np.array_equal(scores.assessments - 1, np.arange(args.count))  # noqa: S101
    assert np.allclose(scores.overall, overall, equal_nan=True)  # noqa: S101
    assert np.allclose(scores.dimensions, dimension, equal_nan=True)  # noqa: S101
    assert np.allclose(scores.completion, completion)  # noqa: S101
    batch_times, codes_times, numpy_times = [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        batch()
        batch_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        score_batch(spec=spec, answers=frame)
        codes_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        numpy_weighted_sums(spec, levels, answered)
        numpy_times.append(time.perf_counter() - started)
    blas = None
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}"
                for i in threadpool_info()]
    except ImportError:
        pass
    hand_back({"batch": batch_times, "codes": codes_times, "numpy": numpy_times, "rows": len(frame),
               "indicators": len(spec.indicators), "blas": blas})


# --- queries per page ---------------------------------------------------------------------------

def _world(tag: str, size: int):
    """A framework of 5 dimensions × 2·size sub-dimensions × 3 indicators, and 2·size regions of
    2 assessments each (the earlier one submitted), every indicator answered, all visible to one
    official: `size` 10 has ten times the regions, assessments and indicators of `size` 1."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import Answer, Assessment, Region
    from frameworks.models import Dimension, Framework, Indicator, LevelDescriptor, SubDimension

    framework = Framework.objects.create(code=f"bench-{tag}", version=1, status=Framework.Status.PUBLISHED,
                                         name_zh="基准框架", name_en="Benchmark framework")
    dimensions = Dimension.objects.bulk_create(
        Dimension(framework=framework, code=code, order=order, weight=order, guide_section="二",
                  name_zh=f"维度{code}", name_en=f"Dimension {code}")
        for order, code in enumerate("SODPA", start=1))
    subs = SubDimension.objects.bulk_create(
        SubDimension(dimension=dim, code=f"{dim.code}{n}", order=n, guide_section="二(一)", name_zh=f"子维度{n}",
                     name_en=f"Sub-dimension {n}", measures_zh="措施", measures_en="Measures")
        for dim in dimensions for n in range(1, 2 * size + 1))
    indicators = Indicator.objects.bulk_create(
        Indicator(subdimension=sub, code=f"{sub.code}.{n}", order=n, weight=n, allows_na=n == 3,
                  guide_section="二(一)", question_zh=f"问题{sub.code}.{n}？", question_en=f"Question {sub.code}.{n}?")
        for sub in subs for n in range(1, 4))
    LevelDescriptor.objects.bulk_create(
        LevelDescriptor(indicator=ind, level=level, text_zh=f"等级{level}", text_en=f"Level {level}")
        for ind in indicators for level in range(5))
    user = get_user_model().objects.create(username=f"bench-queries-{tag}")
    drafts = []
    for number in range(2 * size):
        region = Region.objects.create(name=f"查询基准{tag}-{number:03d}", kind="city", city_type="comprehensive")
        region.officials.add(user)
        submitted = Assessment.objects.create(region=region, framework=framework, title="2025",
                                              status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
        draft = Assessment.objects.create(region=region, framework=framework, title="2026")
        Answer.objects.bulk_create(
            Answer(assessment=assessment, indicator=ind, level=(number + position + offset) % 5, evidence="证据")
            for offset, assessment in enumerate((submitted, draft)) for position, ind in enumerate(indicators))
        drafts.append(draft)
    return user, drafts[-1]


def step_queries(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in (1, 10):
        user, assessment = _world(f"x{size}", size)
        client = Client()
        client.force_login(user)
        pages = {
            "dashboard": "/",
            "questionnaire": f"/assessments/{assessment.pk}/?step=S",
            "results": f"/assessments/{assessment.pk}/results/",
            "portfolio": "/portfolio/",
        }
        for page, url in pages.items():
            client.get(url)  # warm-up: the first request fills per-process caches
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            if status != 200:
                raise SystemExit(f"{page} answered {status}")
            counts.setdefault(page, {})[size] = len(queries)
    hand_back(counts)


STEPS = {
    "database": step_database, "import": step_import,
    "sessions": step_sessions, "verify-saves": step_verify_saves, "pdf": step_pdf,
    "pdf-first-baseline": step_pdf_first_baseline, "scoring": step_scoring, "queries": step_queries,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("--dir")
    parser.add_argument("--regions", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--out")
    parser.add_argument("--sessions")
    parser.add_argument("--saves")
    parser.add_argument("--assessment", type=int)
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--html-out")
    parser.add_argument("--template")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    STEPS[args.step](args)


if __name__ == "__main__":
    main()
