# revalign — set-up and checks. `make demo` and `make test` work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
# `make demo` ends by serving the dashboard on 127.0.0.1:$(PORT); `make demo SERVE=0` only builds
SERVE ?= 1
PORT ?= 8000
DEMO_AS_OF := 2026-11-30T23:59

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	rm -f demo.db
	$(BIN)/revalign demo --db sqlite:///demo.db
	$(BIN)/revalign status --db sqlite:///demo.db
	@if [ "$(SERVE)" != "0" ]; then \
	  echo "dashboard: http://127.0.0.1:$(PORT)/?as_of=$(DEMO_AS_OF)  (Ctrl-C stops it)"; \
	  echo "logins (user / password): admin / demo-admin, revops / demo-revops,"; \
	  echo "  marketing / demo-marketing, sales_manager / demo-sales_manager, rep / demo-rep,"; \
	  echo "  viewer / demo-viewer"; \
	  $(BIN)/revalign serve --db sqlite:///demo.db --host 127.0.0.1 --port $(PORT); \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

bench: $(STAMP)
	$(BIN)/pip install -q -e '.[dev,spark,bench]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis demo.db
