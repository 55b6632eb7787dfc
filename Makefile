# SODPA Portal. `make run` serves the demo; `make test` runs ruff and the whole test suite.
# Both install what they need on a fresh Debian machine (run as root, or with sudo available).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := DEBUG=$${DEBUG:-1} $(PY) manage.py
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext
TEST_DEBS := chromium poppler-utils postgresql
PLOTLY_JS := static/vendor/plotly/plotly.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test debs debs-test run serve test test-sqlite test-postgres lint messages fixture clean bench

setup: debs $(VENV)/.installed $(PLOTLY_JS) messages

setup-test: setup debs-test

debs:
	@bin/ensure-debs $(RUNTIME_DEBS)

debs-test:
	@bin/ensure-debs $(TEST_DEBS)

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { bin/ensure-debs python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	@touch $@

# plotly.js is served from our own static files (no CDN): copied from the installed plotly package.
$(PLOTLY_JS): $(VENV)/.installed
	@mkdir -p $(dir $@)
	cp "$$($(PY) -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data" / "plotly.min.js")')" $@

messages: $(VENV)/.installed
	@$(MANAGE) compilemessages --ignore=.venv -v 0

run: setup
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) ensure_framework
	$(MANAGE) seed_demo --regions 30
	$(MANAGE) runserver 127.0.0.1:8000

# Production settings (DEBUG off) with gunicorn and WhiteNoise; see docs/deployment.md.
serve: setup
	bin/serve

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(MANAGE) build_framework_fixture --check
	$(MANAGE) makemigrations --check --dry-run -v 0

test: setup-test lint test-sqlite test-postgres

test-sqlite:
	bin/run-pytest

test-postgres:
	bin/with-postgres bin/run-pytest -m "not browser"

# Benchmarks (docs/benchmarks.md): one JSON line per figure, then a table. `make bench QUICK=1`: fewer and
# shorter runs, SQLite only, under a minute. The full run also starts a throw-away PostgreSQL.
$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[bench]'
	@touch $@

bench: setup $(VENV)/.bench-installed
	@[ "$(QUICK)" = 1 ] || bin/ensure-debs postgresql
	$(PY) -m bench.run $(if $(filter 1,$(QUICK)),--quick)

fixture: $(VENV)/.installed
	$(MANAGE) build_framework_fixture

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* tests/artifacts
