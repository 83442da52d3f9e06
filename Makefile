# The two set-up commands of README.md: `make run` (demo) and `make test` (whole suite).
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
# The demo: every role can be tried with the README's accounts, without a phone for the codes.
DEV := DJANGO_DEBUG=1 DOUBLE_AUTHENTIFICATION=0
# Tests run with production-like settings (DEBUG off); these keys exist only for them.
TEST_ENV := SECRET_KEY=tests-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	CLE_CHIFFREMENT=tests-only-encryption-salt-0123456789

.PHONY: run test install demo clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "rased needs Python 3.12 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

demo: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py demo

# The server and the task queue's worker (e-mail, documents) together; Ctrl+C stops both.
run: demo
	@$(DEV) $(BIN)/python manage.py travailleur --queue-name '*' & travailleur=$$!; \
	trap 'kill $$travailleur 2>/dev/null; wait $$travailleur 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# One worker per core (pytest-xdist); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
test: install
	$(TEST_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

# Time and memory of every document kind, on a throwaway database (docs/performance.md).
.PHONY: bench
bench: install
	$(DEV) $(BIN)/python bench/documents.py

# Load test on PostgreSQL under gunicorn, with wrk (docs/performance.md): SCALE=1 (a
# circonscription) or SCALE=10 (a département); recreates the database rased_charge.
SCALE ?= 1
.PHONY: charge
charge: install
	$(BIN)/python bench/charge.py --scale $(SCALE)
