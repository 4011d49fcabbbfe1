# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
MANAGE := $(PY) manage.py

.PHONY: run run-prod test setup lint check messages clean-var vendor

# uv installs from PyPI into a private tool venv when the machine lacks it.
.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

setup: $(UV) vendor
	tools/system_packages.sh
	$(UV) sync --frozen
	mkdir -p var/media var/celery
	$(MANAGE) install_asr_model

# Front-end vendor files from npm (h5p-standalone) → static/vendor/, rebuilt when the lock file changes.
VENDOR_STAMP := static/vendor/h5p-standalone/main.bundle.js
vendor: $(VENDOR_STAMP)

$(VENDOR_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	npm run --silent build:vendor
	touch $@

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --once
	$(MANAGE) ensure_demo_admin
	.venv/bin/honcho start -f Procfile

# The production profile on this machine: private PostgreSQL and Redis under var/services (Debian packages,
# installed when missing), config.settings.production with var/prod.env, gunicorn with several workers,
# Celery workers per queue and beat (Procfile.prod). docs/deployment.md spreads the same processes over machines.
run-prod: setup
	$(PY) tools/prod_env.py var/prod.env
	$(PY) tools/local_services.py run --production --dir var/services --env-file var/prod.env -- bash -c \
	  '$(MANAGE) migrate --noinput && $(MANAGE) collectstatic --noinput -v0 && $(MANAGE) seed_demo --once && \
	   $(MANAGE) ensure_demo_admin && exec .venv/bin/honcho start -f Procfile.prod'

# ruff, and the import contract (.importlinter): apps import downward only, no module cycles inside an app.
lint: $(UV)
	.venv/bin/ruff check .
	PYTHONPATH=. .venv/bin/lint-imports --no-cache

check:
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

# The whole suite on the embedded default (SQLite), then again on PostgreSQL with Redis (started privately by
# tools/local_services.py, installed from Debian's packages when missing). Browser journeys (tests/e2e) drive
# Debian's Chromium, installed here when missing; their screenshots stay under var/e2e/.
test: setup lint check
	tools/system_packages.sh chromium
	$(PY) -m pytest
	$(PY) tools/local_services.py run -- $(PY) -m pytest -p no:cacheprovider

# Regenerate and compile translation catalogues after changing strings.
messages:
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=node_modules
	$(MANAGE) compilemessages -l zh_Hans --ignore=.venv
