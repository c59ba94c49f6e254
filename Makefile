# caseflow's front door: make run, make test, make lint, make bench.
SHELL := /bin/bash
export PATH := $(CURDIR)/bin:/usr/local/go/bin:$(PATH)
BIN := $(CURDIR)/bin

# Tool versions are pinned: the module proxy here refuses some version lists.
TEMPORAL_CLI  := github.com/temporalio/cli/cmd/temporal@v1.5.1
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.7.0
WORKFLOWCHECK := go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0

.PHONY: all build run test lint bench clean

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
run: build
	$(BIN)/caseflow run

test: lint $(BIN)/temporal
	TEMPORAL_BIN=$(BIN)/temporal go test -count=1 -timeout 20m ./...

lint: $(BIN)/staticcheck $(BIN)/workflowcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/workflowcheck ./...

bench: $(BIN)/temporal
	TEMPORAL_BIN=$(BIN)/temporal go test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf $(BIN) .data

FORCE:
