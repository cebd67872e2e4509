# SafetyBank: `make run` serves the demo bank, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# WeasyPrint's libraries, Chinese fonts, gettext for translations, libpq for psycopg2.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext libpq-dev python3-dev gcc
# The browser the end-to-end tests drive, and poppler for looking at PDFs.
TEST_SYSTEM_PACKAGES := chromium poppler-utils
# makemessages ignores what is not our source.
MSG_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=var --ignore=static --ignore=tests --ignore=bench --ignore=docs

.PHONY: run test system test-system messages compilemessages migrate seed serve lint worker beat backup restore

run: system $(VENV)/.installed compilemessages migrate seed serve

test: system test-system $(VENV)/.installed-dev compilemessages
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

system:
	@scripts/apt-ensure $(SYSTEM_PACKAGES)

test-system:
	@scripts/apt-ensure $(TEST_SYSTEM_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

compilemessages:
	@$(PY) manage.py compilemessages -v 0 --ignore=.venv

messages:
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete $(MSG_IGNORE)

migrate:
	$(PY) manage.py migrate --noinput

seed:
	$(PY) manage.py seed_demo

serve:
	$(PY) manage.py runserver 127.0.0.1:8000

worker:
	$(VENV)/bin/celery -A safetybank worker -l info

beat:
	$(VENV)/bin/celery -A safetybank beat -l info

lint:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# One dated archive of the database and the uploaded files in var/backups (docs/backup.md).
backup:
	$(PY) manage.py backup

# Into an empty install only: make restore ARCHIVE=var/backups/safetybank-YYYYMMDD-HHMMSS.tar.gz
restore:
	@test -n "$(ARCHIVE)" || (echo "usage: make restore ARCHIVE=path/to/safetybank-....tar.gz" && exit 2)
	$(PY) manage.py restore "$(ARCHIVE)"
