# Two commands on a fresh machine:  make run  (build the warehouse, then run the whole system)
#                                   make test (install what the tests need and run them all)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
DATA ?= data
export SSSG_DATA_DIR ?= $(abspath $(DATA))
export SSSG_LANDING_DIR ?= $(SSSG_DATA_DIR)/landing
export SSSG_WAREHOUSE_PATH ?= $(SSSG_DATA_DIR)/warehouse.duckdb
export SSSG_SERVING_PATH ?= $(SSSG_DATA_DIR)/serving/warehouse.duckdb
export DAGSTER_HOME ?= $(SSSG_DATA_DIR)/dagster_home
# Spark target state (metastore, warehouse, scratch) for dbt --target spark; removable. docs/scaling.md
export SSSG_SPARK_DIR ?= $(SSSG_DATA_DIR)/spark
# Simulated Fushun platform, used only when the landing folder is empty.
SIM_YEARS ?= 2020-2025
SIM_SEED ?= 7
SIM_SCALE ?= 1
HOST ?= 127.0.0.1
PORT ?= 8501
DAGSTER_PORT ?= 3000
# what deploy/supervisord.conf reads (make run)
export SSSG_BIN := $(abspath $(BIN))
export SSSG_HOST := $(HOST)
export SSSG_PORT := $(PORT)
export SSSG_DAGSTER_PORT := $(DAGSTER_PORT)
SUPERVISOR := $(BIN)/supervisorctl -c deploy/supervisord.conf

.PHONY: help setup setup-spark system-packages spark-engine dagster-home run initial-build stop status pipeline simulate dbt-manifest serve dagster test docs clean reports check bench bench-pages spark-parity

help:
	@echo "make run    build the warehouse from \$$SSSG_LANDING_DIR (simulated Fushun data when empty), then run the"
	@echo "           system: Dagster daemon (landing sensor, report schedules), Dagster UI :$(DAGSTER_PORT), dashboard :$(PORT)"
	@echo "make stop   stop what make run started (from another shell; Ctrl-C in its own does the same)"
	@echo "make status the state of the three processes of make run"
	@echo "make backup / make restore BACKUP=...  back up, or restore, the warehouse and the Dagster instance"
	@echo "make test   install test dependencies and run the whole test suite"
	@echo "make check  warehouse health (exit status 1 when unhealthy); see docs/operations.md"
	@echo "make dagster  open the Dagster UI (assets, lineage, sensor, checks) on 127.0.0.1:3000"
	@echo "make bench  time every stage at simulator scales \$$SCALES (default 1,14) -> docs/benchmarks.md"
	@echo "make bench-pages  every dashboard page in Chromium vs a one-line Streamlit page (serving file of \$$SSSG_DATA_DIR) -> docs/benchmarks.md"
	@echo "make spark-parity  build on DuckDB and on Spark at simulator scale \$$SPARK_SCALE (default 0.05) and compare"

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# The Spark target's extra packages (dbt-spark[session], pyspark with its Connect client; about 700 MB): tests,
# spark-parity and SSSG_ENGINE=spark.
$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements-spark.lock
	touch $(SPARK_STAMP)

setup-spark: $(SPARK_STAMP)

dbt-manifest: setup
	cd $(CURDIR) && PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster-dbt project prepare-and-package --file pipelines/dbt_project.py >/dev/null

simulate: setup
	@if [ -z "$$(find $(SSSG_LANDING_DIR) -mindepth 1 -not -name '.*' -print -quit 2>/dev/null)" ]; then \
	  echo "landing folder $(SSSG_LANDING_DIR) is empty: simulating the Fushun platform ($(SIM_YEARS), seed $(SIM_SEED), scale $(SIM_SCALE))"; \
	  $(BIN)/python -m pipelines.simulate --years $(SIM_YEARS) --seed $(SIM_SEED) --scale $(SIM_SCALE) --out $(SSSG_LANDING_DIR); \
	else echo "using the exports already in $(SSSG_LANDING_DIR)"; fi

# SSSG_ENGINE=spark builds the models on Spark (docs/scaling.md): its packages and Java are set up too.
ENGINE_SETUP := $(if $(filter spark,$(SSSG_ENGINE)),spark-engine,)
spark-engine: setup-spark
	bash scripts/ensure-debian-packages.sh deploy/debian-packages-spark.txt

pipeline: simulate dbt-manifest dagster-home $(ENGINE_SETUP)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster job execute -j refresh_warehouse -m pipelines.definitions

# The dashboard alone, for development (make run starts it with the rest of the system).
serve: setup
	@echo "dashboard: http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	$(BIN)/sssg-dashboard --address $(HOST) --port $(PORT)

# What the running system needs from Debian (Chromium for the report charts, CJK fonts, Pango).
system-packages:
	bash scripts/ensure-debian-packages.sh deploy/debian-packages.txt

# The Dagster instance: the committed template (run queue, one warehouse writer at a time).
dagster-home:
	mkdir -p $(DAGSTER_HOME)
	cmp -s deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml || cp deploy/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

# The operated system, supervised as one unit (deploy/supervisord.conf): the Dagster daemon (landing
# sensor, report schedules, run queue), the Dagster UI and the dashboard. On an empty warehouse the
# first build and the latest reports come first. Logs: $(SSSG_DATA_DIR)/logs.
run: system-packages setup dbt-manifest dagster-home $(ENGINE_SETUP)
	@test -e $(SSSG_SERVING_PATH) || $(MAKE) --no-print-directory initial-build
	mkdir -p $(SSSG_DATA_DIR)/logs $(SSSG_DATA_DIR)/run
	@echo "dashboard: http://$(HOST):$(PORT)   Dagster UI: http://$(HOST):$(DAGSTER_PORT)   logs: $(SSSG_DATA_DIR)/logs"
	@echo "new exports copied into $(SSSG_LANDING_DIR) are loaded by themselves; Ctrl-C or make stop stops everything"
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/supervisord -c deploy/supervisord.conf

# The first build (simulated exports when the landing folder is empty) and the latest reports. The
# landing sensor sees these files as loaded (pipelines/landing_state.py) and does not load them again.
initial-build: pipeline reports

stop:
	@if [ -S $(SSSG_DATA_DIR)/run/supervisor.sock ]; then $(SUPERVISOR) shutdown; else echo "make run is not running (no $(SSSG_DATA_DIR)/run/supervisor.sock)"; fi

status:
	@$(SUPERVISOR) status || true

# Warehouse health: last run, what the dashboard serves, freshness, waiting files, reconciliation, rejects.
check: setup
	$(BIN)/python -m pipelines.check

# Backups (docs/operations.md, "Backups and restore"): the warehouse as Parquet (EXPORT DATABASE) and the
# Dagster instance into $SSSG_BACKUP_DIR (default data/backups), the newest $SSSG_BACKUP_KEEP (7) kept.
# make restore BACKUP=<backup folder> brings the warehouse back (RESTORE_DAGSTER=1: the Dagster instance too,
# with make run stopped); the replaced warehouse stays as warehouse.duckdb.before-restore-<time>.
.PHONY: backup restore
backup: setup
	$(BIN)/python -m pipelines.backup create

restore: setup
	@if [ -z "$(BACKUP)" ]; then echo "make restore needs BACKUP=<backup folder>, one of:"; \
	  $(BIN)/python -m pipelines.backup list; exit 2; fi
	$(BIN)/python -m pipelines.backup restore "$(BACKUP)" $(if $(RESTORE_DAGSTER),--dagster)

# The latest monthly (last complete month) and annual (last complete year) reports from the serving artefact.
reports: setup system-packages
	$(BIN)/python -m pipelines.reports --kind monthly --period latest
	$(BIN)/python -m pipelines.reports --kind annual --period latest

# Benchmark: each stage timed at each simulator scale in its own work folder under /tmp (data/ is
# untouched); prints the table and writes docs/benchmarks.md. make bench SCALES=1,3,7,14 for the scaling run.
SCALES ?= 1,14
BENCH_REPEAT ?= 20
bench: dbt-manifest
	$(BIN)/python -m pipelines.bench --scales $(SCALES) --years $(SIM_YEARS) --seed $(SIM_SEED) --repeat $(BENCH_REPEAT)

# Page speed: every dashboard page in headless Chromium against a one-line Streamlit page, in the same
# run, on the serving file of $(SSSG_DATA_DIR) (built first when there is none). For scale 14:
# SSSG_DATA_DIR=/tmp/s14 SIM_SCALE=14 make bench-pages.
PAGE_REPEAT ?= 5
bench-pages: setup system-packages
	test -e $(SSSG_SERVING_PATH) || $(MAKE) pipeline
	$(BIN)/python -m pipelines.bench.pages --repeat $(PAGE_REPEAT) --out docs/benchmarks.md

# The dbt project on DuckDB and on Spark from the same raw data, every table compared (docs/scaling.md).
# make spark-parity SPARK_SCALE=1 (or 14); SPARK_ARGS="--keep" keeps the work folder.
SPARK_SCALE ?= 0.05
spark-parity: spark-engine
	$(BIN)/python -m pipelines.spark parity --scale $(SPARK_SCALE) --years $(SIM_YEARS) --seed $(SIM_SEED) $(SPARK_ARGS)

dagster: dbt-manifest dagster-home
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# The sign-in tests' OpenID Connect provider (tests/oidc: panva/oidc-provider from npm; Node.js 18+).
OIDC_STAMP := tests/oidc/node_modules/.installed
$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 18 or newer) is needed for the sign-in tests"; exit 1; }
	cd tests/oidc && npm ci --silent --no-audit --no-fund
	touch $@

test: dbt-manifest setup-spark $(OIDC_STAMP)
	bash scripts/ensure-debian-packages.sh deploy/debian-packages.txt deploy/debian-packages-spark.txt tests/debian-packages.txt
	PATH=$(CURDIR)/$(BIN):$$PATH scripts/run-pytest.sh $(BIN)/python

docs: setup
	$(BIN)/python -m pipelines.contract.docs
	$(BIN)/python -m pipelines.contract.dbt_sources
	$(BIN)/python -m pipelines.calendar_seed

clean:
	rm -rf $(DATA) dbt_project/target dbt_project/logs
