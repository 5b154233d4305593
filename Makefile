# Passerelle. `make run` runs it, `make test` tests it, `make bench` prints the benchmark figures.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
HTMX_VERSION ?= 2.0.11

.PHONY: lock run test test-pg bench install lint format translations htmx clean axe system-run system-test

# The environment is installed from requirements.lock (every package pinned, the transitive ones
# too); `make lock` remakes the lock after a change to pyproject.toml's dependencies.
$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install -q -e '.[test]'
	{ echo "# Every package of make install, pinned: remade by make lock from pyproject.toml."; \
	  $(VENV)-lock/bin/python -m pip freeze --exclude-editable; } > requirements.lock
	rm -rf $(VENV)-lock

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
	$(BIN)/ruff format --check intranet jobs tests wsgi.py
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
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
	$(BIN)/ruff format --check intranet jobs tests wsgi.py
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install
	$(BIN)/ruff format intranet jobs tests wsgi.py
	$(BIN)/ruff check --fix intranet jobs tests wsgi.py

# Refresh the vendored htmx (pinned version) from the npm registry.
htmx:
	rm -rf /tmp/htmx-refresh && mkdir -p /tmp/htmx-refresh
	cd /tmp/htmx-refresh && npm pack -q htmx.org@$(HTMX_VERSION)
	tar -xzf /tmp/htmx-refresh/htmx.org-$(HTMX_VERSION).tgz -C /tmp/htmx-refresh
	cp /tmp/htmx-refresh/package/dist/htmx.min.js static/vendor/htmx-$(HTMX_VERSION).min.js
	cp /tmp/htmx-refresh/package/LICENSE static/vendor/htmx-LICENSE.txt
	@echo "htmx $(HTMX_VERSION) copied; update PAGE_ASSETS in intranet/assets.py and templates/base.html if the version changed"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
