# careersbot: the two commands a newcomer needs are `make run` and `make test`.
GO        ?= go
SHARED    ?= ../shared
DATA_DIR  ?= ./var
BIN       := bin/careersbot

.PHONY: run build test test-short data nlu bench fuzz eval vet clean

build:
	$(GO) build -o $(BIN) ./cmd/careersbot

# Starts the service on the embedded defaults (embedded LMI snapshot, SQLite in $(DATA_DIR)).
run: build
	$(BIN) serve --data-dir $(DATA_DIR)

test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-short:
	$(GO) test -short ./...

# Retrains the committed classifiers from dialog/nlu/data/*.yaml (a test checks they are up to date).
nlu:
	$(GO) run ./cmd/careersbot nlu train --out dialog/nlu/data

# Regenerates the committed LMI snapshot from the public source files.
data:
	$(GO) run ./cmd/careersbot data build --from $(SHARED)/data

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

eval: build
	python3 $(SHARED)/eval/score.py occupations $(BIN) $(SHARED)/eval/occupations.dev.tsv
	python3 $(SHARED)/eval/score.py dialog $(BIN) $(SHARED)/eval/dev.jsonl

vet:
	$(GO) vet ./...

clean:
	rm -rf bin
