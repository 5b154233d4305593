# Passerelle. `make run` runs it, `make test` tests it, `make bench` prints the benchmark figures.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
HTMX_VERSION ?= 2.0.11

.PHONY: run test test-pg bench install lint format translations migration htmx clean axe system-run system-test

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

install: $(BIN)/.installed

# System packages (Pango, fonts; Chromium and npm for the tests): checked each time, installed
# with apt as root, or the exact command printed.
system-run:
	@scripts/system-packages run

system-test:
	@scripts/system-packages test

translations: install
	$(BIN)/python -c 'from intranet.i18n import compile_catalogues, translation_directories; from pathlib import Path; print("compiled:", len(compile_catalogues(translation_directories(Path(".")))))'

run: system-run install translations
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m intranet.devserver

# axe-core (accessibility tests) from the npm registry, pinned by its lock file; skipped without npm.
axe:
	@if [ ! -d tests/browser/axe/node_modules ] && command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser/axe --no-audit --no-fund --ignore-scripts --silent; fi

test: system-test install translations axe
	$(BIN)/ruff check intranet jobs tests wsgi.py
	PASSERELLE_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The same suite on the PostgreSQL and Redis servers of this machine.
test-pg: system-test install translations axe
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379} \
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: system-test install translations
	$(BIN)/python -m tests.benchmarks

lint: install
	$(BIN)/ruff check intranet jobs tests wsgi.py

format: install
	$(BIN)/ruff format intranet jobs tests wsgi.py
	$(BIN)/ruff check --fix intranet jobs tests wsgi.py

# Regenerate the initial migration from the models (allowed until the first release): the
# hand-written revisions that build on it (full-text indexes...) are set aside meanwhile.
migration: install
	@set -e; tmp=$$(mktemp -d); db=$$tmp/schema.db; \
	find intranet/migrations/versions -name '*.py' ! -name '0001_initial*' -exec mv {} $$tmp/ \; ; \
	rm -f intranet/migrations/versions/0001_initial*.py; \
	PASSERELLE_ENV=development DATABASE_URL=sqlite:///$$db $(BIN)/flask --app wsgi db migrate -m "initial schema" --rev-id 0001_initial; \
	find $$tmp -name '*.py' -exec mv {} intranet/migrations/versions/ \; ; rm -rf $$tmp

# Refresh the vendored htmx (pinned version) from the npm registry.
htmx:
	rm -rf /tmp/htmx-refresh && mkdir -p /tmp/htmx-refresh
	cd /tmp/htmx-refresh && npm pack -q htmx.org@$(HTMX_VERSION)
	tar -xzf /tmp/htmx-refresh/htmx.org-$(HTMX_VERSION).tgz -C /tmp/htmx-refresh
	cp /tmp/htmx-refresh/package/dist/htmx.min.js static/vendor/htmx-$(HTMX_VERSION).min.js
	cp /tmp/htmx-refresh/package/LICENSE static/vendor/htmx-LICENSE.txt
	@echo "htmx $(HTMX_VERSION) copied; update PAGE_ASSETS in intranet/assets.py and templates/base.html if the version changed"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
