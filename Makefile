# Renkei: `make run` serves the demo, `make test` runs every check and test.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: install run check test test-postgres browser messages bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON) --all-extras
	touch $@

install: $(VENV)/.synced

run: install
	$(BIN)/renkei migrate --noinput
	$(BIN)/renkei collectstatic --noinput -v0
	$(BIN)/renkei demo
	$(BIN)/renkei match_index
	$(BIN)/renkei serve --port $(PORT)

check: install
	$(BIN)/ruff check renkei bench
	$(BIN)/lint-imports
	$(BIN)/renkei makemigrations --check --dry-run
	$(BIN)/renkei check

# Headless Chromium for the browser tests (Debian's package; Playwright drives it), with a Japanese font for screenshots.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	  else echo "Browser tests need Chromium: sudo apt-get install chromium chromium-driver"; exit 1; fi; }

test: check browser
	RENKEI_TASKS=immediate $(BIN)/pytest

test-postgres: install browser
	RENKEI_TASKS=immediate DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

messages: install
	cd renkei && ../$(BIN)/renkei makemessages -l ja --no-obsolete --add-location file
	cd renkei && ../$(BIN)/renkei compilemessages

# Every benchmark in turn, each printing JSON (an hour or more; see bench/README.md).
BENCHMARKS := engine_match engine_pairing engine_embedding api_match knowledge_quality knowledge_search \
	taxonomy_coverage matching_quality matching_tuning indicators_benchmarking indicators_import evaluation_portfolio \
	connections_dashboard networks_scheduler iati_export iati_import
bench: install
	@for b in $(BENCHMARKS); do echo "== bench/$$b.py" >&2; $(BIN)/python bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) .tools var/static
