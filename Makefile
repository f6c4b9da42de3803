# Tenderdesk: `make start` serves the API on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := start
export PUPPETEER_SKIP_DOWNLOAD := true
export NODE_OPTIONS_JEST := --experimental-vm-modules

# V8 flags of the processes that build tender packages (the API runs jobs on the embedded default): the old
# generation grows 20% over what a collection left instead of V8's default (up to 4x), and the young generation
# stays small, so a package's garbage (its DOCX alone makes ~150 MiB) is collected instead of kept; measured in
# docs/benchmarks.md, "Tender package". Command-line only: Node refuses --heap-growing-percent in NODE_OPTIONS.
NODE_MEMORY_FLAGS := --heap-growing-percent=20 --max-semi-space-size=4

SOURCES := $(shell find src -name '*.ts' -not -name '*.spec.ts' 2>/dev/null) tsconfig.json tsconfig.build.json

.PHONY: start worker test install system-deps build lint typecheck schema-check migrate test-only clean

## start: install what is missing, build, migrate and serve on PORT (default 3000)
start: install build
	node $(NODE_MEMORY_FLAGS) dist/main.js

## worker: consume jobs (needs DATABASE_URL: a PostgreSQL shared with the API)
worker: install build
	node $(NODE_MEMORY_FLAGS) dist/worker.js

## test: install what is missing, then typecheck, lint, schema check and the whole Jest suite
test: install build
	bash scripts/ensure-postgres.sh
	npm run --silent typecheck
	npm run --silent lint
	node dist/database/schema-check.js
	bash scripts/jest.sh

## test-only: the Jest suite alone (after `make install build`)
test-only:
	bash scripts/jest.sh $(ARGS)

install: system-deps node_modules/.installed

# Chromium (renders and /health), PDF/DOCX checkers used by the tests, the compose validator.
system-deps:
	@bash scripts/system-deps.sh

# `npm ci` refuses this lock file under npm 11.19 (it wants jest's optional @unrs/resolver-binding-* for
# every platform in the lock, which npm itself does not write); `npm install` follows the lock all the same.
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

build: dist/.built

dist/.built: $(SOURCES) node_modules/.installed
	rm -rf dist
	npm run --silent build
	@touch $@

typecheck: install
	npm run --silent typecheck

lint: install
	npm run --silent lint

## schema-check: fails when the entities and the migrations disagree (CI runs it)
schema-check: build
	node dist/database/schema-check.js

## migration NAME=AddThing: generate a migration from the entity changes
migration: build
	node dist/database/schema-check.js --generate $(NAME)

migrate: build
	node dist/database/migrate.js

## audit-verify: recompute the audit log's hash chain; prints OK and the head, or the first broken entry (exit 1)
.PHONY: audit-verify
audit-verify: build
	node dist/modules/audit/audit-verify.js

clean:
	rm -rf dist node_modules/.installed
