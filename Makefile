# socialekaart: two commands do all set-up on a fresh machine.
#   make run   install, start the embedded store, load the demo region when empty, print the demo
#              accounts (made when missing), serve
#   make test  install with test extras (and Debian's chromium when root), run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export HOST PORT

.PHONY: run test lint install install-test browser axe pdf-libs db-status db-stop clean constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every install takes the versions pinned in constraints.txt (pyproject.toml has the ranges, with an
# upper bound on each major). `make constraints` writes it anew from a fresh install of the newest
# versions in range; commit it after `make test` passes.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt

# Reinstall only when the project description changed: a second `make run` starts in seconds.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install pdf-libs
	$(BIN)/socialekaart demo load --if-empty
	$(BIN)/socialekaart accounts demo --if-missing
	$(BIN)/socialekaart serve --init --demo-if-empty --host $(HOST) --port $(PORT)

# Browser tests drive Debian's chromium through Playwright; never a downloaded browser build.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "chromium installeren (Debian-pakket) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium ontbreekt en we zijn geen root: browsertests worden overgeslagen."; \
	  fi; \
	fi

# The PDF report (WeasyPrint, web/reports/pdf.py) needs Debian's pango and a font; installed like chromium.
pdf-libs:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list | grep -qi dejavu; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "pango installeren (Debian-pakketten, voor het PDF-verslag) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
	      fonts-dejavu-core >/dev/null; \
	  else \
	    echo "pango ontbreekt en we zijn geen root: het PDF-verslag werkt niet (de rest wel)."; \
	  fi; \
	fi

# axe-core for the accessibility checks in the browser tests, at the version pinned in its lock file.
AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	cd tests/e2e/axe && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

axe: $(AXE)

# The guard rails: lint and import order, types of the domain and storage (the ports), the layers,
# and the NL GOV API Design Rules on the OpenAPI description (make adr).
lint: install-test adr
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# NL GOV API Design Rules: Logius' Spectral ruleset (tests/adr/, CC BY 4.0) on our OpenAPI, with the
# Spectral pinned in tools/spectral/package-lock.json (npm ci). Any error or warning fails.
SPECTRAL := tools/spectral/node_modules/.bin/spectral
.PHONY: adr

$(SPECTRAL): tools/spectral/package.json tools/spectral/package-lock.json
	cd tools/spectral && npm ci --no-audit --no-fund --loglevel=error
	touch $@

adr: install-test $(SPECTRAL)
	@mkdir -p var
	$(BIN)/python tools/spectral/dump_openapi.py var/openapi.json
	$(SPECTRAL) lint --ruleset tests/adr/linter.yaml --fail-severity=warn --format=stylish var/openapi.json

test: lint browser axe pdf-libs postgis
	$(BIN)/python -m pytest

db-status: install
	$(BIN)/socialekaart db status

db-stop: install
	$(BIN)/socialekaart db stop

clean:
	-$(BIN)/socialekaart db stop
	rm -rf $(VENV) var .pytest_cache

constraints:
	rm -rf var/constraints-venv
	$(PYTHON) -m venv var/constraints-venv
	var/constraints-venv/bin/python -m pip install --quiet --upgrade pip
	var/constraints-venv/bin/python -m pip install --quiet -e '.[test,bench,load]'
	var/constraints-venv/bin/python -m pip freeze --exclude-editable | grep -v '^socialekaart' > constraints.txt
	rm -rf var/constraints-venv

# The scale benchmark (issue 7): BENCH_SCALE=1.0 is 100,000 services and 1,000,000 referrals, with
# growth points at N/10 and N×3. Its own data dir (var/bench), so the app's store is never touched.
# Results: bench/results/<date>-<backend>.json and a Markdown table; see docs/performance.md.
BENCH_SCALE ?= 1.0
BENCH_DATA  ?= var/bench
.PHONY: bench install-bench

$(VENV)/.installed-bench: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[bench]'
	touch $@

install-bench: $(VENV)/.installed-bench

# The PostgreSQL 15 + PostGIS 3 reference of the search shapes (issue 19, bench/reference/): Debian's
# packages, installed once when root; otherwise a clear message and the benchmark records it as skipped.
# The benchmark runs its own private cluster (initdb under the bench data dir); no system cluster is used.
PG_PACKAGES := postgresql-15 postgresql-15-postgis-3
.PHONY: postgis

postgis:
	@if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "PostgreSQL 15 + PostGIS 3 installeren (Debian-pakketten) ..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PG_PACKAGES) >/dev/null; \
	  else \
	    echo "PostgreSQL 15 + PostGIS 3 ontbreken en we zijn geen root: de PostGIS-referentie wordt overgeslagen."; \
	  fi; \
	fi

# Both stores, one after the other on the same data: the embedded FalkorDB (or SOCIALEKAART_GRAPH_URL),
# then a Neo4j 5.26 the benchmark starts itself under $(BENCH_DATA)-neo4j. BENCH_STORES=url: only the first.
BENCH_STORES ?= url neo4j
bench: install-bench postgis
	$(BIN)/python -m bench demo-gaps
	for store in $(BENCH_STORES); do \
	  $(BIN)/python -m bench run --scale $(BENCH_SCALE) --store $$store \
	    --data-dir $(BENCH_DATA)$$([ $$store = neo4j ] && echo -neo4j) || exit 1; \
	done

# One national import (100,000 new services) in one go on a Neo4j with the heap of `make neo4j`:
# stays within its transaction memory (issue 13 §3; docs/operations.md §3). A few minutes.
NATIONAL_BACKEND ?= neo4j
.PHONY: bench-national
bench-national: install-bench
	$(BIN)/python -m bench.national_import --backend $(NATIONAL_BACKEND) --services 100000 \
	  --json bench/results/national-import-$(NATIONAL_BACKEND).json

# Hardening (issue 8). `make test` runs tests/hardening with a bounded fuzz (5 examples per operation,
# fixed seed); `make fuzz` runs the property-based API tests long (FUZZ_EXAMPLES per operation, random
# seed, plus Schemathesis' coverage phase); `make load` runs the bounded load test on 127.0.0.1
# (LOAD_USERS clients for LOAD_SECONDS, zero errors, flat memory); `make bench-fsync` measures what
# `appendfsync always` costs (also part of `make bench`). See docs/operations.md.
FUZZ_EXAMPLES ?= 100
LOAD_USERS    ?= 8
LOAD_SECONDS  ?= 60
.PHONY: fuzz load install-load bench-fsync

# Every Schemathesis check (also "positive data rejected", Allow on 405, missing headers), every
# operation, a token for each role; FUZZ_BACKENDS picks the store(s) (a -k expression).
FUZZ_BACKENDS ?= falkordb
FUZZ_MIN_CASES ?= 10000
fuzz: install-test
	SOCIALEKAART_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SOCIALEKAART_FUZZ_RANDOM=1 SOCIALEKAART_FUZZ_ALL_CHECKS=1 \
	SOCIALEKAART_FUZZ_MIN_CASES=$(FUZZ_MIN_CASES) \
	SOCIALEKAART_FUZZ_PHASES=examples,coverage,fuzzing \
	$(BIN)/python -m pytest tests/hardening/test_fuzz_api.py -k "$(FUZZ_BACKENDS)" -o timeout=3600 -q -rf

$(VENV)/.installed-load: pyproject.toml constraints.txt $(VENV)/.installed
	$(PIP_INSTALL) -e '.[load]'
	touch $@

install-load: $(VENV)/.installed-load

load: install-load
	$(BIN)/python tests/load/run_load.py --users $(LOAD_USERS) --run-time $(LOAD_SECONDS)

bench-fsync: install
	$(BIN)/python -m bench.fsync --json bench/results/fsync-$$(date +%Y-%m-%d).json

bench: bench-fsync

# Search quality (issue 14): the evaluation set tests/search/eval_queries.csv on the demo region, through
# the API. Prints recall@5 per theme, the crisis-first rate, false alarms and empty answers, and fails
# when a target is missed (recall@5 >= 95 %, crisis-first 100 %, no false alarms, no empty answers).
.PHONY: eval
eval: install-test
	$(BIN)/python -m pytest tests/search/test_eval.py -q -s -p no:cacheprovider

# A local Neo4j Community 5.26 (the production store) under var/neo4j: jars from Maven Central into
# var/neo4j-dist (once), its own JVM, a generated password. Prints the SOCIALEKAART_GRAPH_URL to use.
NEO4J_DATA ?= var/neo4j
NEO4J_HEAP ?= 1g
NEO4J_PAGECACHE ?= 256m
.PHONY: neo4j neo4j-stop neo4j-status

neo4j: install
	$(BIN)/python -m graph.backends.neo4j_server start --data-dir $(NEO4J_DATA) --heap $(NEO4J_HEAP) \
	  --pagecache $(NEO4J_PAGECACHE)

neo4j-stop: install
	$(BIN)/python -m graph.backends.neo4j_server stop --data-dir $(NEO4J_DATA)

neo4j-status: install
	$(BIN)/python -m graph.backends.neo4j_server status --data-dir $(NEO4J_DATA)
