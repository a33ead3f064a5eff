# Wijkregie — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export WIJKREGIE_HOME := $(CURDIR)

.PHONY: run test lint install dev-install migrate demo worker serve ci clean messages

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

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed

migrate: install
	$(BIN)/wijkregie migrate --no-input -v0

demo: migrate
	$(BIN)/wijkregie demo load --if-empty --seed 1

## make run: set up everything (venv, install, database, demo data) and serve the app.
run: demo
	@echo "Wijkregie on http://$(HOST):$(PORT)/  (task worker runs alongside; Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/wijkregie run_huey --quiet & \
	  $(BIN)/wijkregie runserver --noreload $(HOST):$(PORT)

## make test: install the dev dependencies and run the whole suite (SQLite unless DATABASE_URL).
test: dev-install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev-install
	$(BIN)/ruff check src tests benchmarks

messages: dev-install
	cd src/wijkregie && ../../$(BIN)/wijkregie makemessages -l nl --no-obsolete && ../../$(BIN)/wijkregie compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
