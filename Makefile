# taperwell: `make run` serves the demo clinic; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT

.PHONY: run setup test messages compile-messages gettext-deps lint typecheck browser-deps bench bench-deps bench-before-after bench-scale load multinode mutation clean help

help:
	@echo "make run    set up everything and serve the demo clinic at http://127.0.0.1:$(PORT)/"
	@echo "make test   run the whole suite (lint, types, unit, integration, browser)"

$(STAMP): requirements/base.txt requirements/dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# Translations: the .po catalogues are committed, the compiled .mo files are made here.
gettext-deps:
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; } || { echo "Please install gettext (apt-get install gettext)"; exit 1; }

compile-messages: $(STAMP) gettext-deps
	$(BIN)/taperwell catalogue --compile

# After changing patient-facing words: refresh the catalogue, then translate what is new.
messages: $(STAMP) gettext-deps
	$(BIN)/taperwell catalogue

setup: $(STAMP) compile-messages
	$(BIN)/taperwell migrate --noinput
	$(BIN)/taperwell createcachetable
	$(BIN)/taperwell collectstatic --noinput --verbosity 0
	$(BIN)/taperwell load_demo

run: setup
	$(BIN)/taperwell serve --port $(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
# PDF tests read text and pages back with poppler-utils (pdftotext, pdftoppm).
browser-deps:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || { echo "Please install Chromium (apt-get install chromium)"; exit 1; }
	@test -x /usr/bin/pdftotext || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } || { echo "Please install poppler-utils (apt-get install poppler-utils)"; exit 1; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --silent --no-audit --no-fund

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The files are listed in pyproject.toml ([tool.mypy] files): the clinical core and every app's
# services and selectors, strictly, with django-stubs.
typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) browser-deps compile-messages lint typecheck
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks: every benchmarks/bench_*.py, each against a baseline measured in the same run,
# at low priority; `make bench BENCH=pages` (or http, dashboard, clinical) runs one of them.
BENCH ?= *
bench-deps:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || { echo "Please install wrk"; exit 1; }

bench: $(STAMP) bench-deps
	@for script in benchmarks/bench_$(BENCH).py; do \
		module=$$(echo $$script | sed 's|/|.|; s|\.py$$||'); \
		echo "== $$module"; nice $(BIN)/python -m $$module || exit 1; \
	done

# The signed-in patient pages at BEFORE (a commit, default 21a6457) and in this checkout, side by
# side on this machine: benchmarks/results/before_after.md.
bench-before-after: $(STAMP)
	BEFORE=$(or $(BEFORE),21a6457) $(BIN)/python -m benchmarks.before_after

# The scale run: a throwaway PostgreSQL 15, 10,000 patients in 20 clinics with a year of
# check-ins and questionnaires; dashboard, timeline, outcomes, reminder sweep and EXPLAIN.
bench-scale: $(STAMP)
	@[ -x /usr/lib/postgresql/15/bin/initdb ] || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || { echo "Please install PostgreSQL 15"; exit 1; }
	$(BIN)/python -m benchmarks.scale_postgres

# Load test: locust, headless, loopback only, bounded in time (LOAD_USERS, LOAD_SECONDS).
load: $(STAMP)
	$(BIN)/python -m benchmarks.load

# Several machines rehearsed on one: PostgreSQL primary + replica, two web nodes behind nginx,
# huey on Redis, a backup (docs/scaling.md).
multinode: $(STAMP)
	@command -v nginx >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light redis-server postgresql >/dev/null; } || { echo "Please install nginx, redis-server and postgresql"; exit 1; }
	benchmarks/multinode.sh | tee benchmarks/results/multinode.log

# Mutation testing of the clinical core's safety rules with tests/clinical (mutmut, niced, two
# mutants at a time, few hypothesis examples): benchmarks/results/mutation.json.
# MUTATION_SCOPE=all mutates every function of taperwell/clinical/ (hours on a small machine).
mutation: $(STAMP)
	$(BIN)/python -m benchmarks.mutation

clean:
	rm -rf $(VENV) var node_modules mutants
