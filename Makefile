GO ?= go

.PHONY: run build test bench generate lint

## run: serve on :8080 (PORT overrides); without DATABASE_URL a private PostgreSQL runs in .data/
run: build
	./bin/lendgraph

build:
	$(GO) build -o bin/lendgraph .

## test: the whole suite with the race detector, in a shuffled order (the seed is printed), on a
## throwaway PostgreSQL cluster (installed if missing)
test:
	$(GO) run ./cmd/withpg -- $(GO) test -race -shuffle=on -count=1 ./...

## bench: the benchmarks, on a throwaway PostgreSQL cluster, ending with a table of their figures
bench:
	$(GO) run ./cmd/withpg -- $(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./... 2>&1 | $(GO) run ./cmd/benchtable

## generate: regenerate graph/ from schema/ with gqlgen
generate:
	$(GO) tool gqlgen generate

## lint: gofmt and go vet must be clean
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
