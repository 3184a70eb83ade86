# socialekaart: two commands do all set-up on a fresh machine.
#   make run   install, start the embedded store, load the demo region when empty, serve
#   make test  install with test extras (and Debian's chromium when root), run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export HOST PORT

.PHONY: run test install install-test browser db-status db-stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project description changed: a second `make run` starts in seconds.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
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

test: install-test browser
	$(BIN)/python -m pytest

db-status: install
	$(BIN)/socialekaart db status

db-stop: install
	$(BIN)/socialekaart db stop

clean:
	-$(BIN)/socialekaart db stop
	rm -rf $(VENV) var .pytest_cache
