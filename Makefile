# The two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format seed bench clean deploy-check audit

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Django's deployment checklist with the variables a production run has (DEBUG off, a
# long key, real hosts, behind nginx); any warning fails. CI runs it after lint. The key
# is only for this check: production reads its own from the environment.
DEPLOY_CHECK_ENV := DEBUG=0 \
	SECRET_KEY=deploy-check-only-7Hq2vXk9mWc4RtZ8pLs3NbY6fJd1GgEeUoAiKyTw5 \
	ALLOWED_HOSTS=toasoan.example.vn \
	CSRF_TRUSTED_ORIGINS=https://toasoan.example.vn \
	TRUST_PROXY_HEADERS=1

deploy-check: $(VENV)/.installed
	env $(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned runtime packages and everything they pull in.
# pip-audit asks an advisory service over the network: run it where the network allows
# (CI machines here cannot reach one). --strict: a package it could not check fails the
# run instead of passing silently. Installed on demand, not a test requirement.
PIP_AUDIT_VERSION ?= 2.10.1
audit: | $(PY)
	$(PIP) install --quiet pip-audit==$(PIP_AUDIT_VERSION)
	$(VENV)/bin/pip-audit --strict --requirement requirements.txt

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(PY) scripts/benchmark.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles .pytest_cache
