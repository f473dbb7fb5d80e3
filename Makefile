# Ringfence: the two commands a newcomer needs are `make demo` and `make test`.
# Both install what a fresh Debian machine with Swift lacks (libseccomp-dev).

SWIFT        ?= swift
CONFIG       ?= debug
RINGFENCE     = .build/$(CONFIG)/ringfence
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release test demo bench bench-baseline reliability fuzz install install-files uninstall clean

all: build

# libseccomp's headers and pkg-config file; `apt-get update` first because a
# fresh machine's package lists may be empty.
deps:
	@if ! pkg-config --exists libseccomp 2>/dev/null; then \
		echo "installing libseccomp-dev (apt-get)"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libseccomp-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

release:
	$(MAKE) build CONFIG=release

test: deps
	$(SWIFT) test

# The reliability suite at full size (docs/reliability.md): the escape corpus
# from a debug and a release build, a 10,000-failure soak, neighbour
# isolation, 100 kills of the lab, the bad-input corpus, 100 injected set-up
# failures, the fuzz corpus replay and the C target under AddressSanitizer.
# `make test` runs the same tests at a small size. The figures are printed at
# the end.
FIGURES = .build/reliability-figures.txt
reliability: deps
	$(SWIFT) build -c release --static-swift-stdlib
	$(SWIFT) build --build-tests
	rm -f $(FIGURES)
	RINGFENCE_RELIABILITY=full RINGFENCE_RELIABILITY_FIGURES=$(CURDIR)/$(FIGURES) \
		$(SWIFT) test --skip-build --filter 'RingfenceReliabilityTests|BadInputTests'
	@echo; cat $(FIGURES)

# libFuzzer on each decoder for FUZZ_SECONDS, starting from the committed seed
# corpus (Tests/Fuzz/Corpus). A crash is saved under Tests/Fuzz/Crashes/TARGET/:
# commit it, and `make test` replays it from then on.
FUZZ_SECONDS ?= 60
fuzz: deps
	$(SWIFT) build -c release --product ringfence-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DRINGFENCE_FUZZ --scratch-path .build-fuzz
	for target in channel frame scenario profile; do \
		mkdir -p .build-fuzz/corpus/$$target Tests/Fuzz/Crashes/$$target; \
		RINGFENCE_FUZZ_TARGET=$$target .build-fuzz/release/ringfence-fuzz -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
			-artifact_prefix=Tests/Fuzz/Crashes/$$target/ .build-fuzz/corpus/$$target Tests/Fuzz/Corpus/$$target || exit 1; \
	done

# Install: the release build's executables in PREFIX/bin, and their data in
# PREFIX/share/ringfence (profiles, the scenario library with its content, the
# examples), where the executables find it (RingfenceHome). DESTDIR stages the
# tree for a package. `install-files` copies an existing build (BUILD) without
# building: the tests install the debug build that way.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= .build/release
BINDIR   = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share/ringfence
install: deps
	$(SWIFT) build -c release --static-swift-stdlib
	$(MAKE) install-files BUILD=.build/release

install-files:
	install -d $(BINDIR) $(SHAREDIR)/profiles $(SHAREDIR)/scenarios $(SHAREDIR)/examples
	install -m 755 $(BUILD)/ringfence $(BUILD)/ringfence-cli $(BUILD)/ringfence-probe $(BINDIR)/
	install -m 644 Sandbox/profiles/*.json $(SHAREDIR)/profiles/
	cp -R Scenarios/. $(SHAREDIR)/scenarios/
	cp -R examples/. $(SHAREDIR)/examples/

uninstall:
	rm -f $(BINDIR)/ringfence $(BINDIR)/ringfence-cli $(BINDIR)/ringfence-probe
	rm -rf $(SHAREDIR)

# The July 19 replay.
demo: build
	$(RINGFENCE) demo

# The performance suite, in a release build with the Swift libraries linked
# statically (fewer mappings: cheaper fork, faster start); the `ringfence` front
# is linked fully statically (Package.swift). Figures go to BENCHMARKS.md.
bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	.build/release/ringfence bench interpreters
	.build/release/ringfence bench parser
	.build/release/ringfence bench sandbox
	.build/release/ringfence bench sandbox-run
	.build/release/ringfence bench host
	.build/release/ringfence bench scenarios

# The scenario benchmark against another commit (BASE; issue 10 was measured
# against 1811357, the commit before it), built the same way in a worktree
# under .build-baseline and run interleaved with this build.
BASE ?= HEAD~1
bench-baseline: deps
	rm -rf .build-baseline/src && git worktree prune
	git worktree add --detach .build-baseline/src $(BASE)
	cd .build-baseline/src && $(SWIFT) build -c release --static-swift-stdlib
	$(SWIFT) build -c release --static-swift-stdlib
	.build/release/ringfence bench scenarios --baseline .build-baseline/src/.build/release/ringfence

clean:
	rm -rf .build .build-*
