# The two commands of the README. Everything else is CMake.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DGOVBUS_WERROR=ON
endif

# Ninja for a new build directory (bootstrap installs it): it keeps both
# cores busy to the end, where make waits at target boundaries (10 min
# against about 15 for the whole tree on 2 cores). A directory configured
# before keeps its generator.
GENERATOR = $$(test -f $(1)/CMakeCache.txt || ! command -v ninja >/dev/null || echo -G Ninja)

.PHONY: all bootstrap build test demo sanitize clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	cmake -S . -B $(BUILD) $(call GENERATOR,$(BUILD)) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	$(BUILD)/tools/govbus/govbus demo

# Unit tests under AddressSanitizer and UndefinedBehaviorSanitizer. The
# integration tests run against the same build with
# `cd build-asan && ctest -L integration -j 1` (slow: every node is sanitized).
sanitize: bootstrap
	cmake -S . -B build-asan $(call GENERATOR,build-asan) -DGOVBUS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit

clean:
	rm -rf $(BUILD) build-asan
