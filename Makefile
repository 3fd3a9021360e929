# `make run` and `make test` set everything up on a fresh machine, then run.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export APP_ENV ?= development
export FLASK_APP := wsgi.py
# pytest-xdist: one worker per core (`make test PYTEST_WORKERS=0` runs serially). Each worker
# has databases of its own: PostgreSQL TEST_DATABASE_URL's name + _gw0, _gw1...
# (tests/conftest.py), Redis database 15, 14... (tests/redis_db.py).
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS)

.PHONY: setup system catalogs run test test-postgres api-contract mutants lint format migrate messages clean

setup: system $(STAMP) catalogs

# Compile the complete catalogs of app/translations (*.mo are not committed); an incomplete
# one is left out, and the application does not offer its language (app/translations/README.md).
catalogs: $(STAMP)
	@$(BIN)/python scripts/compile_catalogs.py

system:
	@bash scripts/system-packages.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	$(BIN)/flask jobs recover
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C stops)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The browser tests are required here as in CI: a missing Chromium fails the run, never skips it
# (`make setup` installs Debian's chromium; Playwright drives it, no browser is downloaded).
test: setup
	APP_ENV=testing REQUIRE_BROWSER=true $(BIN)/pytest $(PYTEST_PARALLEL)
	$(BIN)/python scripts/api_contract.py

# schemathesis against the served app, every operation of the OpenAPI document (seeded)
api-contract: setup
	$(BIN)/python scripts/api_contract.py

test-postgres: setup
	APP_ENV=testing REQUIRE_BROWSER=true TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/pytest $(PYTEST_PARALLEL)

# Mutation testing of the rule modules, with the kill rate per module (see scripts/mutants.py).
# Not part of CI: a full run takes about half an hour on 2 cores.
mutants: setup
	$(BIN)/pip install --quiet -e '.[dev,mutants]'
	APP_ENV=testing $(BIN)/python scripts/mutants.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: setup
	$(BIN)/flask db migrate -m "$(m)"

# Extract the strings marked for translation, then bring every catalog up to date (new
# strings come in untranslated, never guessed: no fuzzy matching).
messages: setup
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs ".* __pycache__" -k _l -k lazy_ngettext:1,2 -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache mutants
