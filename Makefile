# Convenant: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.lock | md5sum | cut -c1-12)
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
# Test processes; the machine has two cores. `--dist loadgroup` keeps the tests marked
# with one xdist_group on one process (the accessibility check loads its demo once).
TEST_WORKERS ?= 2

.PHONY: install run serve demo test test-core e2e bench fuzz load lint worker beat lock vendor messages check-deploy backup restore clean

install: $(STAMP)

$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $@

## Serve the platform with demo data at http://127.0.0.1:8000 (SQLite, eager Celery).
run: demo
	$(MANAGE) runserver 127.0.0.1:8000

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo

## Install what is needed and run every test (browser tests included; benchmarks: make bench),
## then name the fifteen slowest.
test: install
	$(MANAGE) createcachetable
	$(PY) -m pytest -p tests.redis_per_worker -m "not bench and not fuzz" -n $(TEST_WORKERS) --dist loadgroup --durations=15 $(PYTEST_ARGS)

## Only the browser tests (Playwright with Debian's Chromium at /usr/bin/chromium).
e2e: install
	$(PY) -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

## The pure core: scoring, aggregation and governance rules, without a database.
test-core: install
	$(PY) -m pytest -m core $(PYTEST_ARGS)

## Benchmarks: print figures, assert nothing about time.
bench: install
	$(PY) -m pytest tests/benchmarks -m bench -s -p no:randomly $(PYTEST_ARGS)

## Fuzz the parsers of uploaded files for about a minute, in one process. Longer:
## FUZZ_SECONDS=300 make fuzz (each fuzzer 5 minutes) or HYPOTHESIS_PROFILE=long make fuzz.
fuzz: install
	$(MANAGE) createcachetable
	$(PY) -m pytest tests/fuzz -m fuzz -p no:randomly $(PYTEST_ARGS)

## Fifty people at once for LOAD_TIME (default 5m) against gunicorn with DEBUG off,
## PostgreSQL (LOAD_DATABASE_URL, dropped and made again) and Redis (LOAD_REDIS_URL,
## emptied); prints p50/p95/p99 per page and writes var/load/report.txt. Prints figures,
## fails only when requests fail (tests/load/run.py).
load: install
	$(PY) tests/load/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

## With REDIS_URL (and DATABASE_URL) set: a Celery worker and the one beat scheduler.
worker: install
	$(VENV)/bin/celery -A convenant worker --loglevel=info --concurrency=2

beat: install
	$(VENV)/bin/celery -A convenant beat --loglevel=info

check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=convenant.example.org $(MANAGE) check --deploy --fail-level WARNING

## Back up the database (DATABASE_URL, else SQLite) and the uploaded files into
## BACKUP_DIR (default var/backups/<time>).
backup: install
	$(MANAGE) backup $(if $(BACKUP_DIR),--output "$(BACKUP_DIR)")

## Restore the backup in BACKUP_DIR into an empty database; FORCE=1 replaces a full one.
restore: install
	@test -n "$(BACKUP_DIR)" || { echo "Give the backup folder: make restore BACKUP_DIR=var/backups/<time>"; exit 2; }
	$(MANAGE) restore "$(BACKUP_DIR)" $(if $(FORCE),--force)

## Resolve requirements*.in into the lock files every machine installs.
lock:
	rm -rf /tmp/convenant-lock && $(PYTHON) -m venv /tmp/convenant-lock
	/tmp/convenant-lock/bin/pip install --quiet -r requirements.in
	/tmp/convenant-lock/bin/pip freeze > requirements.lock
	/tmp/convenant-lock/bin/pip install --quiet -r requirements-dev.in
	/tmp/convenant-lock/bin/pip freeze > requirements-dev.lock

## Refresh the front-end assets in static/vendor from the npm registry (package.json).
vendor:
	npm install --no-audit --no-fund
	cp node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht/component-library.css
	cp node_modules/@utrecht/component-library-css/dist/html.css static/vendor/utrecht/html.css
	cp node_modules/@utrecht/design-tokens/dist/theme.css static/vendor/utrecht/theme.css
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/htmx.min.js
	mkdir -p static/vendor/world-atlas
	cp node_modules/world-atlas/countries-110m.json static/vendor/world-atlas/countries-110m.json
	cp node_modules/world-atlas/LICENSE static/vendor/world-atlas/LICENSE
	# Only the browser tests use axe-core: it stays out of static/, so it is never served.
	mkdir -p tests/e2e/vendor/axe-core
	cp node_modules/axe-core/axe.min.js tests/e2e/vendor/axe-core/axe.min.js
	cp node_modules/axe-core/LICENSE tests/e2e/vendor/axe-core/LICENSE

## Collect the Dutch translations after changing texts, then compile them.
messages: install
	$(MANAGE) makemessages -l nl --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var
	$(MANAGE) compilemessages -l nl --ignore=.venv

clean:
	rm -rf $(VENV) var db.sqlite3
