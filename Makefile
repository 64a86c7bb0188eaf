# Village Counsel: the front door. Needs only python3 (3.11) on the machine; everything else comes via uv.
.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt bench province bench-scale schemas token down

UV_VERSION := 0.13.9
# `uv` on PATH, else the module pip installed (a --user install may not be on PATH). Expanded per use,
# so targets that run after `install` pick up a freshly installed uv.
UV = $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
ROLE ?= county_admin
SCOPE ?= 621025
JWT_SECRET_FILE := .var/dev/jwt-secret

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

install:  ## uv (if missing), the locked environment and the built web pages
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install -q uv==$(UV_VERSION) || python3 -m pip install -q --user uv==$(UV_VERSION)
	$(UV) sync --frozen --all-packages
	$(UV) run python -m devstack.frontend

run: install  ## PostgreSQL, Tansu, the four services and the web pages until Ctrl-C (prints the address to open)
	$(UV) run python -m devstack up

test: install  ## the test suite (starts its own servers in .var/test/)
	$(UV) run pytest

lint:  ## ruff + mypy + the import contracts (.importlinter: pure domain, services apart, layers)
	$(UV) run ruff check . && $(UV) run ruff format --check . && $(UV) run mypy services contracts deploy bench \
		&& $(UV) run lint-imports --no-cache

fmt:  ## ruff autofix + format
	$(UV) run ruff check --fix . && $(UV) run ruff format .

bench: install  ## benchmarks
	$(UV) run python -m bench

SEED ?= 7
VILLAGES ?= 4000
province: install  ## a generated province through the services: make province SEED=7 VILLAGES=4000 (own servers)
	$(UV) run python -m bench.province --seed $(SEED) --villages $(VILLAGES)

bench-scale: install  ## the province at 1,000 / 4,000 / 17,000 / 60,000 villages: docs/scale-figures.json + plot
	$(UV) run python -m bench.scale

schemas: install  ## export the event JSON Schemas, the enums' labels (also for the web pages) and AsyncAPI
	$(UV) run python -m vc_contracts.export
	$(UV) run python -m vc_web.labels
	$(UV) run python -m eventkit.asyncapi

token:  ## a dev JWT: make token ROLE=county_admin SCOPE=621025 [SUBJECT=.. UNIT=..] (after `make run`)
	@test -f $(JWT_SECRET_FILE) || { echo "no $(JWT_SECRET_FILE) yet: run 'make run' once" >&2; exit 1; }
	@VC_JWT_SECRET="$$(cat $(JWT_SECRET_FILE))" $(UV) run python -m eventkit.tokens issue \
		--role $(ROLE) --scope $(SCOPE) $(if $(SUBJECT),--subject $(SUBJECT)) $(if $(UNIT),--unit $(UNIT))

down:  ## stop a running stack and leftovers of crashed runs
	$(UV) run python -m devstack down
