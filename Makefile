# Two commands on a fresh machine: `make plan` (the offline plan of a stack) and
# `make test` (lint, type check, the docs site and every test). Both set up .venv by themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRICING := policies/pricing
STAMP := $(VENV)/.installed-$(shell cat requirements-dev.txt pyproject.toml $(PRICING)/pyproject.toml | cksum | cut -d' ' -f1)
STACK ?= prod
FORMAT ?= text

NODE_STAMP := node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1)

# The tests' worker processes (pytest-xdist): one more than the cores, as the tests spend
# about a third of their time waiting (on PostgreSQL, Redis, moto, the app's server, Vercel's
# CLI). On 2 cores the tests took 315 s with 2 workers, 248 s with 3 and 264 s with 4. At
# most 16: each worker keeps its keys in a Redis database of its own (tests/local_services.py).
TEST_WORKERS ?= $(shell n=$$(( $$(nproc) + 1 )); echo $$(( n < 16 ? n : 16 )))

# Python writes each module's bytecode the first time it is imported, as it does by default:
# where PYTHONDONTWRITEBYTECODE is set (as in many CI images), every process would otherwise
# compile the SDKs' sources again (pulumi_aws.s3 alone is 6.7 MB). Writing it on first use
# costs less than compiling all of the environment's 12,500 files at install, most of which
# nothing imports (that took 15 s of the set-up's 33). Both places are this checkout's own:
# .venv and the source folders' __pycache__ (ignored by git).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup plan preflight prices test lint style types pytest styled-pytest docs bench dr-drill build lock clean

setup: $(STAMP) $(NODE_STAMP)

# Vercel's CLI, pinned by package-lock.json: `vercel build` for the ops app. From npm's cache
# when it holds the locked versions (their integrity hashes are checked either way): 9 s
# rather than 14 s of asking the registry about each of the 429 packages.
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --prefer-offline
	touch $@

# uv installs the pinned set in seconds; pip only bootstraps uv itself. The pricing the CLI
# shares with the policy pack is installed editable, as policies/requirements.txt installs
# it: both read this checkout.
$(STAMP): requirements-dev.txt pyproject.toml $(PRICING)/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --config-setting editable_mode=compat -e .
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e $(PRICING)
	rm -f $(VENV)/.installed-*
	touch $@

plan: $(STAMP)
	$(BIN)/crms-infra plan $(STACK) --format $(FORMAT)

# Everything `pulumi preview` or `pulumi up` of the stack would refuse, offline (crms-infra
# exits 1 if any, and make then exits 2).
preflight: $(STAMP)
	$(BIN)/crms-infra preflight $(STACK)

# Re-read the prices whose sources are machine-readable (AWS's Price List) and write what
# changed into policies/pricing's price files, for a person to review (`git diff`) and commit.
# It needs the network: offline it stops with one sentence and changes nothing.
prices: $(STAMP)
	$(BIN)/crms-infra prices --write

lint: style types

style: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: $(STAMP)
	$(BIN)/mypy

# The documentation site from docs/ into build/site, strict (mkdocs.yml): a broken link or
# anchor fails it. Not --quiet: it hides the warnings that strict mode counts.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The Python set-up (seconds); then at once: npm's (which mostly waits on the registry),
# ruff (a second, and the commonest failure), mypy and the docs site; the tests as soon as
# ruff has passed and npm is done. Each one's output is printed whole when it ends. The tests
# spend much of their time waiting (on PostgreSQL, Redis, the app's server, Vercel's CLI),
# which mypy fills.
test:
	$(MAKE) --no-print-directory $(STAMP)
	$(MAKE) --no-print-directory -j4 --output-sync=target types docs styled-pytest

styled-pytest: style $(NODE_STAMP)
	$(MAKE) --no-print-directory pytest

# Every test, in one worker process per core, each with databases of its own
# (tests/local_services.py); what workers share is done once (tests/shared_work.py).
pytest: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: $(STAMP)
	$(BIN)/python benchmarks/plan.py
	$(BIN)/python benchmarks/plan_profile.py
	$(BIN)/python benchmarks/plan_vs_synth.py
	$(BIN)/python benchmarks/migrations.py
	$(BIN)/python benchmarks/backup.py
	$(BIN)/python benchmarks/health.py
	$(BIN)/python benchmarks/faults.py
	$(BIN)/python benchmarks/stack_files.py
	$(BIN)/python benchmarks/drain.py
	$(BIN)/python benchmarks/drain_counts.py
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/review.py
	$(BIN)/python benchmarks/preflight.py
	$(BIN)/python benchmarks/supabase_calls.py
	$(BIN)/python benchmarks/sentry_calls.py
	$(BIN)/python benchmarks/stripe_calls.py
	$(BIN)/python benchmarks/cost.py
	$(BIN)/python benchmarks/drain_max.py

# The disaster drill against moto: lose photos, restore in place, lose the bucket, restore
# from the replica; prints objects/s and peak memory of each restore.
dr-drill: $(STAMP)
	$(BIN)/python benchmarks/dr_drill.py

# The ops app for a stack, built by Vercel's CLI (`vercel build --prod`) for Python 3.12 on
# Linux x86_64 (with the python3.12 on PATH if it runs Python 3.12, else the newest 3.12
# under pyenv, as the tests find it), checked against Vercel's limits, and recorded with its source digest
# (crms_infra/bundle/vercel_build.py); `pulumi up` deploys this output and refuses one built from other sources.
build: $(STAMP) $(NODE_STAMP)
	$(BIN)/crms-infra build $(STACK) --out build/ops-$(STACK)

lock: $(STAMP)
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.txt
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements-dev.in -o requirements-dev.txt
	$(BIN)/uv pip compile --quiet --python-version 3.11 --no-header app/requirements.in -o app/requirements.txt

clean:
	rm -rf $(VENV) node_modules build .mypy_cache .pytest_cache .ruff_cache
