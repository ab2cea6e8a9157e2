# Two commands for a new user: `make run` (the demo on SQLite) and `make test` (the suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements/dev.lock
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint fmt typecheck serve worker beat migrate seed vendor messages lock clean check-deploy bench soak

$(STAMP): $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null && npm ci --no-audit --no-fund --silent || echo "npm not found: browser accessibility tests will be skipped"

## Serve the portal with demo data on SQLite, Celery eager, http://127.0.0.1:8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	REQUIRE_STAFF_MFA=0 $(PY) manage.py runserver 127.0.0.1:8000

## The whole test suite (SQLite by default; DATABASE_URL / REDIS_URL for the real services)
test: $(STAMP) node_modules/.package-lock.json
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: $(STAMP)
	$(PY) manage.py seed_demo --scale $${SCALE:-small}

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=machida_portal.settings.prod SECRET_KEY=$${SECRET_KEY:-$$(head -c 48 /dev/urandom | base64)} \
	  ALLOWED_HOSTS=portal.example.jp $(PY) manage.py check --deploy --fail-level WARNING

## Production shape: gunicorn + a Celery worker + beat (needs DATABASE_URL, REDIS_URL, SECRET_KEY)
serve: $(STAMP)
	@test -n "$$DATABASE_URL" && test -n "$$REDIS_URL" && test -n "$$SECRET_KEY" || \
	  { echo "make serve needs DATABASE_URL, REDIS_URL and SECRET_KEY (see README)"; exit 2; }
	DJANGO_SETTINGS_MODULE=machida_portal.settings.prod $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=machida_portal.settings.prod $(PY) manage.py collectstatic --noinput -v0
	DJANGO_SETTINGS_MODULE=machida_portal.settings.prod $(VENV)/bin/celery -A machida_portal worker -l INFO & \
	DJANGO_SETTINGS_MODULE=machida_portal.settings.prod $(VENV)/bin/celery -A machida_portal beat -l INFO \
	  --schedule /tmp/machida-celerybeat-schedule & \
	DJANGO_SETTINGS_MODULE=machida_portal.settings.prod $(VENV)/bin/gunicorn machida_portal.wsgi --config gunicorn.conf.py \
	  --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-2} --no-control-socket; \
	kill %1 %2 2>/dev/null || true

## Re-vendor Bootstrap from the npm registry into static/vendor (committed)
vendor:
	npm install --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* \
	  node_modules/bootstrap/LICENSE static/vendor/bootstrap/

## Extract and compile translations (Japanese is the source; English is locale/en)
messages: $(STAMP)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(PY) manage.py compilemessages -l en --ignore=.venv

## Re-lock dependencies after editing pyproject.toml
lock:
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --allow-unsafe --strip-extras --generate-hashes --extra dev -o requirements/dev.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --allow-unsafe --strip-extras --generate-hashes -o requirements/prod.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3* test-artifacts

## Benchmark on PostgreSQL + Redis in production shape (wrk + locust; about 10 minutes)
bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) -m bench.run

## Reliability suite: private PostgreSQL + Redis, worker kill, outages, races (a few minutes)
soak: $(STAMP)
	$(PY) -m bench.soak
