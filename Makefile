# Gonghui — the two commands a new machine needs: `make run` and `make test`.
#
#   make run       .venv + install + migrate SQLite + demo data, serves http://127.0.0.1:8000
#   make test      ruff, manage.py check, makemigrations --check, mypy, pytest on SQLite;
#                  with CI=true also pytest on PostgreSQL + Redis including the browser tests
#   make messages  collect translatable strings, fill the English catalogue, compile it

# The first Python >= 3.11 on PATH (override: make run PY=/opt/python3.12/bin/python3).
PY ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
        command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
        && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/gonghui
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
PYTEST := TASK_RUNNER_FALLBACK=sync $(BIN)/python -m pytest
export PYTHONDONTWRITEBYTECODE := 1
# Playwright drives Debian's chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test lint typecheck test-sqlite test-postgres test-browser browser-deps services \
        bench messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { \
	  test -n "$(PY)" || { echo "Python 3.11 or newer is required (none found on PATH)"; exit 1; }; \
	  $(PY) -m venv $(VENV) || { echo "could not create $(VENV): on Debian/Ubuntu install python3-venv"; exit 1; }; }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# The compiled English catalogue (.mo) is committed, so `run` needs no gettext tools.
run: $(STAMP)
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py seed_demo
	@echo "职工之家: http://127.0.0.1:$(PORT)/   工作台 console: http://127.0.0.1:$(PORT)/console/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run -v1

typecheck: $(STAMP)
	$(BIN)/mypy src

# Local runs include the browser tests when /usr/bin/chromium exists (skipped otherwise).
# In CI the browser tests run once, in the PostgreSQL pass below.
# axe-core for the accessibility checks, when npm is there to install it (CI always has it).
AXE := $(if $(shell command -v npm 2>/dev/null),node_modules/axe-core/axe.min.js,)
ifeq ($(CI),true)
test-sqlite: $(STAMP)
	$(PYTEST) -m "not browser"
else
test-sqlite: $(STAMP) $(AXE)
	$(PYTEST)
endif

# A missing service is a failure here, not a skip (GONGHUI_REQUIRE_SERVICES=1).
test-postgres: $(STAMP) browser-deps services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) GONGHUI_REQUIRE_SERVICES=1 \
	  $(PYTEST) --durations=10

test-browser: $(STAMP) browser-deps
	GONGHUI_REQUIRE_SERVICES=0 $(PYTEST) -m browser

services: $(STAMP)
	$(BIN)/python .ci/ensure_services.py $(PG_URL) $(REDIS_TEST_URL)

browser-deps: node_modules/axe-core/axe.min.js
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends chromium fonts-noto-cjk >/dev/null; }

# axe-core (accessibility rules the browser tests run in each page), from the npm registry,
# pinned by package-lock.json; npm itself comes with Debian's npm package if missing.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Order matters and is serial: cheap checks first, the pytest summary line last.
ifeq ($(CI),true)
test: $(STAMP) lint typecheck test-sqlite test-postgres
else
test: $(STAMP) lint typecheck test-sqlite
endif

bench: $(STAMP)
	$(BIN)/python -m bench

# Needs GNU gettext (xgettext/msgmerge/msgfmt): apt-get install gettext.
messages: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	cd src/gonghui && ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete --add-location=file
	$(BIN)/python scripts/i18n_fill.py
	cd src/gonghui && ../../$(BIN)/python ../../manage.py compilemessages -l en
	TASK_RUNNER_FALLBACK=sync $(BIN)/python -m pytest tests/test_project.py -k catalogue

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles media test-artifacts
