# PACT Live — `make run` serves the app, `make test` runs every test. Both work on a fresh machine
# with only Python 3.11: they create .venv and install the pinned requirements first.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
export PORT

.PHONY: lint translations bench-places run test install install-test install-browser migrate demo clean help bench-page run-cluster bench bench-duplicates install-cluster soak
.DEFAULT_GOAL := help

help:
	@echo "make run    install, migrate, add demo data (embedded database only) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install test requirements (and, as root, Debian's chromium) and run the whole suite"
	@echo "make bench-page  measure the room page's long tasks and frame rate (500 issues, tallies every 100 ms)"
	@echo "make bench-duplicates  precision of near-duplicate suggestions on labelled pairs, and their cost at 1,000 issues"

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
install-test: $(VENV)/.installed-test install-browser

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here) and
# inject axe-core from node_modules (pinned in package-lock.json). As root on a fresh machine this
# installs both; otherwise it says what is missing and the browser tests skip (they fail under CI).
CHROMIUM ?= /usr/bin/chromium
install-browser: node_modules/.installed
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: $(CHROMIUM) is missing and we are not root: browser tests will skip (apt-get install chromium)"; fi; \
	fi

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "note: npm is missing: browser tests will skip (they need axe-core from npm)"; fi

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed-demo --if-default

run: demo
	$(FLASK) serve --port $(PORT)

test: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (ruff.toml) on everything and mypy (mypy.ini) on the domain and models: zero findings.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# Several gevent processes behind HAProxy, kept by supervisord (docs/deploy.md): PostgreSQL + Redis,
# not SQLite. As root on a fresh machine this installs Debian's haproxy and supervisor first.
PROCESSES ?= 2
CLUSTER_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/pact
CLUSTER_MESSAGE_QUEUE ?= redis://127.0.0.1:6379/0
install-cluster:
	@if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ] || ! command -v supervisord >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's haproxy and supervisor"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy supervisor >/dev/null; \
	  else echo "haproxy or supervisord is missing and we are not root: apt-get install haproxy supervisor"; exit 1; fi; \
	fi

run-cluster: install install-cluster
	-createdb -h 127.0.0.1 -U postgres $(notdir $(CLUSTER_DATABASE_URL)) 2>/dev/null
	PACT_DATABASE_URL=$(CLUSTER_DATABASE_URL) $(FLASK) db upgrade
	PACT_DATABASE_URL=$(CLUSTER_DATABASE_URL) PACT_MESSAGE_QUEUE=$(CLUSTER_MESSAGE_QUEUE) \
	  $(BIN)/python -m pact.cluster --processes $(PROCESSES) --port $(PORT)

# The large-room benchmark (docs/performance.md); long: BENCH_ARGS="--sizes 250 --duration 20" for a taste.
$(VENV)/.installed-bench: requirements-bench.txt requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $(VENV)/.installed $(VENV)/.installed-test $@

bench/reference/node_modules/.installed: bench/reference/package.json bench/reference/package-lock.json
	cd bench/reference && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed

bench: $(VENV)/.installed-bench bench/reference/node_modules/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Languages (docs/translations.md): extract every marked string, merge it into each .po, compile the .mo.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -c TRANSLATORS: --no-location --sort-output \
	  -o pact/translations/messages.pot --project "PACT Live" --copyright-holder "PACT Live" .
	$(BIN)/pybabel update -i pact/translations/messages.pot -d pact/translations --width 100 --no-fuzzy-matching
	$(BIN)/pybabel compile -d pact/translations

# Two processes behind HAProxy for SOAK_MINUTES (default 30): 1,000 residents, churn, votes; checks
# RSS, descriptors, greenlets, database and Redis connections stay flat (docs/performance.md). Not in `make test`.
SOAK_MINUTES ?= 30
soak: $(VENV)/.installed-bench install-cluster
	SOAK_MINUTES=$(SOAK_MINUTES) $(BIN)/python -m bench.soak $(SOAK_ARGS)

# "Find your beat": 10,000 lookups against 500 beat polygons (docs/places.md).
bench-places: install
	$(BIN)/python -m bench.places $(BENCH_ARGS)

bench-page: install-test
	$(BIN)/python bench/page_responsiveness.py $(BENCH_ARGS)

bench-duplicates: install
	$(BIN)/python bench/duplicates.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache node_modules

# Safeguarding: recall per category, precision, ordinary posts held, cost (docs/safeguarding.md)
.PHONY: bench-safeguarding
bench-safeguarding: install
	$(BIN)/python -m bench.safeguarding $(BENCH_ARGS)

# Retrain the safeguarding classifier (scikit-learn, offline) from bench/safeguarding_corpus (docs/safeguarding.md)
.PHONY: train-safeguarding
train-safeguarding: $(VENV)/.installed-bench
	$(BIN)/python -m bench.train_safeguarding
# The official engine.io-protocol and socket.io-protocol suites against our servers and stock
# python-socketio (docs/protocol.md). Not part of `make test`; needs node/npm and the two suites'
# checkouts: make conformance CONFORMANCE_SUITES=/path/to/folder-holding-both
conformance: install
	$(BIN)/python -m bench.conformance.run

# The evidence page at scale (docs/evidence.md): 50 beats x two years on PostgreSQL, its own database.
bench-evidence: install-test
	$(BIN)/python bench/evidence.py $(BENCH_ARGS)

# Not a test: 10,000 e-mails to a local SMTP server (aiosmtpd) beside a 500-resident meeting (docs/performance.md).
BENCH_MAIL_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/pact_bench_mail
.PHONY: bench-mail
bench-mail: $(VENV)/.installed-bench
	-createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_MAIL_DATABASE_URL)) 2>/dev/null
	BENCH_MAIL_DATABASE_URL=$(BENCH_MAIL_DATABASE_URL) $(BIN)/python -m bench.mail $(BENCH_ARGS)
