# caseflow's front door: make run, make test, make lint, make bench.
SHELL := /bin/bash
export PATH := $(CURDIR)/bin:/usr/local/go/bin:$(PATH)
BIN := $(CURDIR)/bin

# Tool versions are pinned: the module proxy here refuses some version lists.
TEMPORAL_CLI  := github.com/temporalio/cli/cmd/temporal@v1.5.1
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.7.0
WORKFLOWCHECK := go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0

# Front-end files vendored from npm: htmx served by the web UI, axe-core run
# by its browser tests. `make vendor-js` fetches them again at these versions.
HTMX_VERSION := 2.0.11
AXE_VERSION  := 4.14.1

.PHONY: all build run postgres test lint bench histories clean screenshots vendor-js

all: build

build: $(BIN)/caseflow $(BIN)/temporal

$(BIN)/caseflow: FORCE
	go build -o $@ ./cmd/caseflow

# The Temporal dev server and Web UI, built from Go modules (a few minutes, once).
$(BIN)/temporal:
	GOBIN=$(BIN) go install $(TEMPORAL_CLI)

$(BIN)/staticcheck:
	GOBIN=$(BIN) go install $(STATICCHECK)

$(BIN)/workflowcheck:
	GOBIN=$(BIN) go install $(WORKFLOWCHECK)

# The whole system on one machine: dev server with Web UI (:8233), worker,
# API (:8080), on the local Postgres. Ctrl-C stops it all.
run: build postgres
	$(BIN)/caseflow run

# A local PostgreSQL at 127.0.0.1:5432, started (or installed) if none answers.
postgres:
	@deploy/local-postgres.sh

test: lint $(BIN)/temporal postgres
	TEMPORAL_BIN=$(BIN)/temporal go test -count=1 -timeout 20m ./...

lint: $(BIN)/staticcheck $(BIN)/workflowcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/workflowcheck ./...

# The web UI's browser tests, writing their screenshots for the README.
screenshots: $(BIN)/temporal
	CASEFLOW_SCREENSHOTS=docs/screenshots TEMPORAL_BIN=$(BIN)/temporal go test -count=1 -run TestWebUI ./e2e

vendor-js:
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; cd "$$tmp"; \
	npm pack --silent htmx.org@$(HTMX_VERSION) axe-core@$(AXE_VERSION) >/dev/null; \
	mkdir htmx axe; tar xzf htmx.org-$(HTMX_VERSION).tgz -C htmx; tar xzf axe-core-$(AXE_VERSION).tgz -C axe; \
	cp htmx/package/dist/htmx.min.js $(CURDIR)/api/ui/static/htmx.min.js; \
	cp htmx/package/LICENSE $(CURDIR)/api/ui/static/htmx.LICENSE.txt; \
	cp axe/package/axe.min.js axe/package/LICENSE $(CURDIR)/e2e/testdata/axe-core/
	sha256sum api/ui/static/htmx.min.js e2e/testdata/axe-core/axe.min.js

bench: $(BIN)/temporal
	TEMPORAL_BIN=$(BIN)/temporal go test -run '^$$' -bench . -benchmem ./...

# Record real case histories for the replay test (workflows/testdata/histories).
histories: $(BIN)/temporal
	CASEFLOW_RECORD_HISTORIES=$(CURDIR)/workflows/testdata/histories TEMPORAL_BIN=$(BIN)/temporal \
		go test -count=1 -run TestRecordHistories -v ./e2e

clean:
	rm -rf $(BIN) .data

FORCE:
