# SODPA Portal. `make run` serves the demo; `make test` runs ruff and the whole test suite.
# Both install what they need on a fresh Debian machine (run as root, or with sudo available).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
UV := $(VENV)/bin/uv
MANAGE := DEBUG=$${DEBUG:-1} $(PY) manage.py
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext
TEST_DEBS := chromium poppler-utils postgresql redis-server
PLOTLY_JS := static/vendor/plotly/plotly.min.js
PLOTLY_LOCALE := static/vendor/plotly/plotly-locale-zh-cn.js
NPM := $(shell command -v npm)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test debs debs-test run serve test test-sqlite test-postgres test-redis test-s3 lint lint-quick mypy lock messages fixture clean bench

# The Debian packages, the Python packages and the JavaScript packages do not depend on each other: `make run`
# and `make test` install them side by side (make -j3). The two apt-get runs go one after the other (two at
# once would meet dpkg's lock), and the messages are compiled once gettext is there.
INSTALLED := $(VENV)/.installed $(PLOTLY_JS) $(PLOTLY_LOCALE) messages

setup: debs $(INSTALLED)

setup-test: debs-test $(INSTALLED)

debs:
	@bin/ensure-debs $(RUNTIME_DEBS)

debs-test: debs
	@bin/ensure-debs $(TEST_DEBS)

# Exact versions and hashes from requirements.lock (`make lock` regenerates it from pyproject.toml), then
# the project itself without resolving anything again. uv installs them (hash-pinned itself in
# requirements-uv.lock): it downloads in parallel, so a fresh machine's install takes seconds where pip took
# two to three minutes (ENVIRONMENT.md's 2-core kind). It byte-compiles what it installs, as pip did: these
# machines set PYTHONDONTWRITEBYTECODE=1, so without it every Python process of the test run (workers,
# commands, servers) compiled Django, pandas and WeasyPrint from source again (+2.7 s of CPU each; a clean
# clone's `make test` on a 2 GHz machine: 1,014 s without, 892 s with; docs/benchmarks.md).
$(VENV)/.installed: pyproject.toml requirements.lock requirements-uv.lock
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { bin/ensure-debs python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PIP) install --quiet --no-deps --require-hashes -r requirements-uv.lock
	$(UV) pip install --quiet --python $(PY) --require-hashes --compile-bytecode -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps --no-build-isolation -e .
	@touch $@

# The pinned versions of pyproject's ranges (runtime and test), with hashes.
lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --extra test \
		--no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml
	echo uv | $(VENV)/bin/pip-compile --quiet --generate-hashes --no-emit-index-url --no-emit-find-links \
		-o requirements-uv.lock -

# plotly.js and its Chinese locale are served from our own static files (no CDN): the npm packages pinned in
# package-lock.json. The dev dependency axe-core is for the browser tests (tests/browser/test_phone_and_access.py).
node_modules/.installed: package.json package-lock.json
	@[ -n "$(NPM)" ] || { echo "npm is missing: install Node.js 20 and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(PLOTLY_JS): node_modules/.installed
	@mkdir -p $(dir $@)
	cp node_modules/plotly.js-dist-min/plotly.min.js $@
	cp node_modules/plotly.js-dist-min/LICENSE $(dir $@)LICENSE

# plotly.js-locales ships CommonJS modules: wrapped, the zh-CN one registers itself with the page's Plotly.
$(PLOTLY_LOCALE): node_modules/.installed
	@mkdir -p $(dir $@)
	{ echo '(function (module) {'; cat node_modules/plotly.js-locales/zh-cn.js; \
	  echo 'window.Plotly.register(module.exports);'; echo '})({});'; } > $@

messages: $(VENV)/.installed debs
	@$(MANAGE) compilemessages --ignore=.venv -v 0

run:
	@$(MAKE) --no-print-directory -j3 setup
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) ensure_framework
	$(MANAGE) seed_demo --regions 30
	$(MANAGE) runserver 127.0.0.1:8000

# Production settings (DEBUG off) with gunicorn and WhiteNoise; see docs/deployment.md.
serve:
	@$(MAKE) --no-print-directory -j3 setup
	bin/serve

lint: lint-quick mypy

lint-quick: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(MANAGE) build_framework_fixture --check
	$(MANAGE) makemigrations --check --dry-run -v 0

# Types, with django-stubs' plugin ([tool.mypy] in pyproject.toml).
mypy: $(VENV)/.installed
	$(VENV)/bin/mypy .

# Hypothesis's "ci" profile (tests/conftest.py): no deadline, derandomised, the failing example printed.
test test-sqlite test-postgres test-redis test-s3: export HYPOTHESIS_PROFILE = ci

# ruff and the checks, then bin/run-suites: the SQLite suite, and beside it mypy, PostgreSQL, Redis and S3.
test:
	@$(MAKE) --no-print-directory -j3 setup-test
	@$(MAKE) --no-print-directory lint-quick
	bin/run-suites

# The SQLite run on both cores with pytest-xdist (TEST_WORKERS=1 runs it in one process); tests/conftest.py
# keeps the workers apart (databases, report caches, render servers, Hypothesis examples).
TEST_WORKERS ?= 2
test-sqlite: setup-test
	bin/run-pytest --no-migrations $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS))

# PostgreSQL runs only what depends on the database engine (tests marked `postgres`); SQLite runs everything.
# Two workers too: each has its own test database on the throw-away server.
test-postgres: setup-test
	bin/with-postgres bin/run-pytest $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS)) -m "postgres and not browser"

# The shared cache on a real Redis server (REDIS_URL), as several app servers would use it.
test-redis: setup-test
	bin/with-redis bin/run-pytest -m redis

# Evidence files on a real S3-compatible server (moto's server mode, EVIDENCE_S3_*), as several app servers
# would keep them; the same tests run on the local folder in test-sqlite.
test-s3: setup-test
	bin/with-s3 bin/run-pytest -m s3

# Benchmarks (docs/benchmarks.md): one JSON line per figure, then a table. `make bench QUICK=1`: fewer and
# shorter runs, SQLite only, under a minute. The full run also starts a throw-away PostgreSQL.
# The bench group on top of the locked install: the lock's versions as constraints (its hashes dropped, as
# pip cannot hash the bench group's own dependencies, which the lock does not hold).
$(VENV)/.bench-installed: pyproject.toml requirements.lock $(VENV)/.installed
	@mkdir -p var
	sed -e '/--hash=/d' -e 's/ \\$$//' requirements.lock > var/bench-constraints.txt
	$(PIP) install --quiet -c var/bench-constraints.txt $$($(PY) -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"]))')
	@touch $@

bench: setup $(VENV)/.bench-installed
	@[ "$(QUICK)" = 1 ] || bin/ensure-debs postgresql
	$(PY) -m bench.run $(if $(filter 1,$(QUICK)),--quick)

fixture: $(VENV)/.installed
	$(MANAGE) build_framework_fixture

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3* tests/artifacts $(PLOTLY_JS) $(PLOTLY_LOCALE)
