"""Load for the latency benchmarks, run by bench/run.py as `locust --headless` against a real server.

Each simulated user is one official signed in with their own session (made by bench/inproc.py
`sessions`) and their own draft assessment, so that saves never conflict. The run is a warm-up of
BENCH_WARMUP seconds (every scenario, not measured), then consecutive windows of BENCH_WINDOW seconds
kept apart by a barrier (see `window_now`). In each window every user does one scenario, the
scenarios taking turns (BENCH_SCENARIOS, e.g. "ping,results,save"), so each scenario is measured
BENCH_WINDOWS times (the windows are its repeated runs) under the same load:

- ping:    GET /bench/ping/ — the baseline: a minimal Django view through the same middleware;
- results: GET the results page of the user's assessment;
- save:    change one indicator's level and evidence on the user's questionnaire step and POST the
           step's whole form (CSRF token and hidden fields read from the page once, see `save`).

Every request is written to BENCH_SAMPLES (one JSON line: window, scenario, name, start, ms, ok,
status) and every accepted save (302 to the next page) to BENCH_SAVES for the check that no answer
was lost. Nothing but 127.0.0.1 is ever contacted (the driver passes --host).
"""

import hashlib
import itertools
import json
import os
import time
from http.cookiejar import Cookie
from pathlib import Path

import gevent
import gevent.event
from locust import FastHttpUser, events, task
from locust.exception import StopUser

from bench.common import form_fields

SESSIONS = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text(encoding="utf-8"))
SCENARIOS = os.environ.get("BENCH_SCENARIOS", "ping,results,save").split(",")
WINDOW = float(os.environ.get("BENCH_WINDOW", "5"))
WINDOWS = int(os.environ.get("BENCH_WINDOWS", "3")) * len(SCENARIOS)
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))
RUN = os.environ.get("BENCH_RUN", "0")
NUMBERS = itertools.count()
SAMPLES: list[str] = []
SAVES: list[str] = []
USERS = int(os.environ.get("BENCH_USERS", "20"))
CLOCK = {"window": 0, "started": None}
BARRIERS: dict[int, dict] = {}
FINISHED = itertools.count(1)


def window_now() -> int:
    """The window the run is in: 0 the warm-up, then 1, 2, … A window ends for a user at its first
    request after the window's time is up; the next one starts when every user has got there, so
    no request of one window runs during the next (each window measures one scenario alone)."""
    if CLOCK["started"] is None:
        CLOCK["started"] = time.time()
    window = CLOCK["window"]
    if time.time() - CLOCK["started"] < (WARMUP if window == 0 else WINDOW):
        return window
    barrier = BARRIERS.setdefault(window, {"arrived": 0, "event": gevent.event.Event()})
    barrier["arrived"] += 1
    if barrier["arrived"] >= USERS:
        CLOCK["window"], CLOCK["started"] = window + 1, time.time()
        barrier["event"].set()
    else:
        barrier["event"].wait()
    return CLOCK["window"]


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, context, response=None, **kwargs):
    started = time.time() - response_time / 1000
    SAMPLES.append(json.dumps([context.get("window"), context.get("scenario"), name, round(started, 4),
                               response_time, exception is None, getattr(response, "status_code", None)]))


@events.user_error.add_listener
def _user_error(user_instance, exception, tb, **kwargs):
    """An exception in a task (not a failed request) counts as an error of the window it happened in."""
    window = CLOCK["window"]
    scenario = (SCENARIOS[(window - 1) % len(SCENARIOS)] if window else "warmup") if window <= WINDOWS else "end"
    SAMPLES.append(json.dumps([window, scenario, f"task error: {type(exception).__name__}: {exception}"[:200],
                               time.time(), 0, False, None]))


@events.test_stop.add_listener
def _write(**kwargs):
    with open(os.environ["BENCH_SAMPLES"], "w", encoding="utf-8") as handle:
        handle.write("\n".join(SAMPLES) + "\n")
    with open(os.environ["BENCH_SAVES"], "a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in SAVES))


class Official(FastHttpUser):
    wait_time = staticmethod(lambda: 0)  # closed loop: each user sends its next request at once

    def on_start(self):
        self.number = next(NUMBERS)
        self.session = SESSIONS[self.number % len(SESSIONS)]
        self.saves = 0
        self.form: dict | None = None
        host = self.host.split("://", 1)[1].split(":")[0]
        self.client.cookiejar.set_cookie(Cookie(
            0, "sessionid", self.session["sessionid"], None, False, host, False, False, "/", True, False,
            None, False, None, None, {}))

    @task
    def one(self):
        window = window_now()
        if window > WINDOWS:
            # Users stop between requests, never during one (a save cut short could be stored
            # without being counted); the last one to stop ends the run.
            if next(FINISHED) >= USERS:
                gevent.spawn(self.environment.runner.quit)
            raise StopUser
        scenario = SCENARIOS[(window - 1) % len(SCENARIOS)] if window else "warmup"
        context = {"window": window, "scenario": scenario}
        assessment = self.session["assessment"]
        if scenario == "warmup":
            self.client.get("/bench/ping/", name="ping", context=context)
            self.client.get(f"/assessments/{assessment}/results/", name="results", context=context)
            self.save(assessment, context)
        elif scenario == "ping":
            self.client.get("/bench/ping/", name="ping", context=context)
        elif scenario == "results":
            self.client.get(f"/assessments/{assessment}/results/", name="results", context=context)
        elif scenario == "save":
            self.save(assessment, context)

    def save(self, assessment: int, context: dict):
        """Change one indicator of the user's step and POST the whole form, as the browser sends it.

        The form (CSRF token, hidden revision and "seen" fields) is read from the step page once,
        then kept up to date here after each accepted save exactly as the page the server would
        show next (revision + 1, the new value and evidence digest), so that the save window
        measures saves alone; a refused save counts as an error and the page is read again."""
        url = f"/assessments/{assessment}/?step={self.session['step']}"
        if self.form is None:
            with self.client.get(url, name="step GET", context=context, catch_response=True) as page:
                if page.status_code != 200:
                    page.failure(f"step page answered {page.status_code}")
                    return
                self.form = form_fields(page.text)
        data = dict(self.form)
        codes = self.session["codes"]
        code = codes[self.saves % len(codes)]
        key = "i_" + code.replace(".", "_")
        current = data.get(f"{key}-level", "")
        level = str((int(current) + 1) % 5) if current.isdigit() else "2"
        evidence = f"基准保存 {self.session['user']} 第{RUN}轮 #{self.saves}"
        data.update({f"{key}-level": level, f"{key}-evidence": evidence})
        self.saves += 1
        with self.client.post(url, data=data, name="step POST", context=context, allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 302 and "saved=" in location:
                SAVES.append(json.dumps({"assessment": assessment, "code": code, "level": int(level),
                                         "evidence": evidence, "seq": f"{RUN}-{self.saves:06d}"}))
                data.update({f"{key}-rev": str(int(data[f"{key}-rev"]) + 1), f"{key}-seen": level,
                             f"{key}-seenev": evidence_digest(evidence)})
                self.form = data
            else:
                response.failure(f"save answered {response.status_code} {location}")
                self.form = None


def evidence_digest(text: str) -> str:
    """As assessments.answering.evidence_digest (the locust process does not load Django)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]
