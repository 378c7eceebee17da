# Puskesos — the two commands of the README's quick start:
#   make run    set up, migrate, load the demo data (SQLite) and start on http://127.0.0.1:8000
#   make test   set up (incl. Debian's chromium for the browser tests), lint, run all tests
# DATABASE_URL chooses the database (default: SQLite file db.sqlite3 in this folder).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := chromium libharfbuzz-subset0 fonts-dejavu-core
PYTEST_ARGS ?=

.PHONY: run test lint setup system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the browser tests and PDF rendering need (root, or sudo).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The web server and the background worker (register imports, reports) together;
# Ctrl-C stops both.
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:puskesos.gunicorn --workers 2 puskesos.wsgi

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest tests/bench -p no:cacheprovider -s $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
