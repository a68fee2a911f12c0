# dangbo — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install demo serve run worker test test-sqlite test-postgres lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

## install: system packages (as root), .venv, the pinned dependencies, migrate the database
install: $(VENV)/.installed
	bash scripts/system-deps.sh
	$(BIN)/python manage.py migrate --noinput

## demo: install, load the Đông Hà demo, serve on http://127.0.0.1:8000 with the worker
demo: install
	$(BIN)/python manage.py load_demo
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

## serve: the production server: migrate, collect the static files, then gunicorn, the worker and
## the scheduler (set DANGBO_ENV=production and the rest first: docs/van-hanh.md)
serve: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh production

## test: install what tests need, lint, type-check, run the suite on SQLite and PostgreSQL
test: $(VENV)/.installed-test
	bash scripts/test.sh

messages:
	bash scripts/messages.sh

## bench: the benchmarks of bench/ (not part of make test), one table each
bench: $(VENV)/.installed-test
	bash bench/run.sh

clean:
	rm -rf $(VENV) var
