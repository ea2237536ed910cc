# PACT Live — `make run` serves the app, `make test` runs every test. Both work on a fresh machine
# with only Python 3.11: they create .venv and install the pinned requirements first.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
export PORT

.PHONY: run test install install-test migrate demo clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    install, migrate, add demo data (embedded database only) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install test requirements and run the whole suite"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed-demo --if-default

run: demo
	$(FLASK) serve --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
