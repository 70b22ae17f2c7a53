# Two commands for a newcomer: `make run` (the platform with demo data on SQLite) and
# `make test` (the whole suite). Everything installs itself into .venv from the lock files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# `make run PORT=8001` serves on another port; links in e-mails (SITE_URL) follow it.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint fix messages worker bench install clean

$(INSTALLED): requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

run: $(INSTALLED)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Worker and scheduler start beside the web server; Ctrl+C stops both."
	SITE_URL=$(SITE_URL) $(PY) -m celery -A soli_dome worker --beat --pool=solo --loglevel=WARNING & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: $(INSTALLED)
	$(PY) -m celery -A soli_dome worker --beat --pool=solo --loglevel=INFO

# The page benchmark (docs/benchmarks.md): gunicorn as in production, on the PostgreSQL database
# of `manage.py generate_load_data` given by DATABASE_URL, loaded by wrk.
bench: $(INSTALLED)
	$(PY) -m benchmarks.pages

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(VENV)/bin/pytest

fix: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Needs GNU gettext; the compiled .mo files are committed so that running needs none.
messages: $(INSTALLED)
	$(PY) manage.py makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'static/*' --ignore 'var/*'
	$(PY) manage.py compilemessages --locale en --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
