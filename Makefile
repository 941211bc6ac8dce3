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

.PHONY: all help deps deps-run demo cast bugs warehouse bridge test test-c test-go test-python test-matrix lint test-asan test-valgrind fuzz soak bench conformance conformance-matrix clean

## all: build every program into bin/ (what `make` alone does)
all: $(PROGRAMS)

## help: list the targets
help:
	@echo "Targets (settings such as PUB=go SUB=python go after the target):"
	@awk '/^## [a-z-]+: / { name = $$2; sub(/:$$/, "", name); text = $$0; \
	  sub(/^## [a-z-]+: /, "", text); printf "  make %-18s %s\n", name, text }' $(MAKEFILE_LIST)

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
	$(CC) $(ALL_CFLAGS) -Ic -DCBUILD='"$(CBUILD)"' $< $(TEST_SUPPORT) $(CBUILD)/libpubsub.a -lcmocka -pthread \
	  -Wl,--wrap=read,--wrap=write -o $@

# test_tutorial does the tutorial's first exercise: each program copied with
# its tutorial function edited (the subscriber prints "Got: ", the publisher
# tags each message), built, and run on a few thousand messages.
$(CBUILD)/tests/edited/subscriber.c: c/subscriber.c
	@mkdir -p $(@D)
	sed 's/"Received: "/"Got: "/' $< >$@
$(CBUILD)/tests/edited/publisher.c: c/publisher.c
	@mkdir -p $(@D)
	sed -e 's/frame_batch_fits(&pipe->batch, len)/frame_batch_fits(\&pipe->batch, len + 4)/' \
	  -e 's/^    frame_batch_add(&pipe->batch, message, len);/    memcpy(pipe->batch.data + pipe->batch.len, "tag ", 4);\n    pipe->batch.len += 4;\n&/' \
	  $< >$@
$(CBUILD)/tests/edited/c-%: $(CBUILD)/tests/edited/%.c $(CBUILD)/libpubsub.a $(CBUILD)/flags
	$(CC) $(ALL_CFLAGS) -Ic $< $(CBUILD)/libpubsub.a -o $@
$(CBUILD)/tests/test_tutorial: $(CBUILD)/tests/edited/c-subscriber $(CBUILD)/tests/edited/c-publisher

## demo: the tutorial's two panes in tmux (PUB=go SUB=python); scripted without a terminal
demo: deps-run all
	@examples/demo/demo

# The tests start Python programs by the hundred. When python3 on PATH is a
# version manager's shim (pyenv's runs bash before Python), the shim costs
# more than the programs themselves: the test targets put the interpreter it
# points to (the same python3, found once) first on PATH, in build/python.
python-path := build/python/python3
USER_PATH := $(PATH)
$(python-path): FORCE
	@mkdir -p $(@D)
	@ln -sfn "$$(PATH='$(USER_PATH)' python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')" $@.$$$$ && mv -Tf $@.$$$$ $@
TESTING := test test-c test-go test-python test-matrix lint test-asan test-valgrind fuzz soak bench conformance conformance-matrix
$(TESTING): export PATH := $(CURDIR)/build/python:$(PATH)

# Every suite runs even when an earlier one fails; tools/run-suite records
# each one's counts and the last line is the total. The lint and unit suites
# run beside the interop matrix, which mostly waits for programs; their
# output is shown after it. A job in the background starts with SIGINT
# ignored, which its programs would inherit: the tests of Ctrl-C need it
# back at its default. Last, tools/leftovers checks that the run left
# nothing behind.
## test: every test: C (cmocka), Go, Python, the interop matrix; under 5 min; ends "N passed, N failed, N skipped"
test: deps $(python-path)
	@rm -rf build/results build/failures build/skips build/units.log && mkdir -p build
	@tools/leftovers snapshot build/leftovers-before
	@$(MAKE) --no-print-directory all WERROR=-Werror
	@started=$$(date +%s); status=0; \
	( units=0; for suite in lint test-c test-go test-python; do \
	    env --default-signal=INT,QUIT $(MAKE) --no-print-directory $$suite WERROR=-Werror || units=1; \
	  done; exit $$units ) >build/units.log 2>&1 & units_pid=$$!; \
	$(MAKE) --no-print-directory test-matrix WERROR=-Werror || status=1; \
	wait $$units_pid || status=1; \
	cat build/units.log; \
	tools/run-suite check leftovers tools/leftovers check build/leftovers-before || status=1; \
	echo "make test: $$(( $$(date +%s) - started )) s"; \
	tools/summarize build/results; exit $$status

## test-c: the C unit tests (cmocka)
test-c: $(C_TESTS)
	@status=0; for t in $(C_TESTS); do tools/run-suite cmocka "c/$${t##*/}" $$t || status=1; done; exit $$status

## test-go: the Go tests (go test; gofmt and go vet are in make lint)
test-go: bin/go-publisher bin/go-subscriber
	@tools/run-suite gotest "go/test" bash -c 'cd go && go test -v -count=1 ./...'

## test-python: the Python unit tests (unittest)
test-python: bin/python-publisher bin/python-subscriber $(python-path)
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
## test-asan: the C unit tests and the C programs' matrix, built with ASan and UBSan (a few minutes)
test-asan: deps $(python-path)
	@rm -f build/results build/failures build/skips; mkdir -p build
	@status=0; \
	$(MAKE) --no-print-directory CBUILD=build/asan CBIN=build/asan/bin CFLAGS='$(SANITIZE)' \
	  WERROR=-Werror build/asan/bin/c-publisher build/asan/bin/c-subscriber test-c || \
	  { status=1; grep -q '^c/' build/results 2>/dev/null || echo "asan/build 0 1 0" >> build/results; }; \
	export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1; \
	BIN_DIR=build/asan/bin tools/run-suite bats "asan/matrix-c-publisher" tests/run c || status=1; \
	BIN_DIR=build/asan/bin tools/run-suite bats "asan/matrix-c-subscriber" tests/run printf c || status=1; \
	tools/summarize build/results; exit $$status

## test-valgrind: the C programs over every golden vector under valgrind memcheck
test-valgrind: deps all $(python-path)
	@rm -f build/results build/failures build/skips; mkdir -p build
	@tools/run-suite check "valgrind/vectors" tools/valgrind-vectors; status=$$?; \
	tools/summarize build/results; exit $$status

## fuzz: fuzz the framing: libFuzzer on the C decoder, Go's fuzzing, every program against the others (FUZZ_SECONDS=60 each: about 3 min)
fuzz: deps all $(python-path)
	@FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_CFLAGS='$(ALL_CFLAGS)' C_LIB_SRC='$(C_LIB_SRC)' tests/fuzz/run

## soak: every publisher into one FIFO while programs are killed and restarted at random (SOAK_SECONDS=60, SOAK_SEED=N)
soak: deps-run all $(python-path)
	@SOAK_SECONDS='$(SOAK_SECONDS)' tests/soak/run

PUB ?=
SUB ?=
## test-matrix: the interop matrix, or one pair of it: make test-matrix PUB=go SUB=python (TEST_JOBS=5, HANG_GUARD=20)
test-matrix: all $(python-path)
	@tools/run-suite bats "tests/matrix" tests/run $(PUB) $(SUB)

## bugs: the tutorial's bugs seen happening, each next to our programs (for a class)
bugs: deps-run all
	@examples/bugs/bugs

## warehouse: sensors in every language publish into one FIFO; a live dashboard (SUB=c, READINGS=200)
warehouse: deps-run all
	@examples/warehouse/warehouse

## bridge: the warehouse across machines through a real MQTT broker: two dashboards, each gets every reading (SUB=c PUB=go READINGS=100)
bridge: deps all
	@examples/bridge/bridge

## cast: record the two-pane demo (asciinema, typed through tmux) and render examples/demo/demo.svg (svg-term-cli from npm), about 30 s
cast: deps all
	@examples/demo/cast

## bench: throughput, latency and memory of every pair, about 2 min (BENCH_QUICK=1: seconds; SAVE=1: update tests/bench/results.*)
bench: deps all $(python-path)
	@SAVE='$(SAVE)' tests/bench/run

# PROGRAM is one command line: "./my-subscriber", or "cat {pipe}" with
# ROLE=subscriber; ARGS passes more options ("--only vector/").
PROGRAM ?=
ROLE ?=
ARGS ?=
## conformance: the conformance kit on one program: make conformance PROGRAM="./my-subscriber" (ROLE=, ARGS=)
conformance:
	@if [ -z "$$CONFORMANCE_PROGRAM" ]; then echo 'usage: make conformance PROGRAM="./my-subscriber" [ROLE=subscriber] [ARGS="--only vector/"]' >&2; exit 2; fi
	@tests/conformance $(if $(ROLE),--role $(ROLE)) $(ARGS) -- "$$CONFORMANCE_PROGRAM"

conformance: export CONFORMANCE_PROGRAM = $(PROGRAM)

## conformance-matrix: the kit on every program of bin/ and on cat, shell, awk, socat and the tutorial's designs: tests/conformance-matrix/results.{md,svg}
conformance-matrix: all $(python-path)
	@tests/conformance-matrix/run

## clean: remove bin/ and build/
clean:
	rm -rf bin build
.SECONDARY:
