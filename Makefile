# The two commands of the README: `make demo` and `make test`.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo setup setup-test test lint bench run check-deploy

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py create_demo_pki
	$(PY) manage.py load_demo
	@echo "==> serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	DEBUG=false $(PY) manage.py runserver $(HOST):$(PORT)

setup:
	@scripts/setup.sh demo

setup-test:
	@scripts/setup.sh test

# The whole suite. DATABASE_URL selects the database (SQLite unless set; CI sets PostgreSQL).
# pytest exits 5 when no test ran, which fails this target on purpose.
# One test process per core, at most 4 (pytest-xdist): each has its own test database (an SQLite
# file, or PostgreSQL's test_<name>_gwN), MEDIA_ROOT and live server. A file's tests stay in one
# process (loadfile), so a module's browser and the rendered reports are made once; files go out
# in collection order (no reorder), so the browser tests, which empty their database, come last.
# `make test PYTEST_WORKERS=` runs in one process.
PYTEST_WORKERS ?= -n auto --maxprocesses=4 --dist loadfile --no-loadscope-reorder
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): the
# test processes, and the manage.py and worker processes the tests start, then read the
# project's compiled modules and pytest's rewritten test modules instead of compiling them
# again (some 8 s per process on a slow core).
test: setup-test
	$(PY) -m ruff check .
	PYTHONDONTWRITEBYTECODE= DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint:
	$(PY) -m ruff check .

# Django's deployment checks on the production settings, warnings included (CI runs this before
# the tests). The values are throwaway: production requires them set, the check reads none of
# them beyond their form (the key is made fresh each run; no database is opened).
check-deploy: setup-test
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=pcf.example.com DATABASE_URL=sqlite:////tmp/pcf-check-deploy.sqlite3 \
	SIGNING_PKCS12_PASSPHRASE=ci-only \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: setup
	$(PY) bench/study_calc.py
	$(PY) bench/pages.py
	$(PY) bench/report_render.py
