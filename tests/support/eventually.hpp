// Polling for tests that wait on another thread or process: true as soon as
// `ready` holds, false when `timeout` passes first.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace govbus::test {

inline bool eventually(const std::function<bool()>& ready,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!ready()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace govbus::test
