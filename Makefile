# `make demo` and `make test` are all a user types on a fresh Debian machine: each first installs
# the Debian packages that are missing.
SWIFT ?= swift

.PHONY: deps build demo test format lint clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	@scripts/demo.sh

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests
	$(SWIFT) test --skip-build

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests

clean:
	rm -rf .build var
