# lcplan: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
SWIFT ?= swift
EXAMPLE ?= examples/llama-3.1-8b-h200-128k.yaml
# The man page's date is fixed so that regenerating it is byte-for-byte reproducible.
MAN_DATE := 2026-11-29
MAN_OUT := .build/plugins/GenerateManual/outputs/lcplan/lcplan.1

.PHONY: run test snapshots fuzz asan deps test-deps packages build install completions docs release generate man schemas check-generated format lint static dist bench bench-cpu clean

## run: install what is missing, build (release), and print the report for an example spec.
run: deps release
	.build/release/lcplan $(EXAMPLE)

## test: install what is missing, build, run every test, check that generated files are current, and
## report functions longer than 80 lines outside the kernels (scripts/long-functions.sh).
test: test-deps build
	$(MAKE) --no-print-directory check-generated lint
	@scripts/long-functions.sh
	$(SWIFT) test --disable-xctest

## snapshots: re-record the golden outputs under Tests/Snapshots (review the diff before committing).
snapshots: deps build
	SNAPSHOT_TESTING_RECORD=all $(SWIFT) test --disable-xctest --filter SnapshotTests || true
	$(SWIFT) test --disable-xctest --filter SnapshotTests

## fuzz: libFuzzer over the loader + analysis, the HF importer, the command line and file handling (scripts/fuzz.sh;
## FUZZ_SECONDS per target, default 600, on FUZZ_JOBS workers).
fuzz: deps
	scripts/fuzz.sh $${FUZZ_SECONDS:-600} $${FUZZ_JOBS:-2}

## asan: every test under AddressSanitizer. The precision module (the C interop) also runs with leak
## detection; the rest without, since static tables alive at exit() count as leaks in child processes.
asan: deps
	$(SWIFT) test --disable-xctest --sanitize=address --scratch-path .build-asan --filter LCPlanPrecisionTests
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --disable-xctest --sanitize=address --scratch-path .build-asan

## deps: install the GMP and MPFR development packages if they are missing (Debian/Ubuntu, apt-get).
deps:
	@$(MAKE) --no-print-directory packages PACKAGES="libgmp-dev libmpfr-dev"

## test-deps: deps, the SVG renderer the chart test draws with (librsvg2-bin: rsvg-convert) and shellcheck
## (every emitted script is checked with it).
test-deps:
	@$(MAKE) --no-print-directory packages PACKAGES="libgmp-dev libmpfr-dev librsvg2-bin shellcheck"

packages:
	@missing=""; \
	for pkg in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else \
	    echo "lcplan needs$$missing: install them with apt-get as root (no sudo found)." >&2; exit 1; fi; \
	  if ! command -v apt-get >/dev/null; then \
	    echo "lcplan needs$$missing; install them with your package manager." >&2; exit 1; fi; \
	  echo "installing$$missing"; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	fi

build:
	$(SWIFT) build

## release: optimised build with the Swift runtime linked statically (startup ~3 ms instead of ~9 ms).
release:
	$(SWIFT) build -c release --static-swift-stdlib

## generate: regenerate the committed generated files (man page, JSON Schemas, completions, rule docs).
generate: man schemas completions docs

man: build
	$(SWIFT) package generate-manual --configuration debug --date $(MAN_DATE) >/dev/null
	sh scripts/man.sh $(MAN_OUT) > man/lcplan.1

SCHEMAS := spec report check rope presets diff sweep validation

schemas: build
	for kind in $(SCHEMAS); do .build/debug/lcplan schema $$kind > schemas/lcplan.$$kind.v1.schema.json; done

COMPLETIONS := bash:completions/lcplan.bash zsh:completions/_lcplan fish:completions/lcplan.fish

completions: build
	@mkdir -p completions
	@for pair in $(COMPLETIONS); do .build/debug/lcplan --generate-completion-script $${pair%%:*} > $${pair#*:}; done

docs: build
	@mkdir -p docs
	.build/debug/lcplan explain --markdown > docs/rules.md

## install: the release binary, the man page and the shell completions under PREFIX (default /usr/local;
## DESTDIR for staging). LCPLAN_BIN installs another binary (the tests install the debug one).
PREFIX ?= /usr/local
LCPLAN_BIN ?= .build/release/lcplan
install: $(if $(filter .build/release/lcplan,$(LCPLAN_BIN)),release)
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -m 755 "$(LCPLAN_BIN)" "$(DESTDIR)$(PREFIX)/bin/lcplan"
	install -m 644 man/lcplan.1 "$(DESTDIR)$(PREFIX)/share/man/man1/lcplan.1"
	install -m 644 completions/lcplan.bash "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/lcplan"
	install -m 644 completions/_lcplan "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_lcplan"
	install -m 644 completions/lcplan.fish "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/lcplan.fish"

## check-generated: fail when the committed man page, schemas, completions or rule docs differ from what
## the code generates.
check-generated: build
	@$(SWIFT) package generate-manual --configuration debug --date $(MAN_DATE) >/dev/null
	@sh scripts/man.sh $(MAN_OUT) | diff -u man/lcplan.1 - \
	  || { echo "man/lcplan.1 is stale: run 'make generate'" >&2; exit 1; }
	@for kind in $(SCHEMAS); do \
	  .build/debug/lcplan schema $$kind | diff -u schemas/lcplan.$$kind.v1.schema.json - \
	    || { echo "schemas/lcplan.$$kind.v1.schema.json is stale: run 'make generate'" >&2; exit 1; }; \
	done
	@for pair in $(COMPLETIONS); do \
	  .build/debug/lcplan --generate-completion-script $${pair%%:*} | diff -u $${pair#*:} - >/dev/null \
	    || { echo "$${pair#*:} is stale: run 'make generate'" >&2; exit 1; }; \
	done
	@.build/debug/lcplan explain --markdown | diff -u docs/rules.md - >/dev/null \
	  || { echo "docs/rules.md is stale: run 'make generate'" >&2; exit 1; }
	@echo "generated files are current"

## format: apply .swift-format to every Swift file; lint: fail when one is not formatted.
format:
	$(SWIFT) format -i -r Sources Tests Benchmarks Fuzz Package.swift

lint:
	@$(SWIFT) format lint --strict -r Sources Tests Benchmarks Fuzz Package.swift || { echo "run 'make format'" >&2; exit 1; }
	@echo "formatting is clean"

## static: a fully static single binary (glibc, -static-executable) at .build/static/lcplan.
static: deps
	$(SWIFT) build -c release --scratch-path .build-static -Xswiftc -static-executable
	mkdir -p .build/static
	cp .build-static/release/lcplan .build/static/lcplan
	strip .build/static/lcplan
	@file .build/static/lcplan

## dist: a release archive, dist/lcplan-VERSION-linux-ARCH.tar.gz (the stripped, fully static binary with
## GMP and MPFR inside, the man page, the completions, README), and dist/SHA256SUMS.
dist: static
	sh scripts/dist.sh .build/static/lcplan dist
	@cat dist/SHA256SUMS

## bench: median wall time of `lcplan plan` on every example, and layout evaluations per second (release build).
bench: deps release
	scripts/bench.sh

## bench-cpu: lcplan's attention kernel beside PyTorch's CPU flash kernel and numpy, and `lcplan calibrate`
## beside numpy's matmul and copy, interleaved (needs python3 with numpy; PyTorch optional).
bench-cpu: deps release
	python3 scripts/cpu-side-by-side.py

clean:
	rm -rf .build .build-static .build-asan
