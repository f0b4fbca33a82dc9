# The two quick-start commands (README.md): `make demo` and `make test`.
# Both build their own virtual environment, so they work on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= .demo
EXTRAS ?= jupyter,dask,parquet,ipyparallel,excel,sql,plot,polars,pillow,kedro-datasets

.PHONY: demo test test-fast lint typecheck imports pytest coverage completions benchmarks system-deps clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv

# The full development environment: every extra and the dev dependency group.
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[$(EXTRAS)]" --group dev
	touch $@

# Debian packages the browser tests need (headless Chromium; never `playwright install`).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Scaffold the iris starter, run it, show the accuracy it reached.
demo: $(VENV)/.dev-installed
	rm -rf $(DEMO_DIR)
	mkdir -p $(DEMO_DIR)
	cd $(DEMO_DIR) && ../$(BIN)/proj new iris-demo --starter iris --yes
	cd $(DEMO_DIR)/iris-demo && ../../$(BIN)/proj run
	@$(BIN)/python -c "import json; r = json.load(open('$(DEMO_DIR)/iris-demo/data/08_reporting/metrics.json')); print(f\"accuracy on the held-out split: {r['accuracy']:.3f} ({r['n_test']} rows)\")"

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check proj tests benchmarks
	$(BIN)/ruff format --check proj tests benchmarks

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

imports: $(VENV)/.dev-installed
	$(BIN)/lint-imports

# The whole suite, without coverage.
pytest: $(VENV)/.dev-installed system-deps
	$(BIN)/pytest -n 2 --dist loadgroup

# The whole suite with line coverage of proj/ (tests in this process and its xdist
# workers; code run by `proj` subprocesses is not counted), then the total. Measured on
# an idle 2-core machine it costs no more than `pytest` (5.4 minutes either way), so the
# gate runs it.
coverage: $(VENV)/.dev-installed system-deps
	$(BIN)/pytest -n 2 --dist loadgroup --cov --cov-report=
	@echo "Coverage of proj/: $$($(BIN)/coverage report --format=total)% of lines"

test: lint typecheck imports coverage

# The quick loop while developing: no browser, no Jupyter server, no journey through
# the installed command (tests/e2e), nothing marked slow; about 1 minute on an idle
# 2-core machine. `make test` stays the gate.
test-fast: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 --dist loadgroup -m "not e2e and not browser and not jupyter_server and not slow"

completions: $(VENV)/.dev-installed
	$(BIN)/python -m proj.cli.completion_scripts completions

benchmarks: $(VENV)/.dev-installed
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .pytest_cache .ruff_cache .coverage .coverage.*
