"""`make bench`: the benchmark suite. Prints one JSON line per figure
({"name", "value", "unit", "baseline", "ratio"}) on stdout, then a table with the targets.

    .venv/bin/python -m bench.run [--quick]

Everything runs on this machine, against 127.0.0.1 only, in a throw-away folder (var/bench/run-*,
kept as var/bench/last for bench/profile_page.py); every server started here is stopped on the way out,
whatever happens. Progress goes to stderr. See docs/benchmarks.md for what each figure means.
"""

import argparse
import atexit
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess  # noqa: S404
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import median, percentile, read_back

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
VAR = ROOT / "var" / "bench"
STATIC_ROOT = VAR / "static"
USERS = 20
WORKERS = 4
HOST = "127.0.0.1"


@dataclass
class Plan:
    quick: bool
    regions: int  # two answer files (assessments) per region
    import_runs: int
    window: float  # seconds per load window
    windows: int  # measured windows (runs) per scenario
    warmup: float
    pdf_runs: int
    cached_downloads: int
    scoring_count: int
    scoring_runs: int
    postgres: bool

    @classmethod
    def make(cls, quick: bool) -> "Plan":
        if quick:
            return cls(quick=True, regions=50, import_runs=3, window=1.2, windows=3, warmup=1.0, pdf_runs=1,
                       cached_downloads=10, scoring_count=100_000, scoring_runs=3, postgres=False)
        return cls(quick=False, regions=500, import_runs=3, window=10.0, windows=5, warmup=5.0, pdf_runs=5,
                   cached_downloads=30, scoring_count=100_000, scoring_runs=7, postgres=True)


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    target: str = ""
    met: bool | None = None  # None: no target
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def json(self) -> str:
        def rounded(number):
            return None if number is None else round(number, 4)

        return json.dumps({"name": self.name, "value": rounded(self.value), "unit": self.unit,
                           "baseline": rounded(self.baseline), "ratio": rounded(self.ratio)}, ensure_ascii=False)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- processes ----------------------------------------------------------------------------------

SERVERS: list[subprocess.Popen] = []


def stop(process: subprocess.Popen) -> None:
    """Stop a server started here (its own process group, by id): TERM, then KILL after 15 s."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        except ProcessLookupError:
            pass
    if process in SERVERS:
        SERVERS.remove(process)


def stop_all() -> None:
    for process in list(SERVERS):
        stop(process)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def django_env(database_url: str, work: Path, **extra: str) -> dict[str, str]:
    """bin/serve's environment without TLS (plain HTTP on 127.0.0.1), the benchmark settings."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"BEHIND_TLS_PROXY", "DATABASE_CONN_MAX_AGE", "REPORT_TIMEOUT_SECONDS", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0", SECRET_KEY=SECRET_KEY, ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url, REPORT_CACHE_DIR=str(work / "report-cache"), BENCH_STATIC_ROOT=str(STATIC_ROOT),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


SECRET_KEY = secrets.token_urlsafe(50)


def step(name: str, env: dict, *args: str, timeout: float = 900) -> dict:
    """Run a Django-side step (bench/inproc.py) in a fresh process and return what it hands back."""
    done = subprocess.run([PYTHON, "-m", "bench.inproc", name, *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-5000:])
        raise SystemExit(f"bench step {name} failed (exit {done.returncode})")
    return read_back(done.stdout)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


# --- static files -------------------------------------------------------------------------------

def collect_static(env: dict) -> None:
    """collectstatic into var/bench/static with the manifest, as production names the files (bench/settings.py)."""
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env,  # noqa: S603
                   check=True, timeout=600)


# --- the server and the load --------------------------------------------------------------------

def start_server(env: dict, work: Path, label: str, wait: bool = True,
                 workers: int = WORKERS) -> tuple[subprocess.Popen, int]:
    """gunicorn as bin/serve runs it (production settings, its config file: each worker starts its PDF
    render server while booting; WORKERS=4), on a free port of 127.0.0.1."""
    port = free_port()
    log = (work / f"gunicorn-{label}.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [str(VENV_BIN / "gunicorn"), "sodpa_portal.wsgi:application", "--config", "python:sodpa_portal.gunicorn_conf",
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", "120",
         "--access-logfile", str(work / f"access-{label}.log"), "--forwarded-allow-ips", HOST],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    SERVERS.append(process)
    if wait:
        wait_for(process, port, Path(log.name))
    return process, port


def wait_for(process: subprocess.Popen, port: int, log: Path) -> None:
    """Until the server answers the baseline URL (60 s at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            status, _, _ = fetch(port, "/bench/ping/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


SCENARIOS = ("ping", "results", "save")


def run_load(plan: Plan, port: int, work: Path, sessions: Path, label: str) -> list[dict]:
    """locust, headless, 20 users: a warm-up window, then the scenarios in turn, `windows` times."""
    samples, saves = work / f"samples-{label}.jsonl", work / f"saves-{label}.jsonl"
    total = plan.warmup + plan.window * plan.windows * len(SCENARIOS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_SESSIONS": str(sessions), "BENCH_SAMPLES": str(samples),
           "BENCH_SAVES": str(saves), "BENCH_WINDOW": str(plan.window), "BENCH_WINDOWS": str(plan.windows),
           "BENCH_WARMUP": str(plan.warmup), "BENCH_SCENARIOS": ",".join(SCENARIOS), "BENCH_USERS": str(USERS),
           "BENCH_RUN": label}
    say(f"{label}: locust, {USERS} users, {total:.0f} s")
    with (work / f"locust-{label}.log").open("w") as log:
        subprocess.run(  # noqa: S603
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", str(USERS * 10), "-t", f"{int(total) + 60}s", "--stop-timeout", "30",
             "--host", f"http://{HOST}:{port}", "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=total + 120, check=False)
    keys = ("window", "scenario", "name", "start", "ms", "ok", "status")
    return [dict(zip(keys, json.loads(line), strict=True)) for line in samples.read_text().splitlines() if line]


def latency(samples: list[dict], scenario: str, name: str) -> dict:
    """p50 and p95 of each measured window of the scenario, and their medians over the windows."""
    per_window = []
    for window in sorted({s["window"] for s in samples if s["scenario"] == scenario}):
        times = [s["ms"] for s in samples if s["window"] == window and s["name"] == name and s["ok"]]
        if times:
            per_window.append((percentile(times, 0.5), percentile(times, 0.95), len(times)))
    def belongs(sample) -> bool:  # failed requests and task errors of the scenario, warm-up included
        if sample["scenario"] == scenario or sample["name"].startswith("task error"):
            return True
        return sample["scenario"] == "warmup" and (
            sample["name"] == name or scenario == "save" and sample["name"].startswith("step"))

    errors = sum(1 for s in samples if not s["ok"] and belongs(s))
    return {"p50": median([w[0] for w in per_window]), "p95": median([w[1] for w in per_window]),
            "windows": [[round(w[0], 1), round(w[1], 1), w[2]] for w in per_window], "errors": errors,
            "requests": sum(w[2] for w in per_window)}


def cached_downloads(port: int, cookie: str, assessment: int, count: int) -> dict:
    """The PDF report's download when it is in the report cache (X-Report-Cache: hit), one at a time."""
    path = f"/assessments/{assessment}/report.pdf?lang=zh-hans"
    status, headers, body = fetch(port, path, cookie)  # put there by the "pdf" step: a hit already
    if status != 200:
        raise SystemExit(f"report download answered {status}")
    times, misses = [], int(headers.get("X-Report-Cache") != "hit")
    for _ in range(count):
        started = time.perf_counter()
        status, headers, body = fetch(port, path, cookie)
        times.append((time.perf_counter() - started) * 1000)
        misses += status != 200 or headers.get("X-Report-Cache") != "hit"
    return {"ms": times, "misses": misses, "downloads": count + 1, "bytes": len(body)}


def first_reports(env: dict, work: Path, cookie: str, assessment: int, runs: int) -> dict:
    """The first PDF after a worker starts, through the server: gunicorn started as bin/serve starts it
    (one worker, so the first request meets a worker that has just booted), the report downloaded as
    soon as the server answers (a cache miss: rendered in the request); then the same download `runs`
    times more, the report cache emptied before each, so every one is the same miss in a warm worker."""
    cache = work / "report-cache-first"
    env = {**env, "REPORT_CACHE_DIR": str(cache)}
    path = f"/assessments/{assessment}/report.pdf?lang=zh-hans"
    started = time.perf_counter()
    server, port = start_server(env, work, "first-report", workers=1)
    boot = time.perf_counter() - started
    times = []
    try:
        for _ in range(runs + 1):
            shutil.rmtree(cache, ignore_errors=True)
            started = time.perf_counter()
            status, headers, body = fetch(port, path, cookie)
            times.append(time.perf_counter() - started)
            if status != 200 or headers.get("X-Report-Cache") != "miss":
                raise SystemExit(f"first-report download answered {status} ({headers.get('X-Report-Cache')})")
    finally:
        stop(server)
    return {"first": times[0], "warm": times[1:], "boot": boot, "bytes": len(body)}


def server_phase(plan: Plan, database_url: str, work: Path, label: str, report: int | None = None) -> dict:
    """Sessions, the server, the load, the cached report downloads, and the check of the saves."""
    env = django_env(database_url, work)
    sessions = work / f"sessions-{label}.json"
    server, port = start_server(env, work, label, wait=False)
    try:
        step("sessions", env, "--users", str(USERS), "--out", str(sessions))  # while gunicorn starts
        people = json.loads(sessions.read_text())
        wait_for(server, port, work / f"gunicorn-{label}.log")
        samples = run_load(plan, port, work, sessions, label)
        cached = None if report is None else cached_downloads(
            port, f"sessionid={people[0]['sessionid']}", report, plan.cached_downloads)
    finally:
        stop(server)
    first = None if report is None else first_reports(
        env, work, f"sessionid={people[0]['sessionid']}", report, 2 if plan.quick else 3)
    verified = step("verify-saves", env, "--sessions", str(sessions), "--saves", str(work / f"saves-{label}.jsonl"))
    return {
        "ping": latency(samples, "ping", "ping"),
        "results": latency(samples, "results", "results"),
        "save": latency(samples, "save", "step POST"),
        "verified": verified, "cached": cached, "first_report": first,
    }


# --- the phases ---------------------------------------------------------------------------------

def sqlite_phase(plan: Plan, work: Path) -> dict:
    template = work / "template.sqlite3"
    env = django_env(sqlite_url(template), work)
    collect_static(env)
    say(f"SQLite: migrate, load the SODPA framework, write {2 * plan.regions} answer files")
    files = work / "answer-files"
    step("database", env, "--dir", str(files), "--regions", str(plan.regions))
    database = work / "bench.sqlite3"
    say(f"import {2 * plan.regions} answer files × {plan.import_runs} runs")
    imported = step("import", django_env(sqlite_url(database), work), "--dir", str(files), "--template",
                    str(template), "--runs", str(plan.import_runs))
    submitted = imported["first_submitted"]
    pdf = pdf_phase(plan, work, submitted)
    result = server_phase(plan, sqlite_url(database), work, "sqlite", report=submitted)
    result["import"], result["pdf"] = imported, pdf
    return result


def postgres_phase(plan: Plan, work: Path) -> dict:
    """Run inside bin/with-postgres (DATABASE_URL set by it): the same server phase on PostgreSQL."""
    database_url = os.environ["DATABASE_URL"]
    env = django_env(database_url, work)
    say("PostgreSQL: migrate, load the SODPA framework, import the answer files")
    step("database", env)
    step("import", env, "--dir", str(work / "answer-files"), "--runs", "1")
    return server_phase(plan, database_url, work, "postgresql")


def pdf_phase(plan: Plan, work: Path, assessment: int) -> dict:
    env = django_env(sqlite_url(work / "bench.sqlite3"), work)
    html = work / "report.html"
    say("PDF: first render in a fresh process, warm renders, WeasyPrint baseline")
    pdf = step("pdf", env, "--assessment", str(assessment), "--runs", str(plan.pdf_runs), "--html-out", str(html))
    pdf["first_baseline"] = step("pdf-first-baseline", env, "--html-out", str(html))["seconds"]
    return pdf


def compute_phase(plan: Plan, work: Path) -> dict:
    env = django_env(sqlite_url(work / "template.sqlite3"), work)
    say(f"batch scoring of {plan.scoring_count} assessments × {plan.scoring_runs} runs")
    # This command alone runs NumPy without the workplace's OpenBLAS overrides (they slow a current
    # NumPy), on one thread like the pandas path: a like-for-like floor that other processes on the
    # machine do not disturb as much (docs/benchmarks.md).
    numpy_env = {key: value for key, value in env.items() if key not in {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}}
    numpy_env["OPENBLAS_NUM_THREADS"] = "1"
    scoring = step("scoring", numpy_env, "--count", str(plan.scoring_count), "--runs", str(plan.scoring_runs))
    say("queries per page at ×1 and ×10")
    queries_db = work / "queries.sqlite3"
    copy_sqlite(work / "template.sqlite3", queries_db)
    queries = step("queries", django_env(sqlite_url(queries_db), work, ALLOWED_HOSTS=f"{HOST},testserver"))
    return {"scoring": scoring, "queries": queries}


# --- figures ------------------------------------------------------------------------------------

def figures(plan: Plan, raw: dict) -> list[Figure]:
    out = []
    for db, result in (("sqlite", raw["sqlite"]), ("postgresql", raw.get("postgresql"))):
        if result is None:
            continue
        ping = result["ping"]
        for page, key in (("results_page", "results"), ("step_save", "save")):
            measured = result[key]
            out.append(Figure(f"{page}.p50.{db}", measured["p50"], "ms", ping["p50"]))
            out.append(Figure(f"{page}.p95.{db}", measured["p95"], "ms", ping["p95"], target="≤ 5 × baseline",
                              met=measured["p95"] <= 5 * ping["p95"],
                              note=f"{measured['requests']} requests, p95 per window "
                                   f"{', '.join(str(w[1]) for w in measured['windows'])} ms; baseline "
                                   f"{ping['requests']} requests, {', '.join(str(w[1]) for w in ping['windows'])} ms"))
            out.append(Figure(f"{page}.errors.{db}", measured["errors"], "requests", target="0",
                              met=measured["errors"] == 0))
        lost = result["verified"]["lost"]
        out.append(Figure(f"step_save.lost_answers.{db}", lost, "answers", target="0", met=lost == 0,
                          note=f"{result['verified']['accepted']} accepted saves checked"))
        out.append(Figure(f"baseline_ping.errors.{db}", ping["errors"], "requests", target="0",
                          met=ping["errors"] == 0))
    pdf = raw["sqlite"]["pdf"]
    warm, warm_baseline = median(pdf["render"]), median(pdf["baseline"])
    out.append(Figure("pdf.first_render", pdf["first"], "s", pdf["first_baseline"]))
    out.append(Figure("pdf.warm_render", warm, "s", warm_baseline, target="≤ 1.5 × baseline",
                      met=warm <= 1.5 * warm_baseline,
                      note=f"HTML {pdf['html_bytes'] / 1024:.0f} KB, PDF {pdf['pdf_bytes']['report'] / 1024:.0f} KB, "
                           f"{len(pdf['render'])} runs"))
    first = raw["sqlite"]["first_report"]
    first_warm = median(first["warm"])
    out.append(Figure("pdf.first_after_worker_start", first["first"], "s", first_warm,
                      target="≤ 1.5 × baseline", met=first["first"] <= 1.5 * first_warm,
                      note=f"gunicorn with sodpa_portal/gunicorn_conf.py, 1 worker, booted in {first['boot']:.1f} s; "
                           f"baseline: the same download (a miss) again in that worker, median of "
                           f"{len(first['warm'])}: {', '.join(f'{t:.2f}' for t in first['warm'])} s"))
    cached = raw["sqlite"]["cached"]
    cached_ms = median(cached["ms"])
    out.append(Figure("pdf.cached_download", cached_ms, "ms", warm_baseline * 1000, target="≤ 50 ms",
                      met=cached_ms <= 50 and cached["misses"] == 0,
                      note=f"{cached['misses']} of {cached['downloads']} not served from the cache"))
    scoring = raw["compute"]["scoring"]
    batch_s, codes_s, numpy_s = median(scoring["batch"]), median(scoring["codes"]), median(scoring["numpy"])
    out.append(Figure(f"scoring.batch_{plan.scoring_count // 1000}k", batch_s, "s", numpy_s,
                      target="≤ 3 × baseline and ≤ 2 s", met=batch_s <= 3 * numpy_s and batch_s <= 2,
                      note=f"{scoring['rows']:,} answer rows (ids, as batch_scorecards reads them), "
                           f"{len(scoring['batch'])} runs; NumPy on {'; '.join(scoring['blas'] or ['?'])}"))
    out.append(Figure(f"scoring.batch_{plan.scoring_count // 1000}k_codes", codes_s, "s", numpy_s,
                      note="score_batch on the same rows with indicator codes (a pandas frame): the code lookup"))
    imported = raw["sqlite"]["import"]
    files = imported["files"]
    limit = 60 * files / 1000
    total = median(imported["totals"])
    out.append(Figure(f"import.{files}_files", total, "s", target=f"≤ {limit:g} s", met=total <= limit,
                      note=f"median of {len(imported['totals'])} runs, each into a fresh database"))
    out.append(Figure("import.per_file", median(imported["per_file"]) * 1000, "ms"))
    for page, counts in raw["compute"]["queries"].items():
        small, large = counts["1"], counts["10"]
        out.append(Figure(f"queries.{page}", large, "queries", small, target="= baseline (×1 data)",
                          met=large == small))
    return out


def table(figs: list[Figure]) -> str:
    def number(value):
        if value is None:
            return "—"
        return f"{value:.3g}" if isinstance(value, float) else str(value)

    rows = [("figure", "value", "unit", "baseline", "ratio", "target", "met")]
    for fig in figs:
        met = "" if fig.met is None else ("yes" if fig.met else "NO")
        rows.append((fig.name, number(fig.value), fig.unit, number(fig.baseline),
                     "—" if fig.ratio is None else f"{fig.ratio:.2f}", fig.target or "—", met or "—"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    code = ("import sys, django, pandas, numpy, weasyprint; print(sys.version.split()[0], django.get_version(), "
            "pandas.__version__, numpy.__version__, weasyprint.__version__)")
    versions = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=False).stdout.split()  # noqa: S603
    python, django_version, pandas_version, numpy_version, weasy = (versions + ["?"] * 5)[:5]
    return (f"{os.cpu_count()} CPUs ({cpu}), {int(memory) / 1024 / 1024:.1f} GiB memory, Python {python}, "
            f"Django {django_version}, pandas {pandas_version}, NumPy {numpy_version}, WeasyPrint {weasy}, "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description="SODPA Portal benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer and shorter runs, SQLite only (< 1 min)")
    parser.add_argument("--phase", choices=["postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    plan = Plan.make(args.quick)
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)

    if args.phase == "postgres":  # the inner run, under bin/with-postgres
        Path(args.out).write_text(json.dumps(postgres_phase(plan, Path(args.work))))
        return

    started = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    work = Path(f"{VAR}/run-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
    work.mkdir()
    say(f"{'quick' if plan.quick else 'full'} run in {work}; machine: {machine()}")
    raw = {"sqlite": sqlite_phase(plan, work)}
    raw["compute"] = compute_phase(plan, work)
    failed = False
    if plan.postgres:
        out = work / "postgresql.json"
        env = {**os.environ, "PGPORT_TEST": str(free_port())}
        try:
            subprocess.run([str(ROOT / "bin" / "with-postgres"), PYTHON, "-m", "bench.run", "--phase",  # noqa: S603
                            "postgres", "--work", str(work), "--out", str(out)], cwd=ROOT, env=env, check=True,
                           timeout=1800)
            raw["postgresql"] = json.loads(out.read_text())
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            say(f"the PostgreSQL run failed ({error}): its figures are missing")
            failed = True
    (work / "raw.json").write_text(json.dumps(raw, indent=1))
    figs = figures(plan, raw)
    missed = [fig.name for fig in figs if fig.met is False]
    lines = [fig.json() for fig in figs] + [
        "", f"SODPA Portal benchmarks ({'QUICK=1' if plan.quick else 'full'}), {time.strftime('%Y-%m-%d %H:%M')}, "
            f"{time.monotonic() - started:.0f} s; {machine()}",
        table(figs), *(f"{fig.name}: {fig.note}" for fig in figs if fig.note),
        f"targets met: {sum(1 for f in figs if f.met)} of {sum(1 for f in figs if f.met is not None)}"
        + (f"; missed: {', '.join(missed)}" if missed else "")]
    # the same text in the run's folder (var/bench/last/results.txt), ready for docs/benchmarks.md
    (work / "results.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:len(figs)]), flush=True)
    print("\n".join(lines[len(figs):]))
    last = VAR / "last"
    if last.is_symlink() or last.exists():
        last.unlink()
    last.symlink_to(work.name)
    for old in sorted(VAR.glob("run-*"))[:-3]:  # keep the last three runs
        shutil.rmtree(old, ignore_errors=True)
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
