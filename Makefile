# Gonghui — the two commands a new machine needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/gonghui
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck test-sqlite test-postgres test-browser browser-deps bench clean messages

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv || true
	$(BIN)/python manage.py migrate -v0
	$(BIN)/python manage.py seed_demo
	@echo "职工之家: http://127.0.0.1:$(PORT)/   工作台: http://127.0.0.1:$(PORT)/console/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

typecheck: $(STAMP)
	$(BIN)/mypy src

test-sqlite: $(STAMP)
	TASK_RUNNER_FALLBACK=sync $(BIN)/python -m pytest -m "not browser"

# In CI (CI=true) the suite also runs on PostgreSQL with Redis, and the browser journey runs
# in Debian's chromium; a missing service or browser is a failure there, not a skip.
test-postgres: $(STAMP)
	TASK_RUNNER_FALLBACK=sync DATABASE_URL=$(PG_URL) REDIS_URL=redis://127.0.0.1:6379/15 \
	  GONGHUI_REQUIRE_SERVICES=1 $(BIN)/python -m pytest -m "not browser"

browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test-browser: $(STAMP) browser-deps
	TASK_RUNNER_FALLBACK=sync $(BIN)/python -m pytest -m browser

test: $(STAMP) lint typecheck test-sqlite
ifeq ($(CI),true)
	$(MAKE) test-postgres
	$(MAKE) test-browser
endif

bench: $(STAMP)
	$(BIN)/python -m bench

messages: $(STAMP)
	cd src/gonghui && ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles media
