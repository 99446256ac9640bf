# The one place the project's commands live; CI calls these targets.
GO       ?= go
BIN      := bin/score
DEMO_DIR ?= build/demo
PKGS     := ./...

.PHONY: all build test test-short bench demo lint proto clean tools

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/score

# tools: the independent Parquet reader (DuckDB from npm) the end-to-end
# tests read our output back with.
tools: tools/duckdb/node_modules/.installed

tools/duckdb/node_modules/.installed: tools/duckdb/package.json
	cd tools/duckdb && npm install --no-audit --no-fund --loglevel=error
	touch $@

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

test: tools lint build
	$(GO) test -race -timeout 30m $(PKGS)

test-short: build
	$(GO) test -short $(PKGS)

# bench: the figures in the README. Each benchmark reports its own rates
# (docs/s, GFLOP/s, the OpenBLAS roof measured in the same run, engine wait,
# peak RSS); BENCH narrows it, e.g. make bench BENCH=MetaModel.
BENCH ?= .
bench: build tools
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime 1x -timeout 60m ./internal/blasref/ ./engine/native/ ./engine/native/numeric/ ./pipeline/ ./reader/ ./writer/
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime 20000x -timeout 20m ./tokenize/

demo: build
	rm -rf $(DEMO_DIR)
	$(BIN) demo $(DEMO_DIR)
	$(BIN) --model $(DEMO_DIR)/model --in $(DEMO_DIR)/corpus --out $(DEMO_DIR)/scores.parquet --report $(DEMO_DIR)/report.json
	$(BIN) head $(DEMO_DIR)/scores.parquet

proto:
	protoc -I savedmodel/tfpb/proto -I /usr/include --go_out=savedmodel/tfpb --go_opt=paths=source_relative savedmodel/tfpb/proto/tensorflow.proto

clean:
	rm -rf bin build
