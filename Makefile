# fifo-pubsub: publish/subscribe between languages over a named pipe.
# `make help` lists the targets; each has a `## ` line below, which is what
# it prints.

SHELL := /bin/bash
.DEFAULT_GOAL := all

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
# make test turns warnings into errors; a plain make on a newer compiler with
# new warnings still builds.
WERROR ?=
ALL_CFLAGS := $(WARNINGS) $(WERROR) -D_POSIX_C_SOURCE=200809L $(CFLAGS)

# Go: no network needed (standard library only); no VCS stamping, which fails
# in some CI checkouts.
export GOFLAGS := -buildvcs=false
export GOPROXY := off
ifeq ($(HOME),)
export GOCACHE := $(CURDIR)/build/go-cache
endif

# Where the C objects and programs go: build/c and bin/ normally; the
# sanitizer build (make test-asan) puts its own under build/asan.
CBUILD ?= build/c
CBIN ?= bin

C_LIB_SRC := $(wildcard c/lib/*.c)
C_LIB_OBJ := $(patsubst c/%.c,$(CBUILD)/%.o,$(C_LIB_SRC))
C_TESTS := $(patsubst c/tests/%.c,$(CBUILD)/tests/%,$(wildcard c/tests/test_*.c))
GO_SRC := $(shell find go -name '*.go') go/go.mod
PROGRAMS := bin/c-publisher bin/c-subscriber bin/go-publisher bin/go-subscriber \
            bin/python-publisher bin/python-subscriber

.PHONY: all help deps deps-run demo bugs warehouse bridge test test-c test-go test-python test-matrix lint test-asan test-valgrind fuzz soak bench clean

## all: build every program into bin/ (what `make` alone does)
all: $(PROGRAMS)

## help: list the targets
help:
	@echo "Targets (settings such as PUB=go SUB=python go after the target):"
	@awk '/^## [a-z-]+: / { name = $$2; sub(/:$$/, "", name); text = $$0; \
	  sub(/^## [a-z-]+: /, "", text); printf "  make %-12s %s\n", name, text }' $(MAKEFILE_LIST)

## deps: install what building, running and testing need (apt-get), or say what
deps:
	@tools/deps test

## deps-run: install only what building and running need (make demo uses it)
deps-run:
	@tools/deps run

# Rebuild the C objects when the flags change (make vs make test).
$(CBUILD)/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS)' > $@
.PHONY: FORCE

$(CBUILD)/%.o: c/%.c $(wildcard c/lib/*.h) $(CBUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CBUILD)/libpubsub.a: $(C_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(CBIN)/c-%: $(CBUILD)/%.o $(CBUILD)/libpubsub.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@

# Each Go program is a main package of its own: go run ./cmd/publisher.
bin/go-%: $(GO_SRC)
	@mkdir -p $(@D)
	cd go && go build -o ../bin/go-$* ./cmd/$*

# bin/python-* run the user's python3 on python/PROGRAM.py, and nothing else.
bin/python-%: python/%.py $(wildcard python/fifo_pubsub/*.py)
	@mkdir -p $(@D)
	printf '#!/bin/sh\n# Runs python/%s.py (see python/README.md).\nexec python3 "$$(dirname -- "$$0")/../python/%s.py" "$$@"\n' $* $* >$@
	chmod +x $@

# The unit tests link the library with read() and write() wrapped, so that
# the I/O loops can be fed EINTR, short writes and EPIPE on demand.
TEST_SUPPORT := c/tests/vectors.c c/tests/mock_io.c c/tests/capture.c c/tests/scratch.c
$(CBUILD)/tests/%: c/tests/%.c $(TEST_SUPPORT) $(wildcard c/tests/*.h) $(CBUILD)/libpubsub.a $(CBUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ic $< $(TEST_SUPPORT) $(CBUILD)/libpubsub.a -lcmocka -pthread \
	  -Wl,--wrap=read,--wrap=write -o $@

## demo: the tutorial's two panes in tmux (PUB=go SUB=python); scripted without a terminal
demo: deps-run all
	@tools/demo

# Every suite runs even when an earlier one fails; tools/run-suite records
# each one's counts and the last line is the total.
## test: every test: C (cmocka), Go, Python, the interop matrix; ends "N passed, N failed, N skipped"
test: deps
	@rm -rf build/results && mkdir -p build
	@$(MAKE) --no-print-directory all WERROR=-Werror
	@status=0; \
	for suite in lint test-c test-go test-python test-matrix; do \
	  $(MAKE) --no-print-directory $$suite WERROR=-Werror || status=1; \
	done; \
	tools/summarize build/results; exit $$status

## test-c: the C unit tests (cmocka)
test-c: $(C_TESTS)
	@status=0; for t in $(C_TESTS); do tools/run-suite cmocka "c/$${t##*/}" $$t || status=1; done; exit $$status

## test-go: the Go tests (go test; gofmt and go vet are in make lint)
test-go: bin/go-publisher bin/go-subscriber
	@tools/run-suite gotest "go/test" bash -c 'cd go && go test -v -count=1 ./...'

## test-python: the Python unit tests (unittest)
test-python: bin/python-publisher bin/python-subscriber
	@tools/run-suite unittest "python/unittest" bash -c 'cd python && python3 -m unittest -v'

## lint: cppcheck, clang-tidy, gofmt, go vet, shellcheck, pyflakes; every warning fails
lint:
	@status=0; for check in cppcheck clang-tidy gofmt go-vet shellcheck pyflakes; do \
	  tools/run-suite check "lint/$$check" tools/lint $$check || status=1; done; exit $$status

# The C code built again with AddressSanitizer and UndefinedBehaviorSanitizer,
# in build/asan; any report ends the program with an error, which fails the
# test it ran in. The unit tests also look for leaks; the matrix does not,
# since LeakSanitizer cannot run under strace (tests/writes.bats), and
# make test-valgrind looks for leaks in the programs instead.
SANITIZE := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
export ASAN_OPTIONS := detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS := halt_on_error=1:print_stacktrace=1
## test-asan: the C unit tests and the C programs' matrix, built with ASan and UBSan
test-asan: deps
	@rm -f build/results; mkdir -p build
	@status=0; \
	$(MAKE) --no-print-directory CBUILD=build/asan CBIN=build/asan/bin CFLAGS='$(SANITIZE)' \
	  WERROR=-Werror build/asan/bin/c-publisher build/asan/bin/c-subscriber test-c || \
	  { status=1; grep -q '^c/' build/results 2>/dev/null || echo "asan/build 0 1 0" >> build/results; }; \
	export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1; \
	BIN_DIR=build/asan/bin tools/run-suite bats "asan/matrix-c-publisher" tests/run c || status=1; \
	BIN_DIR=build/asan/bin tools/run-suite bats "asan/matrix-c-subscriber" tests/run printf c || status=1; \
	tools/summarize build/results; exit $$status

## test-valgrind: the C programs over every golden vector under valgrind memcheck
test-valgrind: deps all
	@rm -f build/results; mkdir -p build
	@tools/run-suite check "valgrind/vectors" tools/valgrind-vectors; status=$$?; \
	tools/summarize build/results; exit $$status

## fuzz: fuzz the framing: libFuzzer on the C decoder, Go's fuzzing, every program against the others (FUZZ_SECONDS=60 each)
fuzz: deps all
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_CFLAGS='$(ALL_CFLAGS)' C_LIB_SRC='$(C_LIB_SRC)' tools/fuzz

## soak: every publisher into one FIFO while programs are killed and restarted at random (SOAK_SECONDS=60)
soak: deps-run all
	@SOAK_SECONDS='$(SOAK_SECONDS)' tools/soak

PUB ?=
SUB ?=
## test-matrix: the interop matrix, or one pair of it: make test-matrix PUB=go SUB=python
test-matrix: all
	@tools/run-suite bats "tests/matrix" tests/run $(PUB) $(SUB)

## bugs: the tutorial's bugs seen happening, each next to our programs (for a class)
bugs: deps-run all
	@tools/bugs

## warehouse: sensors in every language publish into one FIFO; a live dashboard (SUB=c, READINGS=200)
warehouse: deps-run all
	@tools/warehouse

## bridge: the warehouse across machines through a real MQTT broker: two dashboards, each gets every reading (SUB=c PUB=go READINGS=100)
bridge: deps all
	@tools/bridge

## bench: throughput, latency and memory of every pair
bench: deps all
	@tools/bench

## clean: remove bin/ and build/
clean:
	rm -rf bin build
.SECONDARY:
