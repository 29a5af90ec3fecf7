# 数字政协履职平台 — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhengxie
export DJANGO_SETTINGS_MODULE := zhengxie.settings

.PHONY: run test setup assets migrate demo bench bench-deps lint system-deps test-sqlite test-postgres clean

run: setup migrate
	@$(PY) -m zhengxie.cli demo --if-empty
	@$(PY) -m zhengxie.cli accounts
	$(PY) -m zhengxie.cli serve

setup: .venv/.installed zhengxie/static/vendor/.built

.venv/.installed: requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

zhengxie/static/vendor/.built: node_modules/.installed scripts/build_assets.py
	python3 scripts/build_assets.py
	touch $@

assets: zhengxie/static/vendor/.built

migrate: setup
	@mkdir -p var
	$(PY) -m zhengxie.cli migrate --noinput -v 0

demo: migrate
	$(PY) -m zhengxie.cli demo

# What a fresh Debian machine lacks for browser tests and exports.
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v pdftoppm >/dev/null \
		|| ! ldconfig -p | grep -q libharfbuzz-subset; then \
		echo "installing chromium, CJK fonts, pango, harfbuzz-subset, poppler"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils >/dev/null; \
	fi

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

test: setup system-deps lint test-sqlite test-postgres

test-sqlite:
	env -u DATABASE_URL $(PY) -m pytest -q

# Runs again on PostgreSQL when DATABASE_URL names one or a server answers on 127.0.0.1:5432.
test-postgres:
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -n "$$url" ]; then echo "== PostgreSQL: $$url"; DATABASE_URL="$$url" $(PY) -m pytest -q; \
	else echo "== no PostgreSQL server: skipped the PostgreSQL run"; fi

# The benchmark also needs wrk (the public pages' throughput).
bench-deps:
	@command -v wrk >/dev/null || { echo "installing wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

bench: setup bench-deps
	$(PY) -m bench.run

clean:
	rm -rf .venv node_modules var zhengxie/static/vendor
