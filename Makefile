# The two commands of the README: `make run` and `make test`. Everything else is a helper.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DATA_DIR ?= ./basalt_data
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all bootstrap configure build run test test-unit test-pg test-e2e e2e-deps bench clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) --target basalt -j $(JOBS)

run: bootstrap build
	$(BUILD_DIR)/basalt serve --data-dir $(DATA_DIR)

e2e-deps:
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error

test: bootstrap configure e2e-deps
	cmake --build $(BUILD_DIR) -j $(JOBS)
	bash scripts/run-tests.sh $(BUILD_DIR)

bench: bootstrap build
	bash bench/run-all.sh

clean:
	rm -rf $(BUILD_DIR)
