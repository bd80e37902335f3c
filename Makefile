# Intake — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
export INTAKE_CONFIG ?= development

.PHONY: run test test-postgres bench lint security browser-deps migrate seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

migrate: $(VENV)/.installed
	mkdir -p instance
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo --if-empty

run: seed
	@echo "Serving Intake at http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi
	@test -x /usr/bin/chromium || { echo "chromium is missing: browser tests cannot run" >&2; exit 1; }

test: $(VENV)/.installed browser-deps
	mkdir -p test-results
	$(BIN)/pytest
	$(BIN)/bandit -q -c pyproject.toml -r intake --severity-level medium

# The same suite on PostgreSQL: TEST_DATABASE_URL=postgresql+psycopg://intake:intake@127.0.0.1:5432/intake_test
test-postgres: $(VENV)/.installed browser-deps
	@test -n "$$TEST_DATABASE_URL" || { echo "Set TEST_DATABASE_URL to a postgresql+psycopg:// URL (see README)" >&2; exit 1; }
	mkdir -p test-results
	$(BIN)/pytest

bench: $(VENV)/.installed
	$(BIN)/python -m benchmarks.run

lint: $(VENV)/.installed
	$(BIN)/ruff check intake tests config.py wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache test-results
