# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export PYTHONDONTWRITEBYTECODE := 1

# Domain apps with their own catalogue (<app>/locale) get their strings routed there.
.PHONY: run serve test lint typecheck check-migrations messages messages-app bench bench-smoke install install-dev clean lock sbom check-deploy upgrade-check image-check compose-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a second `make run` / `make test` skip the install unless pyproject.toml changed.
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.stamp-run $@

install: $(VENV)/.stamp-run
install-dev: $(VENV)/.stamp-dev

# Links in e-mails point where this runs (PORT=8080 make run), unless SITE_URL is set.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/python -m openjobcenter.manage migrate --no-input -v 0
	$(BIN)/python -m openjobcenter.manage createcachetable
	$(BIN)/python -m openjobcenter.manage demo_load
	PORT=$(PORT) HOST=$(HOST) $(BIN)/python -m openjobcenter.serve

# Production start: migrations, then the server; never the demo data (demo_load refuses
# to run when OJC_ENV=production anyway).
serve: install
	PORT=$(PORT) HOST=$(HOST) $(BIN)/python -m openjobcenter.serve --migrate --collectstatic

# One test worker per CPU (pytest-xdist); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto
# COVERAGE=1 measures the run and every Python process it starts (CI; [tool.coverage]).
test: install-dev
	$(BIN)/python -m $(if $(COVERAGE),coverage run -m )pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src tests bench
	$(BIN)/python -m openjobcenter.manage makemigrations --check --dry-run

# Every language the platform knows (config/settings.py ALL_LANGUAGES), by catalogue folder:
# Leichte Sprache is de_X-ls, Dari fa_AF. A new, empty catalogue is not offered until it
# translates something (docs/languages.md).
LOCALES ?= en ar uk de_X-ls tr ru fa fa_AF pl ro
LOCALE_FLAGS = $(foreach l,$(LOCALES),-l $(l))

messages: install-dev
	cd src/openjobcenter && OJC_BASE_DIR=$(CURDIR) ../../$(BIN)/python -P -m openjobcenter.manage makemessages $(LOCALE_FLAGS) --no-obsolete --no-location --ignore "benefits/*" && OJC_BASE_DIR=$(CURDIR) ../../$(BIN)/python -P -m openjobcenter.manage compilemessages $(LOCALE_FLAGS)

# One app's catalogue only (-P: the app folder is the working directory, and its
# selectors.py must not shadow the standard library's), e.g. `make messages-app APP=documents` (several people can
# work on different apps' translations at once).
messages-app: install-dev
	cd src/openjobcenter/$(APP) && mkdir -p locale && OJC_BASE_DIR=$(CURDIR) ../../../$(BIN)/python -P -m openjobcenter.manage makemessages $(LOCALE_FLAGS) --no-obsolete --no-location && OJC_BASE_DIR=$(CURDIR) ../../../$(BIN)/python -P -m openjobcenter.manage compilemessages $(LOCALE_FLAGS)

bench: install-dev
	$(BIN)/python bench/http_baseline.py

# Every benchmark in its smoke mode (seconds each, tiny data): PostgreSQL + Redis when
# DATABASE_URL/REDIS_URL point there, else SQLite where a script can; fails when one is broken.
bench-smoke: install-dev
	$(BIN)/python bench/smoke.py

# Lock files with hashes (docs/operations.md, "Supply chain"): after changing a pin in
# pyproject.toml. The image installs requirements.lock with --require-hashes.
LOCK = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock"
lock: install-dev
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

# CycloneDX SBOM of the runtime packages (from the lock), checked to list each of them.
sbom: install-dev
	mkdir -p var
	$(BIN)/cyclonedx-py requirements --pyproject pyproject.toml --of JSON -o var/sbom.cdx.json requirements.lock
	$(BIN)/python tools/check_sbom.py var/sbom.cdx.json requirements.lock

# Django's deployment checks with the production settings a deployment sets (throwaway
# secrets); any warning fails.
check-deploy: install
	OJC_ENV=production OJC_BASE_DIR=$(CURDIR)/var/check-deploy DEBUG=false \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	ALLOWED_HOSTS=jobcenter.example.org SITE_URL=https://jobcenter.example.org EMAIL_HOST=smtp.example.org \
	DOCUMENTS_MASTER_KEY="$$($(BIN)/python -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')" \
	$(BIN)/python -m openjobcenter.manage check --deploy --fail-level WARNING

# The previous release's code on this tree's schema (PostgreSQL: DATABASE_URL).
upgrade-check: install-dev
	tools/upgrade_check.sh

# The container image built and run as an orchestrator runs it (needs a Docker daemon;
# docs/operations.md "The image").
image-check:
	tools/image_check.sh

# deploy/compose.yaml brought up with locally built service images and checked, then torn
# down (needs a Docker daemon and Compose; docs/operations.md "One host").
compose-check: install-dev
	tools/compose_check.sh

clean:
	rm -rf $(VENV) var
