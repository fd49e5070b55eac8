# `make demo` and `make test` are all a user types on a fresh Debian machine: each first installs
# the Debian packages that are missing.
SWIFT ?= swift
SHELL := /bin/bash
# Seconds each libFuzzer target runs (scripts/fuzz.sh): 7 targets, about two minutes in all.
FUZZ_SECONDS ?= 15
SCHEMATHESIS_SECONDS ?= 60

.PHONY: deps build demo serve test format lint clean bench-engine bench-probe bench-import bench-diagnosis fuzz

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	@scripts/demo.sh

# After `make demo`: olt-sim and ftth-acceptd keep running on the demo's data over HTTPS; prints
# the URL and one-time sign-in links for a crew member and an administrator. Ctrl-C stops them.
serve: build
	@scripts/serve.sh

test: deps
	set -o pipefail; $(SWIFT) build --build-tests 2>&1 | tee .build-test.log
	@if grep -E "^$(CURDIR)/(Sources|Tests|Fuzz)/.*: warning:" .build-test.log; then \
		echo "error: the compiler warned about the project's code (above); fix it"; exit 1; fi
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests Benchmarks Fuzz
	# One test at a time: many suites start real agents and tools (snmpd, snmpsim, net-snmp's
	# commands, olt-sim's agents); run side by side on 2 cores they starve each other into timeouts.
	$(SWIFT) test --skip-build --no-parallel
	# The daemon against its served OpenAPI document: strict YAML, then schemathesis for a bounded
	# time (no 5xx; every status, content type and body documented).
	scripts/schemathesis.sh $(SCHEMATHESIS_SECONDS)
	# The web pages in headless Chromium (Selenium): sign in, a live port test against olt-sim,
	# a crew session refused an administrator's page; screenshots at 360 and 1280 px (180 s at most).
	scripts/browser-tests.sh .build/screenshots
	# Every parser of outside bytes under libFuzzer, FUZZ_SECONDS each, without a crash.
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The daemon's port-test throughput against olt-sim (docs/benchmarks.md). One product at a time:
# several --product flags would build only the last, and a plain `build -c release` also builds
# ftth-fuzz, which needs @testable modules (debug only).
bench-engine: deps
	for p in ftth-acceptd ftthctl olt-sim engine-bench; do $(SWIFT) build -c release --product $$p || exit 1; done
	.build/release/engine-bench

# ftth-probe against pppd + rp-pppoe in one User-Mode Linux run (docs/benchmarks.md): release builds.
bench-probe: deps
	$(SWIFT) build -c release --product ftth-probe
	$(SWIFT) build -c release --product probe-bench
	.build/release/probe-bench

# A 30 MB project import into a running daemon, with wrk on GET /v1/projects (docs/benchmarks.md).
bench-import: deps
	$(SWIFT) build -c release --product ftth-acceptd
	$(SWIFT) build -c release --product ftthctl
	scripts/import-bench.py --bin .build/release --projects 400000 --import-limits raised

# Random cities with faults at known places through the engine and olt-sim, then diagnosed: the
# confusion matrix of docs/benchmarks.md. `make bench-diagnosis DIAGNOSIS_ARGS="--cities 50"`.
bench-diagnosis: deps
	$(SWIFT) build -c release --product diagnosis-bench
	.build/release/diagnosis-bench $(DIAGNOSIS_ARGS)

# libFuzzer over every parser of outside bytes (FUZZ_SECONDS each, default 15; make test runs it
# too); `make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=snmp` for a longer run of one.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Package.swift Sources Tests Benchmarks Fuzz

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests Benchmarks Fuzz

clean:
	rm -rf .build var
