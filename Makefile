# Developer and CI entry points. `python3` is whatever is first on PATH (pyenv here);
# everything else runs from .venv so a fresh clone needs nothing but python3 + venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamp file: reinstall only when the dependency declaration or the pins change.
INSTALLED := $(VENV)/.installed

.PHONY: setup serve test pytest bench constraints clean

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints.txt -e '.[test]'
	touch $@

serve: $(INSTALLED)
	$(BIN)/toolkit serve

# The whole suite on a machine set up for it: tools/test-machine.sh installs what is missing (as root:
# Chromium, fonts, nginx, PostgreSQL), starts a loopback PostgreSQL cluster and runs `make pytest` with
# TOOLKIT_TEST_POSTGRES_URL set; as any other user it prints the one command to run as root and fails.
# Opt-outs, skipping those tests knowingly: TOOLKIT_SKIP_BROWSER=1, TOOLKIT_SKIP_POSTGRES=1, or a
# TOOLKIT_TEST_POSTGRES_URL of your own (then no local cluster). The set-up comes before .venv, which
# may need python3-venv.
test:
	@PYTHON='$(PYTHON)' bash tools/test-machine.sh $(MAKE) --no-print-directory pytest

# gift-pegjs, the independent GIFT reader of tests/unit/test_export_readers.py: a test tool from its own
# lockfile, not a dependency of the toolkit. Installed here rather than by a pytest fixture so that no test
# reaches the registry or replaces node_modules under another pytest run; reinstalled when the lock changes
# (npm ci writes node_modules/.package-lock.json). Without npm the tests say why: skipped, failed under CI.
EXTERNAL := tests/external
EXTERNAL_INSTALLED := $(EXTERNAL)/node_modules/.package-lock.json

$(EXTERNAL_INSTALLED): $(EXTERNAL)/package.json $(EXTERNAL)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	    npm ci --prefix $(EXTERNAL) --no-audit --no-fund && touch $@; \
	else echo "make: npm not found; the gift-pegjs tests will be skipped (failed under CI)" >&2; fi

# Just the lint and the suite, on whatever this machine has. --nbval-lax runs notebooks/*.ipynb (cells
# must not raise; outputs are not compared); toolkit/ contributes its docstring examples.
pytest: $(INSTALLED) $(EXTERNAL_INSTALLED)
	$(BIN)/ruff check toolkit tests benchmarks conftest.py
	$(BIN)/python -m pytest --nbval-lax tests notebooks toolkit

# Figures (JSON lines on stdout) for speed, memory and a room of participants; see benchmarks/.
# Reports, never fails on a missed target. `make bench BENCH_ARGS=--quick` for a short run.
bench: $(INSTALLED)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# Pin what was just installed and tested; run after changing dependencies in pyproject.toml.
constraints: $(INSTALLED)
	{ echo '# Versions the test suite passed with; `make setup` installs with -c constraints.txt.'; \
	  echo '# Voila, ipywidgets and jupyterlab_widgets must move together (see pyproject.toml).'; \
	  echo '# Regenerate with `make constraints` after changing dependencies.'; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt
	touch $(INSTALLED)

clean:
	rm -rf $(VENV)
