# Intake — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PORT   ?= 5000
# pytest-xdist workers per test run ("auto": one per CPU); extra pytest options in PYTEST_ARGS.
TEST_WORKERS ?= auto
PYTEST_ARGS  ?=
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
export INTAKE_CONFIG ?= development

.PHONY: run test test-postgres test-reliability test-tools bench bench-deps lint security browser-deps pdf-deps axe-core migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the requirements change: the app's alone for `make run`, with the tools for tests and lint.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

migrate: $(VENV)/.installed
	mkdir -p instance
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo --if-empty

run: seed pdf-deps
	@echo "Serving Intake at http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi
	@test -x /usr/bin/chromium || { echo "chromium is missing: browser tests cannot run" >&2; exit 1; }

# Debian's libraries and fonts that WeasyPrint lays the printed chart out with (intake/printout/pdf.py),
# installed only when one is missing.
PDF_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	@missing=""; for package in $(PDF_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian's$$missing for the printed chart (WeasyPrint)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@for package in $(PDF_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || \
	    { echo "$$package is missing: the chart cannot be printed as a PDF" >&2; exit 1; }; \
	done

# Everything a test run needs, installed once (.ci/run calls it before its runs share the virtualenv).
test-tools: $(VENV)/.installed-dev browser-deps pdf-deps

# Everything: the whole suite on SQLite, the security scan and the linters.
test: test-tools
	mkdir -p test-results
	$(PYTEST)
	$(BIN)/bandit -q -c pyproject.toml -r intake --severity-level medium
	$(MAKE) --no-print-directory lint

# The suite on PostgreSQL: TEST_DATABASE_URL=postgresql+psycopg://intake:intake@127.0.0.1:5432/intake_test
# Each xdist worker has a database of its own named after it, intake_test_gw0 and so on (the role needs
# CREATEDB to create them, or run with TEST_WORKERS=0); tests marked db_independent
# give the same answer on any database and run in `make test` only.
test-postgres: test-tools
	@test -n "$$TEST_DATABASE_URL" || { echo "Set TEST_DATABASE_URL to a postgresql+psycopg:// URL (see README)" >&2; exit 1; }
	mkdir -p test-results
	$(PYTEST) -m "not db_independent"

# Real processes on 127.0.0.1 (tests/reliability, README "Reliability"): tablets writing at once through gunicorn
# with 4 workers, the server killed with SIGKILL mid-write and restarted, two servers on one database, two tablets
# racing one draft. SQLite always; PostgreSQL too with TEST_DATABASE_URL (in a database named after it,
# …_reliability). Full size: RELIABILITY_WRITES=200 (16 tablets × 200 writes).
test-reliability: $(VENV)/.installed-dev
	$(BIN)/pytest -n 0 -p no:cacheprovider -s $(PYTEST_ARGS) tests/reliability

# The app at a clinic's size (benchmarks/run.py; README "Speed"): the generated clinic in bench/data/ (built once
# per size and migration head), gunicorn with 2 workers on 127.0.0.1, wrk with 8 connections. Quick run:
# make bench BENCH_PATIENTS=2000 BENCH_VISITS=30000; PostgreSQL too with BENCH_DATABASE_URL; BENCH_ARGS=--strict.
BENCH_PATIENTS ?= 20000
BENCH_VISITS   ?= 300000
BENCH_ARGS     ?=
bench: $(VENV)/.installed bench-deps
	$(BIN)/python -m benchmarks.run --patients $(BENCH_PATIENTS) --visits $(BENCH_VISITS) $(BENCH_ARGS)

# Debian's wrk for `make bench` (without it the bench loads pages with a bounded Python client).
bench-deps:
	@if ! command -v wrk >/dev/null; then \
	  echo "Installing Debian's wrk for make bench"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; \
	fi
	@command -v wrk >/dev/null || { echo "wrk is missing: make bench will use its Python client" >&2; exit 1; }

# axe-core, vendored for the accessibility browser tests (tests/browser/vendor/, never served): fetched from the
# npm registry with npm pack; commit the result so the tests run offline.
AXE_VERSION ?= 4.14.1
axe-core:
	@command -v npm >/dev/null || { echo "npm is needed to fetch axe-core" >&2; exit 1; }
	rm -rf $(CURDIR)/.axe-core && mkdir -p $(CURDIR)/.axe-core
	cd $(CURDIR)/.axe-core && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	cp .axe-core/package/axe.min.js tests/browser/vendor/axe.min.js
	cp .axe-core/package/LICENSE tests/browser/vendor/LICENSE-axe-core
	rm -rf $(CURDIR)/.axe-core
	@echo "axe-core $(AXE_VERSION) vendored: update the version in tests/browser/vendor/README.md"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check intake tests config.py wsgi.py
	$(BIN)/mypy intake

clean:
	rm -rf $(VENV) .pytest_cache test-results
