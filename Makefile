# Every target bootstraps what it needs from nothing but python3: uv (pinned) into .tools/,
# then the locked environment (uv.lock) into .venv/, then dbt's manifest.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV_STAMP := .venv/.synced-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)
# The `spark` extra on top of the locked environment. `uv sync --locked` (install) removes
# extras, and whenever it runs it also removes this stamp (.synced-*), so the next Spark
# target puts them back; until then both targets leave each other's packages alone.
SPARK_STAMP := .venv/.synced-spark-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project -type f \( -name '*.sql' -o -name '*.yml' \) -not -path '*/target/*' 2>/dev/null)
DAYS ?= 30
PORT ?= 3000

export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: install install-spark java spark-server test-spark manifest lint check-defs format test test-fast reliability e2e browser postgres test-postgres simulate backfill dev bench clean

install: $(VENV_STAMP)

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV_STAMP): $(UV) pyproject.toml uv.lock
	# Bytecode compiled once here: every dbt subprocess would otherwise compile dbt's
	# sources again (PYTHONDONTWRITEBYTECODE may be set), ~3 s per dbt call.
	$(UV) sync --locked --compile-bytecode --python $(PYTHON)
	rm -f .venv/.synced-*
	touch $@

install-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(VENV_STAMP)
	$(UV) sync --locked --inexact --extra spark --compile-bytecode --python $(PYTHON)
	touch $@

manifest: $(MANIFEST)

# The manifest is built here, never committed: Dagster reads it at import time. A full parse:
# dbt's partial parsing can miss a new properties file's descriptions of singular tests.
$(MANIFEST): $(VENV_STAMP) $(DBT_SOURCES)
	cd dbt_project && ../.venv/bin/dbt parse --quiet --no-partial-parse
	touch $@

# ruff (lint rules and formatting, settled in pyproject.toml) over the Python, sqlfluff over
# the dbt project's SQL (jinja templater with a lint-only dbt context: dbt_project/.sqlfluff).
lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/sqlfluff lint dbt_project

# `dg check defs`: the code location loads as `dg dev` and `dg launch` load it ([tool.dg]).
check-defs: install manifest
	.venv/bin/dg check defs

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# The slow reliability tests (kills, a real daemon, a held lock: ~7 min on a loaded 2-core
# machine) run in `make reliability`; their fast ones (bad input, safe defaults) run here.
test: install manifest
	.venv/bin/pytest -m "not e2e and not postgres and not spark and not (reliability and slow)"

test-fast: install
	.venv/bin/pytest -m "not slow and not e2e and not postgres and not spark"

# A live `dagster dev` driven through GraphQL and headless Chromium; screenshots and the
# server's log land in test-output/e2e/.
e2e: install manifest browser
	.venv/bin/pytest -m e2e genai_pipeline_tests/e2e --durations=8

# Debian's Chromium and its driver (the e2e suite drives /usr/bin/chromium).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; \
	fi

# Crashes (SIGKILL mid-run), concurrent runs with a real daemon, a locked warehouse, bad
# input, safe defaults: every fault caused for real.
reliability: install manifest
	.venv/bin/pytest -m "reliability and not postgres and not spark"

# Debian's PostgreSQL server (the tests start a throwaway cluster of it: no service runs).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql && \
		(service postgresql stop || true); \
	fi

# Dagster's state on PostgreSQL: a throwaway server on 127.0.0.1 and a free port, a fresh
# database per test, stopped and removed afterwards (genai_pipeline/instance/local_postgres.py).
test-postgres: install manifest postgres
	.venv/bin/pytest -m postgres --durations=8

# Debian's Java 17 when no Java 17 or 21 is found (Spark 4 runs on those only).
java:
	@if ! for java in $$JAVA_HOME/bin/java /usr/lib/jvm/*/bin/java; do $$java -version 2>&1; done \
		| grep -Eq 'version "(17|21)[."]'; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless; \
	fi

# The same dbt project on a local Spark Thrift Server (started once by the suite, stopped
# after it): 3+ days built through Dagster, every check, and the cross-engine comparison.
test-spark: install-spark manifest java
	.venv/bin/pytest -m spark genai_pipeline_tests/spark --durations=8

# A Spark Thrift Server for DBT_TARGET=spark, on 127.0.0.1:$(SPARK_PORT), its metastore and
# warehouse under data/spark; Ctrl-C stops it.
SPARK_PORT ?= 10000
spark-server: install-spark java
	.venv/bin/genai-pipeline spark-server --port $(SPARK_PORT)

simulate: install manifest
	.venv/bin/genai-pipeline simulate --days $(DAYS)

backfill: install manifest
	.venv/bin/genai-pipeline backfill --all

dev: install manifest
	.venv/bin/genai-pipeline dev --port $(PORT)

# bench spark starts its own local Spark Thrift Server: the `spark` extra and Java 17 first.
bench: install manifest postgres install-spark java
	.venv/bin/genai-pipeline bench

clean:
	rm -rf .venv .tools dbt_project/target dbt_project/logs .pytest_cache
