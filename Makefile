# The two commands of the README. Everything else is CMake.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DGOVBUS_WERROR=ON
endif

.PHONY: all bootstrap build test demo sanitize clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	$(BUILD)/tools/govbus/govbus demo

# Unit tests under AddressSanitizer and UndefinedBehaviorSanitizer. The
# integration tests run against the same build with
# `cd build-asan && ctest -L integration -j 1` (slow: every node is sanitized).
sanitize: bootstrap
	cmake -S . -B build-asan -DGOVBUS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit

clean:
	rm -rf $(BUILD) build-asan
